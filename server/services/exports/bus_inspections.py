"""Bus inspections (校车检查记录): one row per bus, trip and school day in the period at the
unit and below, with its state (已放行, 不合格, 漏检, 迟检, 待检), inspector and failed items."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import selectinload

from server.access import unit_ids_below
from server.extensions import db
from server.models import Patrol, PatrolAnswer, Unit
from server.models.buses import TRIP_NAMES, BusTrip, SchoolBus
from server.models.patrols import FAIL, SLOT_LATE, SLOT_MISSED, SLOT_OPEN, PatrolSlot
from server.services.exports.columns import DATE, DATETIME, Column, Table, local

BATCH = 500
COLUMNS = [
    Column("学校"),
    Column("车牌"),
    Column("班次"),
    Column("日期", DATE),
    Column("状态"),
    Column("检查人"),
    Column("检查时间", DATETIME),
    Column("不合格项"),
]


def _ids(unit: Unit, start: date, end: date) -> list[int]:
    """The trips' inspection slots of the period at the unit and below."""
    query = (
        select(PatrolSlot.id)
        .join(BusTrip, BusTrip.plan_id == PatrolSlot.plan_id)
        .join(SchoolBus, SchoolBus.id == BusTrip.bus_id)
        .where(
            PatrolSlot.school_id.in_(unit_ids_below([unit.path])),
            PatrolSlot.day >= start,
            PatrolSlot.day <= end,
        )
        .order_by(PatrolSlot.day, SchoolBus.plate, BusTrip.departs_at, PatrolSlot.id)
    )
    return list(db.session.scalars(query))


def state(slot: PatrolSlot, failed: list[str]) -> str:
    """The trip's state that day: an inspection with a failed item is 不合格 whenever made."""
    if failed:
        return "不合格"
    if slot.status == SLOT_MISSED:
        return "漏检"
    if slot.status == SLOT_OPEN:
        return "待检"
    return "迟检" if slot.status == SLOT_LATE else "已放行"


def _batches(ids: list[int]) -> Iterator[list[Any]]:
    """The rows, a batch of slots at a time (a fixed number of statements per batch)."""
    for offset in range(0, len(ids), BATCH):
        chunk = ids[offset : offset + BATCH]
        slots = {
            s.id: s for s in db.session.scalars(select(PatrolSlot).where(PatrolSlot.id.in_(chunk)))
        }
        plans = sorted({s.plan_id for s in slots.values()})
        trips = {
            t.plan_id: t
            for t in db.session.scalars(select(BusTrip).where(BusTrip.plan_id.in_(plans)))
        }
        plates = dict(
            db.session.execute(
                select(SchoolBus.id, SchoolBus.plate).where(
                    SchoolBus.id.in_({t.bus_id for t in trips.values()})
                )
            ).all()
        )
        schools = dict(
            db.session.execute(
                select(Unit.id, Unit.name).where(Unit.id.in_({s.school_id for s in slots.values()}))
            ).all()
        )
        visits = {
            p.slot_id: p
            for p in db.session.scalars(
                select(Patrol)
                .where(Patrol.slot_id.in_(chunk))
                .options(
                    selectinload(Patrol.user),
                    selectinload(Patrol.answers).selectinload(PatrolAnswer.item),
                )
            )
        }
        for slot_id in chunk:
            slot = slots[slot_id]
            trip = trips[slot.plan_id]
            yield _row(
                slot, schools[slot.school_id], plates[trip.bus_id], trip, visits.get(slot_id)
            )


def _row(
    slot: PatrolSlot, school: str, plate: str, trip: BusTrip, visit: Patrol | None
) -> list[Any]:
    """One trip on one day."""
    failed = []
    if visit is not None:
        answers = sorted(visit.answers, key=lambda a: a.item.position)
        failed = [a.item.text for a in answers if a.answer == FAIL]
    return [
        school,
        plate,
        TRIP_NAMES.get(trip.code, trip.code),
        slot.day,
        state(slot, failed),
        (visit.user.display_name or f"用户{visit.user.id}") if visit else "",
        local(visit.scanned_at) if visit else None,
        "; ".join(failed),
    ]


def bus_inspections(unit: Unit, start: date, end: date) -> Table:
    """The bus trips' inspections of the period at the unit and below."""
    ids = _ids(unit, start, end)
    return Table(COLUMNS, _batches(ids), len(ids))
