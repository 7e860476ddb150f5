"""The slots of a unit's schools over a period, one row each with its checkpoint, plan, window,
state and the round that did it: what the console lists under patrol compliance (every slot,
or only the missed ones) and under the buses' clearance (a bus plan's slots).

A slot's state is the bus board's rule (``bus_board.trip_state``): cleared (done in its window),
late, missed (marked so, or still open after its window), pending (its window not passed), and
for a bus trip failed (its round failed an item). Rows are read in a fixed number of statements
whatever their number, newest first, at most ``LIMIT`` of them.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from sqlalchemy import and_, or_, select
from sqlalchemy.orm import selectinload

from server import access
from server.extensions import db
from server.models import Unit, User
from server.models.patrols import SLOT_MISSED, SLOT_OPEN, Patrol, PatrolPlan, PatrolSlot
from server.services import content, figures_sql
from server.services.bus_board import trip_state
from server.services.checkpoints import SUBJECT as CHECKPOINT_SUBJECT
from server.services.figures_rollup import SlotSums

LIMIT = 500
KIND_NAMES = {None: "日常巡查", "water": "危险水域", "bus": "校车检查"}


def missed_condition(now: datetime):
    """The SQL condition "this slot was missed" (the figures' rule)."""
    return or_(
        PatrolSlot.status == SLOT_MISSED,
        and_(PatrolSlot.status == SLOT_OPEN, PatrolSlot.closes_at <= now),
    )


def slot_figures(unit: Unit, first: date, last: date, now: datetime) -> dict[str, Any]:
    """The figures' patrols, water and buses parts of ``unit`` over [first, last] (the same
    grouped statement and sums as ``figures.figures``; the caller has checked the unit)."""
    sums = SlotSums()
    for row in figures_sql.slot_counts(unit, first, last, now):
        sums.add(row)
    return sums.figures()


def slots(
    user: User,
    unit_id: int,
    first: date,
    last: date,
    now: datetime,
    *,
    missed_only: bool = False,
    kind: str | bool | None = False,
) -> dict[str, Any]:
    """The slots of the schools at ``unit_id`` and below whose day is in [first, last]
    (patrol.view there), newest first; ``kind``: a plan kind (None: ordinary patrols, "water",
    "bus"), or False for every kind. Returns the rows and whether more were left out."""
    unit = access.load_unit(user, unit_id, "patrol.view")
    query = (
        select(PatrolSlot, Patrol)
        .join(PatrolPlan, PatrolPlan.id == PatrolSlot.plan_id)
        .outerjoin(Patrol, Patrol.slot_id == PatrolSlot.id)
        .where(
            PatrolSlot.school_id.in_(access.unit_ids_below([unit.path])),
            PatrolSlot.day >= first,
            PatrolSlot.day <= last,
        )
        .options(selectinload(PatrolSlot.plan), selectinload(PatrolSlot.checkpoint))
    )
    if kind is not False:
        query = query.where(
            PatrolPlan.managed_by.is_(None) if kind is None else PatrolPlan.managed_by == kind
        )
    if missed_only:
        query = query.where(missed_condition(now))
    found = db.session.execute(
        query.order_by(
            PatrolSlot.day.desc(), PatrolSlot.opens_at.desc(), PatrolSlot.id.desc()
        ).limit(LIMIT + 1)
    ).all()
    more = len(found) > LIMIT
    found = found[:LIMIT]
    rounds = [patrol for _slot, patrol in found if patrol is not None]
    # Inspectors and answers for every round at once (a bus round's failed items decide it).
    if rounds:
        db.session.scalars(
            select(Patrol)
            .where(Patrol.id.in_([p.id for p in rounds]))
            .options(selectinload(Patrol.user), selectinload(Patrol.answers))
        ).all()
    school_ids = sorted({slot.school_id for slot, _patrol in found})
    schools = dict(
        db.session.execute(select(Unit.id, Unit.name).where(Unit.id.in_(school_ids))).all()
    )
    held = content.held_texts(CHECKPOINT_SUBJECT, sorted({s.checkpoint_id for s, _p in found}))
    rows = [_row(slot, patrol, schools, held, user, now) for slot, patrol in found]
    return {"unit": unit, "date_from": first, "date_to": last, "rows": rows, "more": more}


def _row(slot: PatrolSlot, patrol, schools: dict, held: dict, user: User, now) -> dict[str, Any]:
    """One slot as the console lists it."""
    kind = slot.plan.managed_by
    # Only a bus round's failed item refuses the slot; a patrol's failed item is a hazard.
    state = trip_state(slot, patrol if kind == "bus" else None, now)
    name = content.shown(held, user.id, slot.checkpoint_id, "name", slot.checkpoint.name)
    return {
        "id": slot.id,
        "day": slot.day,
        "opens_at": slot.opens_at,
        "closes_at": slot.closes_at,
        "kind": kind,
        "kind_name": KIND_NAMES.get(kind, kind),
        "school": {"id": slot.school_id, "name": schools.get(slot.school_id)},
        "checkpoint": {"id": slot.checkpoint_id, "name": name},
        "plan": {"id": slot.plan_id, "name": slot.plan.name},
        "state": state,
        "patrol": (
            {
                "id": patrol.id,
                "by": patrol.user.display_name if patrol.user else None,
                "scanned_at": patrol.scanned_at,
            }
            if patrol is not None
            else None
        ),
    }
