"""Patrol records (巡查记录): one row per round made in the period at the unit and below, with
its answers counted and the items that failed named."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import selectinload

from server.access import unit_ids_below
from server.extensions import db
from server.models import Unit
from server.models.patrols import (
    ANSWERS,
    FAIL,
    Checkpoint,
    Patrol,
    PatrolAnswer,
)
from server.services.exports.columns import (
    DATETIME,
    INTEGER,
    NUMBER,
    Column,
    Table,
    day_bounds,
    local,
)
from server.services.patrols import LATE_SUBMISSION_AFTER

BATCH = 500
KIND_NAMES = {"place": "场所", "water": "水域", "bus": "校车"}
FLAG_NAMES = {
    "photo_reused": "照片重复使用",
    "photo_before_scan": "照片早于扫码",
}
COLUMNS = [
    Column("编号", INTEGER),
    Column("学校"),
    Column("巡查点"),
    Column("类型"),
    Column("检查表"),
    Column("巡查人"),
    Column("扫码时间", DATETIME),
    Column("提交时间", DATETIME),
    Column("合格", INTEGER),
    Column("不合格", INTEGER),
    Column("不适用", INTEGER),
    Column("不合格项"),
    Column("距离(米)", NUMBER),
    Column("迟交"),
    Column("标记"),
]


def _ids(unit: Unit, start: date, end: date) -> list[int]:
    """The rounds scanned in the period at the unit and below, in time order."""
    first, last = day_bounds(start, end)
    query = (
        select(Patrol.id)
        .where(
            Patrol.school_id.in_(unit_ids_below([unit.path])),
            Patrol.scanned_at >= first,
            Patrol.scanned_at <= last,
        )
        .order_by(Patrol.scanned_at, Patrol.id)
    )
    return list(db.session.scalars(query))


def _rounds(ids: list[int]) -> Iterator[Patrol]:
    """The rounds with what a row shows, a batch at a time (a few statements per batch)."""
    options = [
        selectinload(Patrol.checkpoint).selectinload(Checkpoint.school),
        selectinload(Patrol.template),
        selectinload(Patrol.user),
        selectinload(Patrol.answers).selectinload(PatrolAnswer.item),
    ]
    for offset in range(0, len(ids), BATCH):
        chunk = ids[offset : offset + BATCH]
        by_id = {
            p.id: p
            for p in db.session.scalars(
                select(Patrol).where(Patrol.id.in_(chunk)).options(*options)
            )
        }
        yield from (by_id[i] for i in chunk)


def row(patrol: Patrol) -> list[Any]:
    """One round's row."""
    counts = dict.fromkeys(ANSWERS, 0)
    for answer in patrol.answers:
        counts[answer.answer] += 1
    failed = [
        a.item.text
        for a in sorted(patrol.answers, key=lambda a: a.item.position)
        if a.answer == FAIL
    ]
    flags = [FLAG_NAMES.get(f.get("kind"), str(f.get("kind"))) for f in patrol.flags or []]
    user = patrol.user
    return [
        patrol.id,
        patrol.checkpoint.school.name,
        patrol.checkpoint.name,
        KIND_NAMES.get(patrol.checkpoint.kind, patrol.checkpoint.kind),
        patrol.template.name,
        user.display_name or f"用户{user.id}",
        local(patrol.scanned_at),
        local(patrol.received_at),
        counts["pass"],
        counts["fail"],
        counts["na"],
        "; ".join(failed),
        round(patrol.distance_m, 1),
        "是" if patrol.received_at - patrol.scanned_at > LATE_SUBMISSION_AFTER else "否",
        "、".join(dict.fromkeys(flags)),
    ]


def patrol_records(unit: Unit, start: date, end: date) -> Table:
    """The rounds of the period at the unit and below."""
    ids = _ids(unit, start, end)
    return Table(COLUMNS, (row(p) for p in _rounds(ids)), len(ids))
