"""The caller's rounds of the day (今日巡查) and the ``patrols`` group of the to-do list.

A slot is the caller's when its plan names them, or names a role they hold at the plan's school.
Each answer is a fixed number of statements: one for the slots with their names, one for held
plan names (only when there are slots), none at all for someone without a grant (a parent).
"""

from __future__ import annotations

from collections import Counter
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import and_, false, or_, select

from server.clock import CHINA_TZ
from server.extensions import db
from server.models import Unit, User
from server.models.patrols import (
    SLOT_OPEN,
    SLOT_STATUSES,
    Checkpoint,
    Patrol,
    PatrolPlan,
    PatrolSlot,
)
from server.services import content

# The to-do list shows open slots whose window opens within this time.
TODO_AHEAD = timedelta(hours=1)


def mine(user: User):
    """The SQL condition "this plan is the user's": named, or by a role held at its school."""
    by_role = [
        and_(PatrolPlan.assignee_role == g.role, PatrolPlan.school_id == g.unit_id)
        for g in user.grants
    ]
    return or_(PatrolPlan.assignee_user_id == user.id, *by_role) if by_role else false()


def _slots(user: User, now: datetime, *clauses: Any) -> list[dict[str, Any]]:
    """The caller's slots of ``now``'s local day meeting ``clauses`` (with the multi-day
    windows of water points covering it), as the API shows them, by opening time."""
    today = now.astimezone(CHINA_TZ).date()
    rows = db.session.execute(
        select(
            PatrolSlot,
            PatrolPlan.name.label("plan_name"),
            Checkpoint.name.label("checkpoint_name"),
            Checkpoint.kind.label("checkpoint_kind"),
            Unit.name.label("school_name"),
            Patrol.id.label("patrol_id"),
        )
        .join(PatrolPlan, PatrolPlan.id == PatrolSlot.plan_id)
        .join(Checkpoint, Checkpoint.id == PatrolSlot.checkpoint_id)
        .join(Unit, Unit.id == PatrolSlot.school_id)
        .outerjoin(Patrol, Patrol.slot_id == PatrolSlot.id)
        .where(
            # Today's slots, and a water point's window that began earlier and is still open.
            or_(PatrolSlot.day == today, and_(PatrolSlot.day < today, PatrolSlot.closes_at > now)),
            mine(user),
            *clauses,
        )
        .order_by(PatrolSlot.opens_at, Unit.name, Checkpoint.name, PatrolSlot.id)
    ).all()
    held = content.held_texts("patrol_plan", sorted({row.PatrolSlot.plan_id for row in rows}))
    return [
        {
            "id": row.PatrolSlot.id,
            "plan": {
                "id": row.PatrolSlot.plan_id,
                "name": content.shown(held, user.id, row.PatrolSlot.plan_id, "name", row.plan_name),
            },
            # The kind tells the phone how to start the round: a water point opens by its id,
            # a place or a bus is scanned.
            "checkpoint": {
                "id": row.PatrolSlot.checkpoint_id,
                "name": row.checkpoint_name,
                "kind": row.checkpoint_kind,
            },
            "school": {"id": row.PatrolSlot.school_id, "name": row.school_name},
            "opens_at": row.PatrolSlot.opens_at,
            "closes_at": row.PatrolSlot.closes_at,
            "status": row.PatrolSlot.status,
            "patrol_id": row.patrol_id,
        }
        for row in rows
    ]


def today(user: User, now: datetime) -> dict[str, Any]:
    """Every slot of the caller's today, with how many are open, done, late and missed."""
    slots = _slots(user, now) if user.grants else []
    counts = Counter(slot["status"] for slot in slots)
    return {"slots": slots, "counts": {status: counts[status] for status in SLOT_STATUSES}}


def todo_group(user: User, now: datetime) -> dict[str, Any]:
    """The to-do list's ``patrols``: open slots of today whose window has opened or opens
    within the hour, and has not closed."""
    if not user.grants:  # parents: no query
        return {"count": 0, "items": []}
    items = _slots(
        user,
        now,
        PatrolSlot.status == SLOT_OPEN,
        PatrolSlot.opens_at <= now + TODO_AHEAD,
        PatrolSlot.closes_at > now,
    )
    return {"count": len(items), "items": items}
