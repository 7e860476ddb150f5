"""The water-visit plan of each school, kept by the water-point registry (``managed_by="water"``).

A school with at least one active water point has ONE active plan whose checkpoints are the
checkpoints of its active water points: the school's water patrols (role ``water_patrol``) visit
each once per window of the year's water schedule (recurrence ``water_season``), are reminded as
a window opens, and the school's safety officer is told at the first missed window.

:func:`sync` is called in the transaction that creates, edits or retires a point, for every
school the point concerned before or concerns now. Two points registered at once for one school
would both make the plan: a partial unique index (one active ``water`` plan per school) lets
one insert win; the other's ``INSERT .. ON CONFLICT DO NOTHING`` does nothing and it takes the
winner's plan.
"""

from __future__ import annotations

from datetime import datetime, time
from typing import Any

from sqlalchemy import delete, exists, select, text
from sqlalchemy.dialects import postgresql, sqlite

from server.errors import ApiError
from server.extensions import db
from server.models import utcnow
from server.models.patrols import (
    SLOT_OPEN,
    WATER,
    Checkpoint,
    Patrol,
    PatrolPlan,
    PatrolPlanCheckpoint,
    PatrolSlot,
)
from server.models.water import WaterPoint, WaterPointSchool
from server.services.patrol_slots import WATER_SEASON, make_slots

_INSERTS = {"postgresql": postgresql.insert, "sqlite": sqlite.insert}
MANAGED = "water"
# The partial unique index's condition (models/patrols.py, migration 0017).
ONE_PER_SCHOOL = "managed_by = 'water' AND active"
# The plan's fixed settings: told as the window opens, escalated at the first miss.
PLAN_FIELDS: dict[str, Any] = {
    "name": "防溺水水域巡查",
    "template_code": "water_point",
    "assignee_role": "water_patrol",
    "recurrence": WATER_SEASON,
    "window_start": time(0, 0),
    "window_end": time(23, 59),
    "remind_minutes_before": 0,
    "escalate_after_misses": 1,
    "managed_by": MANAGED,
}


def plan_of(school_id: int, lock: bool = False) -> PatrolPlan | None:
    """The school's active water-visit plan, if it has one; ``lock``: its row locked until the
    commit (PostgreSQL), so two changes of the school's points keep its checkpoints in turn."""
    query = select(PatrolPlan).where(
        PatrolPlan.school_id == school_id,
        PatrolPlan.managed_by == MANAGED,
        PatrolPlan.active.is_(True),
    )
    if lock:
        query = query.with_for_update()
    return db.session.scalars(query).first()


def _checkpoint_ids(school_id: int) -> list[int]:
    """The checkpoints of the school's active water points, by id."""
    return list(
        db.session.scalars(
            select(Checkpoint.id)
            .join(WaterPoint, WaterPoint.checkpoint_id == Checkpoint.id)
            .join(WaterPointSchool, WaterPointSchool.water_point_id == WaterPoint.id)
            .where(
                WaterPointSchool.school_id == school_id,
                Checkpoint.active.is_(True),
                Checkpoint.kind == WATER,
            )
            .order_by(Checkpoint.id)
        )
    )


def _insert():
    """The database's INSERT with ON CONFLICT."""
    return _INSERTS[db.session.get_bind().dialect.name]


def _make_plan(school_id: int, created_by_id: int) -> PatrolPlan:
    """Insert the school's plan unless one is there; when another transaction made it at the
    same moment, the unique index turns this insert into nothing (PostgreSQL waits for the
    other's commit first) and the other's plan is taken."""
    values = {"school_id": school_id, "created_by_id": created_by_id, "weekdays": []}
    statement = (
        _insert()(PatrolPlan)
        .values(**values, **PLAN_FIELDS, active=True, created_at=utcnow())
        .on_conflict_do_nothing(index_elements=["school_id"], index_where=text(ONE_PER_SCHOOL))
    )
    db.session.execute(statement)
    plan = plan_of(school_id, lock=True)
    if plan is None:  # made and retired by another transaction in between: a rare retry
        raise ApiError(409, "conflict", "The school's water points changed meanwhile; retry.")
    return plan


def drop_open_slots(plan_id: int, now: datetime, keep: list[int] | None = None) -> None:
    """Remove the plan's open slots not yet closed that no patrol points at, except those of the
    checkpoints in ``keep`` (history, and a visit under way, stay)."""
    query = delete(PatrolSlot).where(
        PatrolSlot.plan_id == plan_id,
        PatrolSlot.status == SLOT_OPEN,
        PatrolSlot.closes_at > now,
        ~exists().where(Patrol.slot_id == PatrolSlot.id),
    )
    if keep:
        query = query.where(PatrolSlot.checkpoint_id.not_in(keep))
    db.session.execute(query.execution_options(synchronize_session=False))


def _set_checkpoints(plan: PatrolPlan, wanted: list[int]) -> None:
    """Make the plan's checkpoints exactly ``wanted`` by row statements (no collection load, so
    a point another transaction adds at the same moment is neither lost nor doubled)."""
    have = set(
        db.session.scalars(
            select(PatrolPlanCheckpoint.checkpoint_id).where(
                PatrolPlanCheckpoint.plan_id == plan.id
            )
        )
    )
    gone = sorted(have - set(wanted))
    if gone:
        db.session.execute(
            delete(PatrolPlanCheckpoint)
            .where(
                PatrolPlanCheckpoint.plan_id == plan.id,
                PatrolPlanCheckpoint.checkpoint_id.in_(gone),
            )
            .execution_options(synchronize_session=False)
        )
    new = [{"plan_id": plan.id, "checkpoint_id": i} for i in wanted if i not in have]
    if new:
        db.session.execute(
            _insert()(PatrolPlanCheckpoint)
            .values(new)
            .on_conflict_do_nothing(index_elements=["plan_id", "checkpoint_id"])
        )
    db.session.expire(plan, ["checkpoints"])


def sync(school_ids: set[int], created_by_id: int, now: datetime) -> None:
    """Bring each school's water-visit plan in step with its active water points, and make the
    open windows' slots at once (the caller commits): a plan for a school's first point, its
    checkpoints updated, deactivated with its last point (its open slots dropped)."""
    db.session.flush()
    touched = []
    for school_id in sorted(school_ids):
        plan = plan_of(school_id, lock=True)
        if plan is None and _checkpoint_ids(school_id):
            plan = _make_plan(school_id, created_by_id)
        # Read after the plan's lock: a change committed meanwhile is seen, never undone.
        wanted = _checkpoint_ids(school_id)
        if plan is None:
            continue
        if not wanted:
            plan.active = False
            drop_open_slots(plan.id, now)
            continue
        _set_checkpoints(plan, wanted)
        drop_open_slots(plan.id, now, keep=wanted)
        touched.append(plan.id)
    db.session.flush()
    if touched:
        make_slots(now, plan_ids=touched, days=2)
