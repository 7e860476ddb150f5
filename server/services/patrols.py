"""Recording a patrol round: idempotent by the phone's UUID, proved by the checkpoint's sticker,
the phone's position and new photos; each failed item becomes a hazard in the same transaction
(DESIGN.md §3 "Patrols and checklists")."""

from __future__ import annotations

import hashlib
import json
import uuid
from datetime import UTC, timedelta
from typing import Any

from flask import current_app
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from server.errors import ApiError
from server.extensions import db
from server.geo import Position
from server.models import Hazard, User, utcnow
from server.models.hazards import REPORTED
from server.models.patrols import (
    BUS,
    FAIL,
    ChecklistItem,
    Checkpoint,
    Patrol,
    PatrolAnswer,
    PatrolPhoto,
)
from server.services import bus_inspections, content, hazard_news, patrol_proof

# The checkpoint lookup by a scanned token or a water point's id (the same rules as
# GET /checkpoints/scan).
from server.services.checkpoints import resolve, round_school
from server.services.hazard_reports import add_report, campus_check
from server.services.patrol_checks import (
    check_answers,
    check_times,
    distance_to,
    template_for,
)
from server.services.patrol_slot_link import find_slot, mark_slot
from server.services.photos import own_photos

# Received this long after the scan, a round is a late submission (made offline and sent
# later), told apart from a late patrol (scanned after its slot's window).
LATE_SUBMISSION_AFTER = timedelta(minutes=30)
# The content-check subject of a round's photos (those not also a failed item's hazard's).
PHOTO_SUBJECT = "patrol_photo"


def _digest(data: dict[str, Any]) -> str:
    """A fingerprint of the round, to tell a retry from a different round. ``sent_at`` is left
    out: the phone's offline queue stamps each attempt anew."""
    canonical = {
        "token": data["token"],
        "checkpoint_id": data.get("checkpoint_id"),
        "template_id": data["template_id"],
        "position": [round(data[k], 7) for k in ("lat", "lng", "accuracy")],
        "coord_system": data["coord_system"],
        "scanned_at": data["scanned_at"].astimezone(UTC).isoformat(),
        "answers": sorted(
            [a["item_id"], a["answer"], a.get("note") or "", a["photo_ids"]]
            for a in data["answers"]
        ),
    }
    return hashlib.sha256(json.dumps(canonical, sort_keys=True).encode()).hexdigest()


def _existing_for_uuid(user: User, client_uuid: str, digest: str) -> Patrol | None:
    """The round already recorded with this UUID; 409 if its content (or its maker) differs."""
    patrol = db.session.scalars(select(Patrol).where(Patrol.client_uuid == client_uuid)).first()
    if patrol is not None and (patrol.content_digest != digest or patrol.user_id != user.id):
        raise ApiError(
            409, "uuid_conflict", "This round's id was already used for a different round."
        )
    return patrol


def submit(user: User, data: dict[str, Any], client_ip: str | None) -> tuple[Patrol, bool]:
    """Record a round; returns (patrol, created). A retry with the same UUID and content gets
    the first round back, even after the sticker was replaced meanwhile."""
    digest = _digest(data)
    existing = _existing_for_uuid(user, data["client_uuid"], digest)
    if existing is not None:
        return existing, False
    checkpoint = resolve(user, data["token"], data["checkpoint_id"])
    template = template_for(checkpoint, data["template_id"])
    items = check_answers(template, data["answers"])
    now = utcnow()
    check_times(data["scanned_at"], data["sent_at"], now)
    position = Position(data["lat"], data["lng"], data["coord_system"])
    distance = distance_to(checkpoint, position, data["accuracy"])
    photo_ids = [pid for answer in data["answers"] for pid in answer["photo_ids"]]
    photos = {photo.id: photo for photo in own_photos(user, photo_ids)}
    patrol_proof.check_new(list(photos.values()), data["scanned_at"])
    verdicts = {
        index: content.check_text(user, "note", answer["note"])
        for index, answer in enumerate(data["answers"])
        if answer.get("note")
    }
    slot = find_slot(user, checkpoint, data["scanned_at"])
    if slot is None and checkpoint.kind == BUS:
        # A bus is cleared for a trip by the inspection of that trip, not by one at any time.
        raise ApiError(
            409,
            "no_trip_due",
            "No trip of this bus is due for inspection now (inspect within the time before "
            "its departure).",
        )
    school_id = slot[2] if slot else round_school(user, checkpoint).id
    patrol = Patrol(
        client_uuid=data["client_uuid"],
        content_digest=digest,
        # The objects, not only their ids: the answer shows them, and the session keeps loaded
        # objects only while something refers to them.
        checkpoint=checkpoint,
        school_id=school_id,
        template=template,
        user_id=user.id,
        slot_id=slot[0] if slot else None,
        lat=position.lat,
        lng=position.lng,
        accuracy_m=data["accuracy"],
        coord_system=position.system,
        distance_m=round(distance, 1),
        scanned_at=data["scanned_at"],
        sent_at=data["sent_at"],
        received_at=now,
        flags=patrol_proof.reuse_flags(list(photos.values()), school_id, now),
    )
    try:
        news, media = _save(user, patrol, checkpoint, items, photos, data, verdicts, client_ip)
        if slot is not None:
            mark_slot(slot[0], slot[1])
        _commit_keeping_loaded()
    except IntegrityError:
        # The same UUID raced in from a retry (answer with the winner, as a sequential retry
        # would get), or another round took the slot (unique slot_id).
        db.session.rollback()
        winner = _existing_for_uuid(user, data["client_uuid"], digest)
        if winner is not None:
            return winner, False
        if slot is not None:
            raise ApiError(
                409, "slot_already_done", "This checkpoint's round for this time was already done."
            ) from None
        raise ApiError(
            409, "conflict", "The round clashed with another change; send it again."
        ) from None
    except ApiError:
        db.session.rollback()
        raise
    content.start_media_checks(media)
    hazard_news.send(news)
    current_app.logger.info("patrol %s at checkpoint %s", patrol.id, checkpoint.id)
    return patrol, True


def _commit_keeping_loaded() -> None:
    """Commit without expiring what the session holds: the answer shows the round just written
    (its checkpoint, school, template, answers), and reading all of it back after the commit
    was about a quarter of a round's Python."""
    session = db.session()
    session.expire_on_commit = False
    try:
        session.commit()
    finally:
        session.expire_on_commit = True


def _save(
    user: User,
    patrol: Patrol,
    checkpoint: Checkpoint,
    items: dict[int, ChecklistItem],
    photos: dict,
    data: dict[str, Any],
    verdicts: dict[int, str],
    client_ip: str | None,
) -> tuple[list[int], list[int]]:
    """Insert the patrol, its answers and photos, and a hazard per failed item (with its news
    and holds), without committing; returns the deliveries and media checks to start after."""
    db.session.add(patrol)
    db.session.flush()
    news: list[int] = []
    media: list[int] = []
    unheld: list[PatrolPhoto] = []
    answers = [
        PatrolAnswer(
            patrol_id=patrol.id,
            item_id=given["item_id"],
            answer=given["answer"],
            note=given.get("note"),
        )
        for given in data["answers"]
    ]
    db.session.add_all(answers)
    # One batched INSERT for every answer (their ids come back with it), not one per item.
    db.session.flush()
    for index, (given, answer) in enumerate(zip(data["answers"], answers, strict=True)):
        item = items[given["item_id"]]
        if answer.note:
            content.hold_text(
                user, patrol.school, "patrol_answer", answer.id, "note", answer.note,
                verdicts[index],
            )  # fmt: skip
        shots = [photos[pid] for pid in given["photo_ids"]]
        links = [PatrolPhoto(answer_id=answer.id, photo=p) for p in shots]
        db.session.add_all(links)
        if given["answer"] != FAIL:
            # A failed item's photos are its hazard's, held by the hazard's media checks.
            unheld += links
        if given["answer"] == FAIL:
            hazard = _hazard_for(user, patrol, checkpoint, item, answer.note)
            told, checks = add_report(
                hazard,
                shots,
                user,
                item.focus_problem,
                Position(patrol.lat, patrol.lng, patrol.coord_system),
                client_ip,
                {"description": verdicts[index]},
            )
            answer.hazard_id = hazard.id
            news += told
            media += checks
    db.session.flush()
    if unheld:
        # The round's other photos are seen by the school's patrol viewers: held for WeChat too.
        checks = content.hold_photos(user, patrol.school, unheld, PHOTO_SUBJECT)
        db.session.flush()
        media += [check.id for check in checks]
    # A failed bus inspection tells the safety officer at once, with the round (issue 11).
    failed = [items[g["item_id"]] for g in data["answers"] if g["answer"] == FAIL]
    news += bus_inspections.after_round(patrol, failed)
    return news, media


def _hazard_for(
    user: User, patrol: Patrol, checkpoint: Checkpoint, item: ChecklistItem, note: str
) -> Hazard:
    """The hazard a failed item reports: the item's focus problem, at the patrol's position,
    the item's text and the patroller's note as its description. Its UUID is derived from the
    round's, so it is as unique as the round."""
    description = f"{item.text}：{note}"
    position = Position(patrol.lat, patrol.lng, patrol.coord_system)
    client_uuid = str(uuid.uuid5(uuid.UUID(patrol.client_uuid), f"patrol-item:{item.id}"))
    return Hazard(
        client_uuid=client_uuid,
        content_digest=hashlib.sha256(f"{client_uuid}\n{description}".encode()).hexdigest(),
        school_id=patrol.school_id,
        reporter_id=user.id,
        focus_problem_id=item.focus_problem_id,
        description=description,
        place=checkpoint.name[:60],
        severity="general",
        status=REPORTED,
        lat=patrol.lat,
        lng=patrol.lng,
        accuracy_m=patrol.accuracy_m,
        coord_system=patrol.coord_system,
        inside_campus=campus_check(patrol.school, position),
        checkpoint_id=checkpoint.id,
    )
