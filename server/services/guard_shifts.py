"""A guard's shift at the school gate: started by scanning the gate inside its radius, ended
with a hand-over note that the next guard at the school sees when starting (issue 11, the
guards' post).

At most one open shift per guard is kept by the database (a partial unique index), so two
starts at once give one shift; an end is a conditional UPDATE on ``ended_at is null``, so two
ends at once give one end and one 409.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from flask import current_app
from sqlalchemy import func, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import selectinload

from server import access
from server.errors import ApiError
from server.extensions import db
from server.geo import Position
from server.models import User, utcnow
from server.models.guards import GATE_TEMPLATE, GuardShift, PerimeterLog
from server.models.patrols import PLACE, Checkpoint
from server.services import content
from server.services.checkpoints import resolve
from server.services.patrol_checks import check_times, distance_to

DUTY = "guard.duty"
# The content-check subject of a hand-over note (masked for others while held).
SUBJECT = "guard_shift"


def check_phone_time(field: str, moment: datetime, now: datetime) -> None:
    """The phone's time of a scan or an entry is believable (the rules of a round's scan time:
    not in the future beyond clock skew, not older than a week); 422 naming ``field``."""
    try:
        check_times(moment, now, now)
    except ApiError as error:
        raise ApiError(
            422,
            "validation_error",
            "The phone's time is not possible: check its clock.",
            {field: error.details.get("scanned_at", ["is not possible"])},
        ) from None


def open_shift_of(user: User) -> GuardShift | None:
    """The caller's open shift, if any."""
    query = select(GuardShift).where(GuardShift.user_id == user.id, GuardShift.ended_at.is_(None))
    return db.session.scalars(query).first()


def _gate(user: User, token: str) -> Checkpoint:
    """The gate a scanned token names: a live place checkpoint checked with the perimeter
    checklist, at a school where the caller holds guard.duty."""
    checkpoint = resolve(user, token, None)
    if checkpoint.kind != PLACE or GATE_TEMPLATE not in (checkpoint.template_codes or []):
        raise ApiError(422, "not_a_gate", "This code is not a gate's; scan the code at the gate.")
    access.require(user, DUTY, checkpoint.school)
    return checkpoint


def _shift_open(shift_id: int) -> ApiError:
    """The answer to a start while already on a shift."""
    return ApiError(
        409, "shift_open", "You are already on a shift; end it first.", {"shift_id": shift_id}
    )


def _by_uuid(user: User, client_uuid: str) -> GuardShift | None:
    """The shift already started with this UUID (a retry); 409 if someone else's."""
    shift = db.session.scalars(
        select(GuardShift).where(GuardShift.client_uuid == client_uuid)
    ).first()
    if shift is not None and shift.user_id != user.id:
        raise ApiError(409, "uuid_conflict", "This shift's id was already used.")
    return shift


def start(user: User, data: dict[str, Any]) -> tuple[GuardShift, bool]:
    """Start a shift at the scanned gate; returns (shift, created). A retry with the same UUID
    gets the first shift back."""
    existing = _by_uuid(user, data["client_uuid"])
    if existing is not None:
        return existing, False
    checkpoint = _gate(user, data["token"])
    now = utcnow()
    check_phone_time("started_at", data["started_at"], now)
    position = Position(data["lat"], data["lng"], data["coord_system"])
    distance = distance_to(checkpoint, position, data["accuracy"])
    current = open_shift_of(user)
    if current is not None:
        # The same start sent twice at once: the other request's shift is this one's.
        if current.client_uuid == data["client_uuid"]:
            return current, False
        raise _shift_open(current.id)
    shift = GuardShift(
        client_uuid=data["client_uuid"],
        school_id=checkpoint.school_id,
        checkpoint_id=checkpoint.id,
        user_id=user.id,
        started_at=data["started_at"],
        received_at=now,
        lat=position.lat,
        lng=position.lng,
        accuracy_m=data["accuracy"],
        coord_system=position.system,
        distance_m=round(distance, 1),
    )
    db.session.add(shift)
    try:
        db.session.commit()
    except IntegrityError:
        # A retry with the same UUID won the race (answer with it), or another start of this
        # guard did (the one-open-shift index): 409 with that shift.
        db.session.rollback()
        winner = _by_uuid(user, data["client_uuid"])
        if winner is not None:
            return winner, False
        current = open_shift_of(user)
        if current is not None:
            raise _shift_open(current.id) from None
        message = "The start clashed with another change; try again."
        raise ApiError(409, "conflict", message) from None
    current_app.logger.info("guard shift %s started at checkpoint %s", shift.id, checkpoint.id)
    return shift, True


def end(user: User, shift_id: int, note: str | None) -> GuardShift:
    """End one's own shift with the hand-over note; 404 for anyone else's, 409 ``shift_ended``
    when it was already ended (the UPDATE only matches an open shift, so two ends at once give
    one)."""
    shift = db.session.get(GuardShift, shift_id)
    if shift is None or shift.user_id != user.id:
        raise access.not_found("shift")
    verdict = content.check_text(user, "handover_note", note) if note else content.PASSED
    ended = db.session.execute(
        update(GuardShift)
        .where(GuardShift.id == shift.id, GuardShift.ended_at.is_(None))
        .values(ended_at=utcnow(), handover_note=note)
        .execution_options(synchronize_session=False)
    )
    if ended.rowcount != 1:
        db.session.rollback()
        raise ApiError(409, "shift_ended", "This shift has already ended.")
    if note:
        content.hold_text(user, shift.school, SUBJECT, shift.id, "handover_note", note, verdict)
    db.session.commit()
    db.session.refresh(shift)
    return shift


def handover_before(school_id: int, moment: datetime) -> GuardShift | None:
    """The latest shift at the school that ended, with a note, no later than ``moment``."""
    return db.session.scalars(
        select(GuardShift)
        .where(
            GuardShift.school_id == school_id,
            GuardShift.ended_at.is_not(None),
            GuardShift.ended_at <= moment,
            GuardShift.handover_note.is_not(None),
        )
        .options(selectinload(GuardShift.user))
        .order_by(GuardShift.ended_at.desc(), GuardShift.id.desc())
        .limit(1)
    ).first()


def handover_for(shift: GuardShift) -> GuardShift | None:
    """The note a shift was started with: the school's latest before the shift reached us."""
    return handover_before(shift.school_id, shift.received_at)


def latest_handover(user: User) -> GuardShift | None:
    """For a guard not on shift: the latest note at any school where they hold guard.duty."""
    return db.session.scalars(
        select(GuardShift)
        .where(
            GuardShift.school_id.in_(access.unit_ids_where(user, DUTY)),
            GuardShift.ended_at.is_not(None),
            GuardShift.handover_note.is_not(None),
        )
        .options(selectinload(GuardShift.user))
        .order_by(GuardShift.ended_at.desc(), GuardShift.id.desc())
        .limit(1)
    ).first()


def handover_view(shift: GuardShift | None, viewer: User) -> dict[str, Any] | None:
    """A hand-over note as the next guard sees it (masked while its check holds it)."""
    if shift is None:
        return None
    held = content.held_texts(SUBJECT, [shift.id])
    return {
        "shift_id": shift.id,
        "note": content.shown(held, viewer.id, shift.id, "handover_note", shift.handover_note),
        "from": {"id": shift.user.id, "name": shift.user.display_name},
        "ended_at": shift.ended_at,
    }


def views(shifts: list[GuardShift], viewer: User) -> list[dict[str, Any]]:
    """Shifts as ``viewer`` sees them, with their log counts (two statements for any number)."""
    ids = [s.id for s in shifts]
    counts: dict[int, int] = {}
    if ids:
        counts = dict(
            db.session.execute(
                select(PerimeterLog.shift_id, func.count(PerimeterLog.id))
                .where(PerimeterLog.shift_id.in_(ids))
                .group_by(PerimeterLog.shift_id)
            ).all()
        )
    held = content.held_texts(SUBJECT, ids)
    return [
        {
            "id": s.id,
            "school": {"id": s.school.id, "name": s.school.name},
            "checkpoint": {"id": s.checkpoint.id, "name": s.checkpoint.name},
            "user": {"id": s.user.id, "name": s.user.display_name},
            "started_at": s.started_at,
            "ended_at": s.ended_at,
            "handover_note": content.shown(held, viewer.id, s.id, "handover_note", s.handover_note),
            "log_count": counts.get(s.id, 0),
        }
        for s in shifts
    ]


def view(shift: GuardShift, viewer: User) -> dict[str, Any]:
    """One shift as ``viewer`` sees it."""
    return views([shift], viewer)[0]


def page(
    user: User, school_id: int, before_id: int | None, limit: int
) -> tuple[list[dict[str, Any]], int | None]:
    """Shifts at a unit and below, newest first (patrol.view), a page at a time."""
    unit = access.load_unit(user, school_id, "patrol.view")
    query = (
        select(GuardShift)
        .where(GuardShift.school_id.in_(access.unit_ids_below([unit.path])))
        .options(
            selectinload(GuardShift.school),
            selectinload(GuardShift.checkpoint),
            selectinload(GuardShift.user),
        )
    )
    if before_id is not None:
        query = query.where(GuardShift.id < before_id)
    rows = db.session.scalars(query.order_by(GuardShift.id.desc()).limit(limit + 1)).all()
    more = len(rows) > limit
    rows = rows[:limit]
    return views(rows, user), rows[-1].id if more else None
