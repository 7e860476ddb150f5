"""Patrol records as a viewer sees them: one's own rounds always, others' with ``patrol.view``
at their school (or above it); photos with short-lived links as hazard photos have. Lists load
per page, never per row."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import selectinload

from server import access
from server.extensions import db
from server.models import Unit, User
from server.models.patrols import ANSWERS, Checkpoint, Patrol, PatrolAnswer, PatrolPhoto
from server.services import content
from server.services.hazard_views import hidden_record_photos, photo_view
from server.services.patrols import LATE_SUBMISSION_AFTER, PHOTO_SUBJECT


def _summary_options() -> list:
    """What a summary shows, loaded with the page (one statement per relation)."""
    return [
        selectinload(Patrol.checkpoint).selectinload(Checkpoint.school),
        selectinload(Patrol.template),
        selectinload(Patrol.user),
        selectinload(Patrol.answers),
    ]


def page(
    user: User, mine: bool, school_id: int | None, before_id: int | None, limit: int
) -> tuple[list[dict], int | None]:
    """A page of rounds, newest first: the caller's own (``mine``, or no school given), or
    all those at and below a unit where the caller holds ``patrol.view``."""
    query = select(Patrol).options(*_summary_options())
    if school_id is not None:
        unit = access.load_unit(user, school_id, access.VIEW if mine else "patrol.view")
        query = query.where(Patrol.school_id.in_(access.unit_ids_below([unit.path])))
    if mine or school_id is None:
        query = query.where(Patrol.user_id == user.id)
    if before_id is not None:
        query = query.where(Patrol.id < before_id)
    rows = db.session.scalars(query.order_by(Patrol.id.desc()).limit(limit + 1)).all()
    more = len(rows) > limit
    rows = rows[:limit]
    return [summary(p) for p in rows], rows[-1].id if more else None


def require_view(user: User, patrol_id: int) -> Patrol:
    """A round the caller may see: their own, or one with ``patrol.view`` at its school."""
    patrol = db.session.get(Patrol, patrol_id)
    if patrol is None:
        raise access.not_found("patrol")
    if patrol.user_id != user.id:
        access.require(user, "patrol.view", db.session.get(Unit, patrol.school_id), what="patrol")
    return patrol


def _late(scanned_at: datetime, received_at: datetime) -> bool:
    """Whether the round reached the server well after it was scanned (sent from offline)."""
    return received_at - scanned_at > LATE_SUBMISSION_AFTER


def summary(patrol: Patrol, answers: list[PatrolAnswer] | None = None) -> dict[str, Any]:
    """A round without its answers (their counts instead; ``answers``: already loaded)."""
    counts = dict.fromkeys(ANSWERS, 0)
    for answer in patrol.answers if answers is None else answers:
        counts[answer.answer] += 1
    checkpoint, template = patrol.checkpoint, patrol.template
    return {
        "id": patrol.id,
        "client_uuid": patrol.client_uuid,
        "checkpoint": {"id": checkpoint.id, "name": checkpoint.name},
        "school": {"id": checkpoint.school.id, "name": checkpoint.school.name},
        "template": {
            "id": template.id,
            "code": template.code,
            "name": template.name,
            "version": template.version,
        },
        "user": patrol.user,
        "slot_id": patrol.slot_id,
        "position": {
            "lat": patrol.lat,
            "lng": patrol.lng,
            "accuracy": patrol.accuracy_m,
            "coord_system": patrol.coord_system,
        },
        "accuracy_m": patrol.accuracy_m,
        "distance_m": patrol.distance_m,
        "scanned_at": patrol.scanned_at,
        "sent_at": patrol.sent_at,
        "received_at": patrol.received_at,
        "late_submission": _late(patrol.scanned_at, patrol.received_at),
        "flags": patrol.flags or [],
        "counts": counts,
    }


def detail(patrol: Patrol, viewer: User) -> dict[str, Any]:
    """The whole round: each answer with its item, note, hazard and photos. Notes and photos
    the content checks hold are hidden from all but the patroller."""
    answers = db.session.scalars(
        select(PatrolAnswer)
        .where(PatrolAnswer.patrol_id == patrol.id)
        .options(
            selectinload(PatrolAnswer.item),
            selectinload(PatrolAnswer.photos).selectinload(PatrolPhoto.photo),
        )
        .order_by(PatrolAnswer.id)
    ).all()
    own = viewer.id == patrol.user_id
    held_notes = {} if own else content.held_texts("patrol_answer", [a.id for a in answers])
    # A failed item's photos are its hazard's (no check of their own); the others have theirs.
    checked = [link for a in answers if a.hazard_id is None for link in a.photos]
    raised = [(a.hazard_id, a.photos) for a in answers if a.hazard_id]
    hidden = hidden_record_photos(PHOTO_SUBJECT, checked, raised, viewer)
    views = [
        {
            "item": {"id": a.item.id, "code": a.item.code, "text": a.item.text},
            "answer": a.answer,
            "note": content.shown(held_notes, viewer.id, a.id, "note", a.note),
            "hazard_id": a.hazard_id,
            "photos": [
                photo_view(link.photo, held=link.id in hidden, refused=hidden.get(link.id, False))
                for link in a.photos
            ],
        }
        for a in answers
    ]
    return {**summary(patrol, answers), "answers": views}
