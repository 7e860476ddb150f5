"""Water-point visits (防溺水巡查记录): one row per visit window of a point and a school in the
period (by the window's first day) at the unit and below, with its result and the visit."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date
from functools import lru_cache
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import selectinload

from server.access import unit_ids_below
from server.extensions import db
from server.models import Patrol, PatrolAnswer, Unit, WaterPoint
from server.models.patrols import FAIL, PatrolPlan, PatrolSlot
from server.models.water import WATER_KIND_NAMES
from server.services.exports.columns import DATE, DATETIME, Column, Table, local
from server.services.water_plans import MANAGED
from server.water_schedule import Window, window_containing

BATCH = 500
RESULT_NAMES = {"done": "已巡查", "late": "迟巡查", "missed": "未巡查", "open": "进行中"}
COLUMNS = [
    Column("学校"),
    Column("水域名称"),
    Column("类型"),
    Column("涉及学校"),
    Column("时段"),
    Column("开始日期", DATE),
    Column("截止日期", DATE),
    Column("结果"),
    Column("巡查人"),
    Column("巡查时间", DATETIME),
    Column("不合格项"),
]


@lru_cache(maxsize=512)
def _window(day: date) -> Window:
    """The schedule's window starting ``day`` (read once per day per process)."""
    return window_containing(day)


def _ids(unit: Unit, start: date, end: date) -> list[int]:
    """The water slots of the period at the unit and below, by day, school and point."""
    query = (
        select(PatrolSlot.id)
        .join(PatrolPlan, PatrolPlan.id == PatrolSlot.plan_id)
        .where(
            PatrolPlan.managed_by == MANAGED,
            PatrolSlot.school_id.in_(unit_ids_below([unit.path])),
            PatrolSlot.day >= start,
            PatrolSlot.day <= end,
        )
        .order_by(PatrolSlot.day, PatrolSlot.school_id, PatrolSlot.checkpoint_id, PatrolSlot.id)
    )
    return list(db.session.scalars(query))


def _batches(ids: list[int]) -> Iterator[tuple[PatrolSlot, str, WaterPoint | None, Patrol | None]]:
    """Each slot with its school's name, its point and its visit (if made), a batch at a time."""
    for offset in range(0, len(ids), BATCH):
        chunk = ids[offset : offset + BATCH]
        slots = db.session.scalars(
            select(PatrolSlot)
            .where(PatrolSlot.id.in_(chunk))
            .options(selectinload(PatrolSlot.checkpoint))
        ).all()
        by_id = {slot.id: slot for slot in slots}
        checkpoints = sorted({slot.checkpoint_id for slot in slots})
        points = {
            p.checkpoint_id: p
            for p in db.session.scalars(
                select(WaterPoint)
                .where(WaterPoint.checkpoint_id.in_(checkpoints))
                .options(selectinload(WaterPoint.schools))
            )
        }
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
        schools = dict(
            db.session.execute(
                select(Unit.id, Unit.name).where(Unit.id.in_({s.school_id for s in slots}))
            ).all()
        )
        for slot_id in chunk:
            slot = by_id[slot_id]
            school = schools[slot.school_id]
            yield slot, school, points.get(slot.checkpoint_id), visits.get(slot_id)


def row(slot: PatrolSlot, school: str, point: WaterPoint | None, visit: Patrol | None) -> list[Any]:
    """One window's row."""
    window = _window(slot.day)
    failed = []
    if visit is not None:
        answers = sorted(visit.answers, key=lambda a: a.item.position)
        failed = [a.item.text for a in answers if a.answer == FAIL]
    return [
        school,
        slot.checkpoint.name,
        WATER_KIND_NAMES.get(point.kind, point.kind) if point else "",
        "、".join(s.name for s in point.schools) if point else "",
        window.period_name,
        window.first,
        window.last,
        RESULT_NAMES.get(slot.status, slot.status),
        (visit.user.display_name or f"用户{visit.user.id}") if visit else "",
        local(visit.scanned_at) if visit else None,
        "; ".join(failed),
    ]


def water_visits(unit: Unit, start: date, end: date) -> Table:
    """The water visit windows of the period at the unit and below, with their results."""
    ids = _ids(unit, start, end)
    return Table(COLUMNS, (row(*entry) for entry in _batches(ids)), len(ids))
