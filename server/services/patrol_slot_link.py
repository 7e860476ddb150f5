"""Which scheduled slot a round fulfils, and marking that slot done or late in the round's own
transaction (one conditional UPDATE: two rounds for one slot cannot both win)."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import and_, exists, or_, select, update

from server.clock import CHINA_TZ
from server.errors import ApiError
from server.extensions import db
from server.models import RoleGrant, User
from server.models.patrols import (
    SLOT_DONE,
    SLOT_LATE,
    SLOT_MISSED,
    SLOT_OPEN,
    Checkpoint,
    PatrolPlan,
    PatrolSlot,
)


def _slot_already_done() -> ApiError:
    """The answer when the slot this round would fulfil was already fulfilled."""
    return ApiError(
        409, "slot_already_done", "This checkpoint's round for this time was already done."
    )


def find_slot(
    user: User, checkpoint: Checkpoint, scanned_at: datetime
) -> tuple[int, str, int] | None:
    """The slot this round fulfils, the status it earns and the slot's school, or None for a
    round outside any slot. A slot of the checkpoint whose window holds the scan's day (China
    time; a water point's window spans days) and whose plan is assigned to the user (by name,
    or by a role the user holds at the plan's school), opened by the scan: scanned
    inside its window -> done (also when the missed-patrol job already marked it missed: the
    round was on time and only sent late, which ``late_submission`` tells); after its window
    and not yet missed -> late. 409 ``slot_already_done`` when that slot was already done."""
    holds_role = exists().where(
        and_(
            RoleGrant.user_id == user.id,
            RoleGrant.unit_id == PatrolPlan.school_id,
            RoleGrant.role == PatrolPlan.assignee_role,
        )
    )
    day = scanned_at.astimezone(CHINA_TZ).date()
    slots = db.session.scalars(
        select(PatrolSlot)
        .join(PatrolPlan, PatrolPlan.id == PatrolSlot.plan_id)
        .where(
            PatrolSlot.checkpoint_id == checkpoint.id,
            # Today's slots; a multi-day window (a water point's) that began earlier and has
            # not closed before today counts too.
            PatrolSlot.day <= day,
            or_(PatrolSlot.day == day, PatrolSlot.closes_at >= scanned_at),
            PatrolSlot.opens_at <= scanned_at,
            or_(PatrolPlan.assignee_user_id == user.id, holds_role),
        )
        .order_by(PatrolSlot.opens_at, PatrolSlot.id)
    ).all()
    # Inside a window first; else the latest slot whose window has passed.
    for slot in slots:
        if scanned_at <= slot.closes_at:
            if slot.status in (SLOT_DONE, SLOT_LATE):
                raise _slot_already_done()
            return slot.id, SLOT_DONE, slot.school_id
    for slot in reversed(slots):
        if slot.status in (SLOT_DONE, SLOT_LATE):
            raise _slot_already_done()
        if slot.status == SLOT_OPEN:
            return slot.id, SLOT_LATE, slot.school_id
    return None


def mark_slot(slot_id: int, status: str) -> None:
    """Set the slot's status in the caller's transaction, only from a status that allows it;
    409 ``slot_already_done`` when another round got there first."""
    allowed = (SLOT_OPEN, SLOT_MISSED) if status == SLOT_DONE else (SLOT_OPEN,)
    changed = db.session.execute(
        update(PatrolSlot)
        .where(PatrolSlot.id == slot_id, PatrolSlot.status.in_(allowed))
        .values(status=status),
        execution_options={"synchronize_session": False},
    ).rowcount
    if not changed:
        raise _slot_already_done()
