"""The rules a patrol submission must meet before it is recorded: the sticker scanned is a live
checkpoint the patroller works at, the phone was there, the times are believable, and the
answers fill the template exactly once each (DESIGN.md §3 "Patrols and checklists")."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

from server.errors import ApiError
from server.extensions import db
from server.geo import Position, haversine_m
from server.geo_shapes import distance_to_shape
from server.models.patrols import (
    BUS,
    FAIL,
    ChecklistItem,
    ChecklistTemplate,
    Checkpoint,
)

# The phone's reported accuracy widens the checkpoint's radius by at most this much: a fix of
# 8 m at 55 m from a 50 m checkpoint passes, but a phone reporting 5 km accuracy (no GPS, cell
# towers only) cannot stretch the circle past radius + 50 m. 50 m is what an indoor GPS fix
# near a school building usually reports.
ACCURACY_CAP_M = 50.0
# Phone clocks drift: a scan up to this far in the server's future is believed.
CLOCK_SKEW = timedelta(minutes=5)
# A round made offline may be sent this long after it was scanned, no later.
MAX_AGE = timedelta(days=7)


def template_for(checkpoint: Checkpoint, template_id: int) -> ChecklistTemplate:
    """The template version the phone showed: any version of a code checked at the checkpoint
    (a phone that fetched it before a change still submits against what it showed)."""
    template = db.session.get(ChecklistTemplate, template_id)
    if template is None or template.code not in (checkpoint.template_codes or []):
        raise ApiError(
            422,
            "validation_error",
            "This checklist is not checked at this checkpoint.",
            {"template_id": ["Not a checklist of this checkpoint."]},
        )
    return template


def check_answers(template: ChecklistTemplate, answers: list[dict[str, Any]]) -> dict:
    """Every item of the template answered exactly once, nothing else; a fail with a note and
    at least one photo, a pass or n/a without photos. A water-point visit is photographed
    whatever is found (the sign, the fence, the rescue gear as they are): photos may go with any
    answer, and the visit needs at least one. Returns the items by id."""
    photos_anywhere = template.kind == "water"
    items: dict[int, ChecklistItem] = {item.id: item for item in template.items}
    problems: dict[str, list[str]] = {}
    seen: set[int] = set()
    for index, answer in enumerate(answers):
        item_id = answer["item_id"]
        key = f"answers.{index}"
        if item_id not in items:
            problems[key] = [f"item {item_id} is not an item of this checklist"]
        elif item_id in seen:
            problems[key] = [f"item {item_id} is answered twice"]
        elif answer["answer"] == FAIL and (not answer.get("note") or not answer["photo_ids"]):
            problems[key] = ["a failed item needs a note and at least one photo"]
        elif answer["answer"] != FAIL and answer["photo_ids"] and not photos_anywhere:
            problems[key] = ["photos go with failed items only"]
        seen.add(item_id)
    missing = [item.code for item in template.items if item.id not in seen]
    if missing:
        problems["answers"] = [f"unanswered items: {', '.join(missing)}"]
    photo_ids = [pid for answer in answers for pid in answer["photo_ids"]]
    if len(set(photo_ids)) != len(photo_ids):
        problems.setdefault("answers", []).append("a photo is attached to two items")
    if photos_anywhere and not photo_ids:
        problems.setdefault("answers", []).append("a water-point visit needs at least one photo")
    if problems:
        raise ApiError(422, "validation_error", "The answers do not fit the checklist.", problems)
    return items


def check_times(scanned_at: datetime, sent_at: datetime, now: datetime) -> None:
    """The phone's times are believable: not in the future beyond clock skew, not older than
    a week, and sent no earlier than scanned."""
    problems: dict[str, list[str]] = {}
    for name, moment in (("scanned_at", scanned_at), ("sent_at", sent_at)):
        if moment > now + CLOCK_SKEW:
            problems[name] = ["is in the future: check the phone's clock"]
        elif moment < now - MAX_AGE:
            problems[name] = ["is more than 7 days ago"]
    if not problems and sent_at < scanned_at - CLOCK_SKEW:
        problems["sent_at"] = ["is before scanned_at"]
    if problems:
        message = "The times of the round are not possible."
        raise ApiError(422, "validation_error", message, problems)


def distance_to(checkpoint: Checkpoint, position: Position, accuracy: float) -> float:
    """The distance in metres from the checkpoint (from a water point's line or polygon when it
    has one); 422 ``too_far`` when even the reported accuracy (capped at ACCURACY_CAP_M) cannot
    bring the phone inside its radius. A bus moves: its sticker inside the bus is the proof, and
    the distance from where it was registered is only recorded."""
    if checkpoint.shape:
        distance = distance_to_shape(position, checkpoint.shape, checkpoint.coord_system)
    else:
        center = Position(checkpoint.lat, checkpoint.lng, checkpoint.coord_system)
        distance = haversine_m(center, position)
    if checkpoint.kind == BUS:
        return distance
    if distance - min(accuracy, ACCURACY_CAP_M) > checkpoint.radius_m:
        raise ApiError(
            422,
            "too_far",
            f"You are {distance:.0f} m from the checkpoint; come within "
            f"{checkpoint.radius_m} m and scan again.",
            {"distance_m": round(distance, 1), "radius_m": checkpoint.radius_m},
        )
    return distance
