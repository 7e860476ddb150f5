"""The hazard ledger (隐患台账: one row per hazard reported in the period at the unit and below,
with its plan and a summary of its history) and the hazards' map export (GeoJSON / CSV)."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date
from typing import Any

from sqlalchemy import Select, select
from sqlalchemy.orm import joinedload, selectinload

from server.access import unit_ids_below
from server.clock import local_today
from server.extensions import db
from server.geo import WGS84, Position, to_geojson_point, to_system
from server.models import FocusProblem, Hazard, HazardEvent, HazardPhoto, Unit
from server.models.hazards import OPEN_STATUSES
from server.services import content
from server.services.exports.columns import (
    DATE,
    DATETIME,
    EVENT_NAMES,
    INTEGER,
    NUMBER,
    SEVERITY_NAMES,
    STATUS_NAMES,
    Column,
    Table,
    day_bounds,
    local,
)
from server.services.hazard_views import is_old

BATCH = 500
LEDGER_COLUMNS = [
    Column("编号", INTEGER),
    Column("学校"),
    Column("上级单位"),
    Column("领域"),
    Column("重点问题"),
    Column("隐患描述"),
    Column("位置"),
    Column("严重程度"),
    Column("状态"),
    Column("发现人"),
    Column("发现时间", DATETIME),
    # 是 when a before-photo's camera time is older than OLD_PHOTO_DAYS before its upload.
    Column("旧照片"),
    Column("整改责任人"),
    Column("整改期限", DATE),
    Column("整改措施"),
    Column("资金(元)", NUMBER),
    Column("应急预案"),
    Column("整改完成时间", DATETIME),
    Column("验收时间", DATETIME),
    Column("是否逾期"),
    Column("历史摘要"),
]
GEO_COLUMNS = [
    Column("编号", INTEGER),
    Column("学校"),
    Column("重点问题"),
    Column("隐患描述"),
    Column("严重程度"),
    Column("状态"),
    Column("发现时间", DATETIME),
    Column("经度"),
    Column("纬度"),
]
DONE_KINDS = ("fix_submitted", "fixed_on_spot")


def _selected(unit: Unit, start: date, end: date) -> Select:
    """The hazards reported between ``start`` and ``end`` (China dates) at the unit and below."""
    first, last = day_bounds(start, end)
    return select(Hazard).where(
        Hazard.school_id.in_(unit_ids_below([unit.path])),
        Hazard.reported_at >= first,
        Hazard.reported_at <= last,
    )


def _ids(unit: Unit, start: date, end: date) -> list[int]:
    """The selected hazards' ids in ledger order (reported time, then id)."""
    query = _selected(unit, start, end).order_by(Hazard.reported_at, Hazard.id)
    return list(db.session.scalars(query.with_only_columns(Hazard.id)))


def _batches(ids: list[int], with_events: bool) -> Iterator[tuple[Hazard, set[str]]]:
    """The hazards, loaded ``BATCH`` at a time with what a row shows (a few statements each),
    each with the names of its texts the content check holds."""
    options = [
        joinedload(Hazard.school).joinedload(Unit.parent),
        joinedload(Hazard.reporter),
        joinedload(Hazard.focus_problem).joinedload(FocusProblem.area),
    ]
    if with_events:
        options.append(selectinload(Hazard.events).joinedload(HazardEvent.actor))
        options.append(selectinload(Hazard.photos).joinedload(HazardPhoto.photo))
    for start in range(0, len(ids), BATCH):
        chunk = ids[start : start + BATCH]
        found = db.session.scalars(select(Hazard).where(Hazard.id.in_(chunk)).options(*options))
        by_id = {h.id: h for h in found.unique()}
        # The session's identity map holds rows weakly: a batch goes once its rows are written.
        held = content.held_texts("hazard", chunk)
        yield from ((by_id[i], {f for (sid, f) in held if sid == i}) for i in chunk)


def _name(user: Any) -> str:
    """A person as the ledger names them."""
    if user is None:
        return "系统"
    return user.display_name or f"用户{user.id}"


def history(events: list[HazardEvent]) -> str:
    """The events in one line: "11-03 上报 张老师; 11-04 制定方案 李主任"."""
    parts = []
    for event in events:
        when = local(event.created_at).strftime("%m-%d")
        parts.append(f"{when} {EVENT_NAMES.get(event.kind, event.kind)} {_name(event.actor)}")
    return "; ".join(parts)


def _last(events: list[HazardEvent], kinds: tuple[str, ...]) -> Any:
    """When the last event of one of ``kinds`` happened (China time), or None."""
    times = [e.created_at for e in events if e.kind in kinds]
    return local(max(times)) if times else None


def overdue(hazard: Hazard, done_at: Any, today: date) -> str:
    """是/否: finished after its deadline, or still open past it."""
    if hazard.deadline is None:
        return "否"
    if done_at is not None:
        return "是" if done_at.date() > hazard.deadline else "否"
    late = hazard.status in OPEN_STATUSES and today > hazard.deadline
    return "是" if late else "否"


def _text(hazard: Hazard, held: set[str], field: str) -> str:
    """A text as an export shows it: masked while the content check holds it (a file travels
    beyond its writer, so the writer's own exports mask it too)."""
    return content.MASK if field in held else getattr(hazard, field) or ""


def ledger_row(hazard: Hazard, held: set[str], today: date) -> list[Any]:
    """One hazard's ledger row."""
    events = hazard.events
    done_at = _last(events, DONE_KINDS)
    focus = hazard.focus_problem
    parent = hazard.school.parent
    return [
        hazard.id,
        hazard.school.name,
        parent.name if parent else "",
        focus.area.name if focus else "未归类",
        focus.name if focus else "不确定",
        _text(hazard, held, "description"),
        _text(hazard, held, "place"),
        SEVERITY_NAMES.get(hazard.severity, hazard.severity),
        STATUS_NAMES.get(hazard.status, hazard.status),
        _name(hazard.reporter),
        local(hazard.reported_at),
        "是" if any(is_old(p.photo) for p in hazard.photos if p.stage == "before") else "否",
        hazard.responsible_person or "",
        hazard.deadline,
        hazard.measures or "",
        hazard.funds_yuan,
        hazard.contingency or "",
        done_at,
        _last(events, ("verified",)),
        overdue(hazard, done_at, today),
        history(events),
    ]


def hazard_ledger(unit: Unit, start: date, end: date) -> Table:
    """The ledger of the hazards reported in the period at the unit and below."""
    ids = _ids(unit, start, end)
    today = local_today()
    rows = (ledger_row(h, held, today) for h, held in _batches(ids, with_events=True))
    return Table(LEDGER_COLUMNS, rows, len(ids))


def _wgs(hazard: Hazard) -> Position:
    """The hazard's reported position in WGS-84."""
    return to_system(Position(hazard.lat, hazard.lng, hazard.coord_system), WGS84)


def _geo_row(hazard: Hazard, held: set[str]) -> list[Any]:
    """One hazard with its WGS-84 longitude and latitude."""
    wgs = _wgs(hazard)
    focus = hazard.focus_problem
    return [
        hazard.id,
        hazard.school.name,
        focus.name if focus else "不确定",
        _text(hazard, held, "description"),
        SEVERITY_NAMES.get(hazard.severity, hazard.severity),
        STATUS_NAMES.get(hazard.status, hazard.status),
        local(hazard.reported_at),
        round(wgs.lng, 7),
        round(wgs.lat, 7),
    ]


def _feature(hazard: Hazard, held: set[str]) -> dict:
    """One hazard as a GeoJSON feature with Chinese property names."""
    row = _geo_row(hazard, held)
    properties = {c.header: v for c, v in zip(GEO_COLUMNS[:7], row[:7], strict=True)}
    properties["发现时间"] = row[6].strftime("%Y-%m-%d %H:%M")
    geometry = to_geojson_point(Position(hazard.lat, hazard.lng, hazard.coord_system))
    return {"type": "Feature", "id": hazard.id, "geometry": geometry, "properties": properties}


def hazards_geo(unit: Unit, start: date, end: date) -> Table:
    """The hazards reported in the period at the unit and below, with WGS-84 positions."""
    ids = _ids(unit, start, end)
    rows = (_geo_row(h, held) for h, held in _batches(ids, with_events=False))
    return Table(
        GEO_COLUMNS,
        rows,
        len(ids),
        features=lambda: (_feature(h, held) for h, held in _batches(ids, with_events=False)),
    )
