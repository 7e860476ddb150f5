"""The rectification lifecycle: reported -> planned -> rectifying -> fix submitted -> verified,
or rejected back to rectifying. Every change is an event in the hazard's history."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Any

from flask import current_app

from server.clock import local_today
from server.errors import ApiError
from server.extensions import db
from server.geo import WGS84, Position, haversine_m
from server.models import Hazard, HazardEvent, HazardPhoto, User, utcnow
from server.models.hazards import REPORTED
from server.services import content, hazard_news, hazard_responsible
from server.services.hazard_access import require_view
from server.services.hazard_lifecycle import apply, permitted
from server.services.hazard_reports import focus_problem_by_code
from server.services.hazard_views import PLAN_TEXTS
from server.services.photos import own_photos

# The history entry each photo step writes.
STEP_EVENTS = {"fix": "fix_submitted", "fix_on_spot": "fixed_on_spot"}


def _jsonable(value: Any) -> Any:
    """Event payloads are JSON: dates and money as strings."""
    if isinstance(value, (date, Decimal)):
        return str(value)
    return value


def assign_plan(user: User, hazard_id: int, plan: dict[str, Any], origin: dict) -> Hazard:
    """Set (or, before work starts, revise) the plan: all five fields are required together, and
    the responsible person is picked from the school's staff (their name is stored with the id)."""
    hazard = require_view(user, hazard_id)
    permitted(user, "plan", hazard)
    if plan["deadline"] < local_today():
        raise ApiError(
            422,
            "validation_error",
            "The deadline has passed.",
            {"deadline": ["Must be today or later."]},
        )
    responsible = hazard_responsible.pick(hazard, plan.get("responsible_user_id"))
    # The name is the picked person's, so the plan, the ledger and the messages agree with them.
    plan = {**plan, "responsible_person": hazard_responsible.name_of(responsible)}
    verdicts = _check_plan_texts(user, plan, responsible)
    fields = ("responsible_person", "deadline", "measures", "funds_yuan", "contingency")
    changes = {
        name: _jsonable(plan[name]) for name in fields if getattr(hazard, name) != plan[name]
    }
    values = {name: plan[name] for name in fields}
    values["responsible_user_id"] = responsible.id
    kind = "planned" if hazard.status == REPORTED else "plan_revised"
    row = apply(user, hazard, "plan", values, {"kind": kind, "changes": changes}, origin)
    for name in PLAN_TEXTS:
        # A text not checked (or passed) drops the hold of the text it replaces.
        _hold_change(user, hazard, row, name, plan[name], verdicts.get(name, content.PASSED))
    news = hazard_news.tell(user, hazard, kind)
    db.session.commit()
    hazard_news.send(news)
    return hazard


def _check_plan_texts(user: User, plan: dict[str, Any], responsible: User | None) -> dict:
    """WeChat's text check of the plan's texts before anything is stored (risky: 422). The
    responsible person's name is not checked when it is the picked person's own name, which
    was checked when they gave it."""
    verdicts = {}
    for name in PLAN_TEXTS:
        text = plan[name]
        picked = responsible is not None and text == responsible.display_name
        if text and not (name == "responsible_person" and picked):
            verdicts[name] = content.check_text(user, name, text)
    return verdicts


def _hold_change(
    user: User, hazard: Hazard, event: HazardEvent, field: str, text: str, verdict: str
) -> None:
    """Hold a plan text WeChat's check did not pass: the hazard's own column, and the event's
    change of it when the step changed it (caller's transaction), as ``_hold`` does for notes."""
    content.replace_text(user, hazard.school, "hazard", hazard.id, field, text, verdict)
    changes = event.changes if isinstance(event.changes, dict) else {}
    if field in changes and verdict != content.PASSED:
        content.hold_text(user, hazard.school, "hazard_event", event.id, field, text, verdict)


def classify(user: User, hazard_id: int, code: str, origin: dict) -> Hazard:
    """File an open hazard under a focus problem: an unsure report (不确定), or a correction.
    The status stays; the history keeps the old and the new codes."""
    hazard = require_view(user, hazard_id)
    permitted(user, "classify", hazard)
    focus = focus_problem_by_code(code)
    old = hazard.focus_problem.code if hazard.focus_problem is not None else None
    event = {"kind": "classify", "changes": {"focus_problem": [old, focus.code]}}
    apply(user, hazard, "classify", {"focus_problem_id": focus.id}, event, origin)
    db.session.commit()
    return hazard


def start_work(user: User, hazard_id: int, origin: dict) -> Hazard:
    """Mark that rectification has begun."""
    hazard = require_view(user, hazard_id)
    permitted(user, "start", hazard)
    apply(user, hazard, "start", {}, {"kind": "started"}, origin)
    db.session.commit()
    return hazard


def _check_after_photos(hazard: Hazard, photos: list, position: Position) -> None:
    """After-photos must be new since the report, and taken near the hazard."""
    limit = current_app.config["FIX_MAX_DISTANCE_M"]
    place = Position(hazard.lat, hazard.lng, hazard.coord_system)
    distance = haversine_m(place, position)
    if distance > limit:
        raise ApiError(
            422,
            "fix_too_far",
            f"The fix was submitted {distance:.0f} m from the hazard (limit {limit} m).",
            {"distance_m": round(distance, 1), "limit_m": limit},
        )
    problems: dict[str, list[str]] = {}
    for photo in photos:
        # An upload older than the report, or a camera time before it, is not an after-photo.
        taken_before = photo.taken_at is not None and photo.taken_at <= hazard.reported_at
        if photo.created_at <= hazard.reported_at or taken_before:
            problems[str(photo.id)] = ["taken before the hazard was reported"]
        elif photo.exif_lat is not None and photo.exif_lng is not None:
            gap = haversine_m(place, Position(photo.exif_lat, photo.exif_lng, WGS84))
            if gap > limit:
                problems[str(photo.id)] = [f"taken {gap:.0f} m from the hazard"]
    if problems:
        raise ApiError(
            422,
            "after_photo_invalid",
            "After-photos must be taken at the hazard after it was reported.",
            problems,
        )


def _fix_with_photos(
    user: User, hazard_id: int, data: dict[str, Any], origin: dict, action: str, values: dict
) -> Hazard:
    """A step that attaches after-photos taken at the hazard: submitting a fix, or fixing it on
    the spot."""
    hazard = require_view(user, hazard_id)
    permitted(user, action, hazard)
    photos = own_photos(user, data["photo_ids"])
    _check_after_photos(hazard, photos, origin["position"])
    verdict = content.check_text(user, "note", data["note"])
    start = len([p for p in hazard.photos if p.stage == "after"])
    event = {"kind": STEP_EVENTS[action], "changes": {"photo_ids": data["photo_ids"]}}
    values = {"fix_note": data["note"], "fix_submitted_by_id": user.id, **values}
    row = apply(user, hazard, action, values, {**event, "note": data["note"]}, origin)
    _hold(user, hazard, row, "fix_note", data["note"], verdict)
    links = [
        HazardPhoto(hazard_id=hazard.id, photo=photo, stage="after", position=index)
        for index, photo in enumerate(photos, start=start)
    ]
    db.session.add_all(links)
    db.session.flush()
    media = content.hold_photos(user, hazard.school, links)
    news = hazard_news.tell(user, hazard, STEP_EVENTS[action])
    db.session.commit()
    content.start_media_checks([check.id for check in media])
    hazard_news.send(news)
    return hazard


def _hold(
    user: User, hazard: Hazard, event: HazardEvent, field: str | None, text: str | None, verdict
) -> None:
    """Hold a step's text that WeChat's check did not pass: the event's note, and the hazard's
    own column (``field``) when the step wrote one (caller's transaction)."""
    if field is not None and text:
        content.replace_text(user, hazard.school, "hazard", hazard.id, field, text, verdict)
    if not text or verdict == content.PASSED:
        return
    content.hold_text(user, hazard.school, "hazard_event", event.id, "note", text, verdict)


def _for_others(text: str | None, verdict: str) -> str | None:
    """A step's text as the people told of it may read it (masked while held)."""
    return text if verdict == content.PASSED or not text else content.MASK


def submit_fix(user: User, hazard_id: int, data: dict[str, Any], origin: dict) -> Hazard:
    """Submit the fix with after-photos taken at the hazard (someone else signs it off)."""
    return _fix_with_photos(user, hazard_id, data, origin, "fix", {})


def fix_on_spot(user: User, hazard_id: int, data: dict[str, Any], origin: dict) -> Hazard:
    """A small general hazard fixed there and then (当场整改): closed at once with its
    after-photos, without the five-field plan."""
    return _fix_with_photos(user, hazard_id, data, origin, "fix_on_spot", {"closed_at": utcnow()})


def close(user: User, hazard_id: int, reason: str, origin: dict) -> Hazard:
    """The safety officer closes a report that is not a hazard, saying why."""
    hazard = require_view(user, hazard_id)
    permitted(user, "close", hazard)
    verdict = content.check_text(user, "reason", reason)
    values = {"close_reason": reason, "closed_at": utcnow()}
    event = {"kind": "closed", "changes": {"reason": reason}, "note": reason}
    row = apply(user, hazard, "close", values, event, origin)
    _hold(user, hazard, row, "close_reason", reason, verdict)
    news = hazard_news.tell(user, hazard, "closed", _for_others(reason, verdict))
    db.session.commit()
    hazard_news.send(news)
    return hazard


def verify(user: User, hazard_id: int, note: str | None, origin: dict) -> Hazard:
    """Accept the fix: the hazard is closed."""
    hazard = require_view(user, hazard_id)
    permitted(user, "verify", hazard)
    verdict = content.check_text(user, "note", note) if note else content.PASSED
    event = {"kind": "verified", "note": note}
    row = apply(user, hazard, "verify", {"closed_at": utcnow()}, event, origin)
    _hold(user, hazard, row, None, note, verdict)
    news = hazard_news.tell(user, hazard, "verified", _for_others(note, verdict))
    db.session.commit()
    hazard_news.send(news)
    return hazard


def reject(user: User, hazard_id: int, reason: str, origin: dict) -> Hazard:
    """Send the fix back with a reason; work goes on."""
    hazard = require_view(user, hazard_id)
    permitted(user, "reject", hazard)
    verdict = content.check_text(user, "reason", reason)
    event = {"kind": "rejected", "changes": {"reason": reason}, "note": reason}
    row = apply(user, hazard, "reject", {}, event, origin)
    _hold(user, hazard, row, None, reason, verdict)
    news = hazard_news.tell(user, hazard, "rejected", _for_others(reason, verdict))
    db.session.commit()
    hazard_news.send(news)
    return hazard


def mark_duplicate(user: User, hazard_id: int, original_id: int, origin: dict) -> Hazard:
    """The safety officer (or anyone above) folds a hazard into an earlier report of the same
    problem."""
    hazard = require_view(user, hazard_id)
    original = require_view(user, original_id)
    permitted(user, "duplicate", hazard)
    if original.id == hazard.id or original.duplicate_of_id is not None:
        raise ApiError(
            422,
            "validation_error",
            "Choose a different, original report.",
            {"original_id": ["Must be another hazard that is not a duplicate."]},
        )
    # Any focus problem: reporters may be unsure or misfile, and the planner who folds the
    # reports judges that they are the same problem.
    values = {"duplicate_of_id": original.id, "closed_at": utcnow()}
    event = {"kind": "marked_duplicate", "changes": {"duplicate_of": original.id}}
    apply(user, hazard, "duplicate", values, event, origin)
    news = hazard_news.tell(user, hazard, "marked_duplicate", f"#{original.id}")
    db.session.commit()
    hazard_news.send(news)
    return hazard
