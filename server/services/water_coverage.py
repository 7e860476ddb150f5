"""Coverage of the water-point visits (防溺水巡查覆盖): visits due, done, late, missed and still
open per point, per school and per period of the water schedule, over a span of days, with the
windows that passed without a visit.

A window counts in the span when its first day (the slot's ``day``) falls in it. Each figure is
one grouped statement (by school, by point, by window's first day), however many slots there
are; the missed windows are listed newest first, at most MISSED_LIMIT of them.
"""

from __future__ import annotations

from collections import defaultdict
from datetime import date, datetime, timedelta
from typing import Any

from sqlalchemy import func, select

from server import access
from server.clock import CHINA_TZ
from server.errors import ApiError
from server.extensions import db
from server.models import Unit, User
from server.models.patrols import SLOT_MISSED, SLOT_STATUSES, Checkpoint, PatrolPlan, PatrolSlot
from server.models.water import WaterPoint
from server.services import content
from server.services.checkpoints import SUBJECT as NAME_SUBJECT
from server.services.water_plans import MANAGED
from server.water_schedule import window_containing

DEFAULT_DAYS = 90
MAX_DAYS = 400
MISSED_LIMIT = 500


def _invalid(field: str, message: str) -> ApiError:
    """A 422 naming the field."""
    return ApiError(422, "validation_error", message, {field: [message]})


def span(start: date | None, end: date | None, now: datetime) -> tuple[date, date]:
    """The days asked for: by default the last 90 days to today (China time), at most 400."""
    end = end or now.astimezone(CHINA_TZ).date()
    start = start or end - timedelta(days=DEFAULT_DAYS)
    if start > end:
        raise _invalid("from", "from must not be after to.")
    if (end - start).days > MAX_DAYS:
        raise _invalid("from", f"At most {MAX_DAYS} days at once.")
    return start, end


def counts(by_status: dict[str, int]) -> dict[str, Any]:
    """Counts of one group: due (every slot), done, late, missed, open, and the rate of visits
    among the windows already over or visited ((done + late) / (due - open); null when none)."""
    figures = {status: by_status.get(status, 0) for status in SLOT_STATUSES}
    due = sum(figures.values())
    closed = due - figures["open"]
    rate = round((figures["done"] + figures["late"]) / closed, 3) if closed else None
    return {"due": due, **figures, "rate": rate}


def _grouped(base, column) -> dict[Any, dict[str, int]]:
    """Slot counts by ``column`` and status (one statement)."""
    rows = db.session.execute(
        base.with_only_columns(column, PatrolSlot.status, func.count(PatrolSlot.id))
        .group_by(column, PatrolSlot.status)
        .order_by(column, PatrolSlot.status)
    ).all()
    found: dict[Any, dict[str, int]] = defaultdict(dict)
    for key, status, number in rows:
        found[key][status] = number
    return found


def _periods(by_day: dict[date, dict[str, int]]) -> list[dict[str, Any]]:
    """Counts per period of the schedule (平时, 汛期, 暑假), in the order they first come."""
    merged: dict[str, dict[str, Any]] = {}
    for day in sorted(by_day):
        window = window_containing(day)
        entry = merged.setdefault(
            window.period_code, {"code": window.period_code, "name": window.period_name}
        )
        for status, number in by_day[day].items():
            entry[status] = entry.get(status, 0) + number
    return [{"code": e["code"], "name": e["name"], **counts(e)} for e in merged.values()]


def coverage(
    user: User, unit_id: int, start: date | None, end: date | None, now: datetime
) -> dict[str, Any]:
    """The water-visit coverage of the schools at ``unit_id`` and below (patrol.view)."""
    unit = db.session.get(Unit, unit_id)
    if unit is None:
        raise access.not_found()
    access.require(user, "patrol.view", unit)
    start, end = span(start, end, now)
    base = (
        select(PatrolSlot.id)
        .join(PatrolPlan, PatrolPlan.id == PatrolSlot.plan_id)
        .join(WaterPoint, WaterPoint.checkpoint_id == PatrolSlot.checkpoint_id)
        .where(
            PatrolPlan.managed_by == MANAGED,
            PatrolSlot.school_id.in_(access.unit_ids_below([unit.path])),
            PatrolSlot.day >= start,
            PatrolSlot.day <= end,
        )
    )
    by_school = _grouped(base, PatrolSlot.school_id)
    by_point = _grouped(base, WaterPoint.id)
    by_day = _grouped(base, PatrolSlot.day)
    missed = db.session.execute(
        base.with_only_columns(
            PatrolSlot.id,
            PatrolSlot.day,
            PatrolSlot.opens_at,
            PatrolSlot.closes_at,
            PatrolSlot.school_id,
            WaterPoint.id.label("point_id"),
        )
        .where(PatrolSlot.status == SLOT_MISSED)
        .order_by(PatrolSlot.closes_at.desc(), PatrolSlot.id.desc())
        .limit(MISSED_LIMIT)
    ).all()
    schools = {
        u.id: u.name for u in db.session.scalars(select(Unit).where(Unit.id.in_(sorted(by_school))))
    }
    points = {
        row.id: (row.checkpoint_id, row.name)
        for row in db.session.execute(
            select(WaterPoint.id, WaterPoint.checkpoint_id, Checkpoint.name)
            .join(Checkpoint, Checkpoint.id == WaterPoint.checkpoint_id)
            .where(WaterPoint.id.in_(sorted(by_point)))
        )
    }
    held = content.held_texts(NAME_SUBJECT, [cp for cp, _name in points.values()])

    def point_ref(point_id: int) -> dict[str, Any]:
        """A point's id and name as the caller may see it."""
        checkpoint_id, name = points[point_id]
        return {"id": point_id, "name": content.shown(held, user.id, checkpoint_id, "name", name)}

    totals: dict[str, int] = defaultdict(int)
    for figures in by_school.values():
        for status, number in figures.items():
            totals[status] += number
    return {
        "date_from": start,
        "date_to": end,
        "totals": counts(totals),
        "schools": sorted(
            (
                {"school": {"id": sid, "name": schools[sid]}, **counts(figures)}
                for sid, figures in by_school.items()
            ),
            key=lambda e: (e["school"]["name"], e["school"]["id"]),
        ),
        "points": sorted(
            ({"water_point": point_ref(pid), **counts(f)} for pid, f in by_point.items()),
            key=lambda e: (e["water_point"]["name"], e["water_point"]["id"]),
        ),
        "periods": _periods(by_day),
        "missed": [
            {
                "slot_id": row.id,
                "water_point": point_ref(row.point_id),
                "school": {"id": row.school_id, "name": schools[row.school_id]},
                "opens_at": row.opens_at,
                "closes_at": row.closes_at,
                "period_name": window_containing(row.day).period_name,
            }
            for row in missed
        ],
    }
