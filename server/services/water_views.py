"""Water points as the API shows them, the list of a unit's points, and the caller's due visits.

Every answer is a fixed number of statements whatever the number of points: the points with
their checkpoints, units and schools (one each), held names and notes (two), the last visit of
each point (one, ranked in SQL) and the next open slot of each (one).
"""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import selectinload

from server import access
from server.extensions import db
from server.models import Unit, User
from server.models.patrols import (
    FAIL,
    SLOT_OPEN,
    Checkpoint,
    Patrol,
    PatrolAnswer,
    PatrolPlan,
    PatrolSlot,
)
from server.models.water import (
    MEASURE_NAMES,
    MEASURES,
    WATER_KIND_NAMES,
    WaterPoint,
    WaterPointSchool,
)
from server.services import content
from server.services.checkpoints import SUBJECT as NAME_SUBJECT
from server.services.patrol_today import mine
from server.services.water_plans import MANAGED
from server.services.water_points import MANAGE, SUBJECT
from server.water_schedule import window_containing

# The due list shows windows opening within this time too.
DUE_AHEAD = timedelta(hours=24)


def _options() -> list:
    """What a point's view reads, loaded with it."""
    return [
        selectinload(WaterPoint.checkpoint),
        selectinload(WaterPoint.unit),
        selectinload(WaterPoint.schools),
    ]


def _last_visits(checkpoint_ids: list[int]) -> dict[int, dict[str, Any]]:
    """The latest visit at each checkpoint: who, when, how many items failed."""
    if not checkpoint_ids:
        return {}
    failed = (
        select(func.count(PatrolAnswer.id))
        .where(PatrolAnswer.patrol_id == Patrol.id, PatrolAnswer.answer == FAIL)
        .scalar_subquery()
    )
    ranked = (
        select(
            Patrol.id,
            Patrol.checkpoint_id,
            Patrol.scanned_at,
            Patrol.user_id,
            failed.label("failed"),
            func.row_number()
            .over(
                partition_by=Patrol.checkpoint_id,
                order_by=(Patrol.scanned_at.desc(), Patrol.id.desc()),
            )
            .label("rank"),
        )
        .where(Patrol.checkpoint_id.in_(checkpoint_ids))
        .subquery()
    )
    rows = db.session.execute(
        select(ranked, User.display_name)
        .join(User, User.id == ranked.c.user_id)
        .where(ranked.c.rank == 1)
        .order_by(ranked.c.checkpoint_id)
    ).all()
    return {
        row.checkpoint_id: {
            "patrol_id": row.id,
            "scanned_at": row.scanned_at,
            "user": {"id": row.user_id, "name": row.display_name},
            "failed": row.failed,
        }
        for row in rows
    }


def _next_due(checkpoint_ids: list[int], now: datetime) -> dict[int, dict[str, Any]]:
    """The earliest open slot not yet closed of each checkpoint (of any school's plan)."""
    if not checkpoint_ids:
        return {}
    ranked = (
        select(
            PatrolSlot.id,
            PatrolSlot.checkpoint_id,
            PatrolSlot.opens_at,
            PatrolSlot.closes_at,
            PatrolSlot.status,
            func.row_number()
            .over(
                partition_by=PatrolSlot.checkpoint_id,
                order_by=(PatrolSlot.opens_at, PatrolSlot.closes_at, PatrolSlot.id),
            )
            .label("rank"),
        )
        .where(
            PatrolSlot.checkpoint_id.in_(checkpoint_ids),
            PatrolSlot.status == SLOT_OPEN,
            PatrolSlot.closes_at > now,
        )
        .subquery()
    )
    rows = db.session.execute(
        select(ranked).where(ranked.c.rank == 1).order_by(ranked.c.checkpoint_id)
    ).all()
    return {
        row.checkpoint_id: {
            "slot_id": row.id,
            "opens_at": row.opens_at,
            "closes_at": row.closes_at,
            "status": row.status,
        }
        for row in rows
    }


def views(points: list[WaterPoint], viewer: User, now: datetime) -> list[dict[str, Any]]:
    """Points as ``viewer`` sees them: held names and notes masked unless they wrote them."""
    checkpoint_ids = [p.checkpoint_id for p in points]
    names = content.held_texts(NAME_SUBJECT, checkpoint_ids)
    notes = content.held_texts(SUBJECT, [p.id for p in points])
    visits, due = _last_visits(checkpoint_ids), _next_due(checkpoint_ids, now)
    manages: dict[int, bool] = {}
    out = []
    for point in points:
        checkpoint, schools = point.checkpoint, list(point.schools)
        for school in schools:
            if school.id not in manages:
                manages[school.id] = access.may(viewer, MANAGE, school)
        measures = {key: bool((point.measures or {}).get(key)) for key in MEASURES}
        caretaker = None
        if point.caretaker_name or point.caretaker_phone:
            caretaker = {"name": point.caretaker_name, "phone": point.caretaker_phone}
        out.append(
            {
                "id": point.id,
                "checkpoint_id": checkpoint.id,
                "name": content.shown(names, viewer.id, checkpoint.id, "name", checkpoint.name),
                "kind": point.kind,
                "kind_name": WATER_KIND_NAMES.get(point.kind, point.kind),
                "position": {
                    "lat": checkpoint.lat,
                    "lng": checkpoint.lng,
                    "coord_system": checkpoint.coord_system,
                },
                "shape": checkpoint.shape,
                "radius_m": checkpoint.radius_m,
                "measures": measures,
                "missing_measures": [MEASURE_NAMES[k] for k in MEASURES if not measures[k]],
                "caretaker": caretaker,
                "note": content.shown(notes, viewer.id, point.id, "note", point.note),
                "unit": {"id": point.unit.id, "name": point.unit.name},
                "schools": [{"id": s.id, "name": s.name} for s in schools],
                "active": checkpoint.active,
                "last_visit": visits.get(checkpoint.id),
                "next_due": due.get(checkpoint.id) if checkpoint.active else None,
                "may_manage": bool(schools) and all(manages[s.id] for s in schools),
            }
        )
    return out


def view(point: WaterPoint, viewer: User, now: datetime) -> dict[str, Any]:
    """One point as ``viewer`` sees it."""
    return views([point], viewer, now)[0]


def points_at(user: User, unit_id: int, include_inactive: bool, now: datetime) -> list[dict]:
    """The points concerning a school at ``unit_id`` or below, by name (patrol.do or
    patrol.view there; retired ones too with water.manage)."""
    unit = db.session.get(Unit, unit_id)
    if unit is None or not access.sees(user, unit):
        raise access.not_found()
    if not (access.may(user, "patrol.do", unit) or access.may(user, "patrol.view", unit)):
        raise access.forbidden("patrol.view")
    if include_inactive and not access.may(user, MANAGE, unit):
        raise access.forbidden(MANAGE)
    below = access.unit_ids_below([unit.path])
    concerning = select(WaterPointSchool.water_point_id).where(
        WaterPointSchool.school_id.in_(below)
    )
    query = (
        select(WaterPoint)
        .join(Checkpoint, Checkpoint.id == WaterPoint.checkpoint_id)
        .where(WaterPoint.id.in_(concerning))
        .options(*_options())
        .order_by(Checkpoint.name, WaterPoint.id)
    )
    if not include_inactive:
        query = query.where(Checkpoint.active.is_(True))
    return views(list(db.session.scalars(query)), user, now)


def due(user: User, now: datetime) -> dict[str, Any]:
    """The caller's open water-visit slots whose window has opened or opens within 24 hours,
    earliest closing first."""
    if not user.grants:  # parents: no query
        return {"visits": [], "count": 0}
    rows = db.session.execute(
        select(
            PatrolSlot.id,
            PatrolSlot.checkpoint_id,
            PatrolSlot.day,
            PatrolSlot.opens_at,
            PatrolSlot.closes_at,
            PatrolSlot.status,
            WaterPoint.id.label("point_id"),
            WaterPoint.kind,
            Checkpoint.name.label("point_name"),
            Unit.id.label("school_id"),
            Unit.name.label("school_name"),
        )
        .join(PatrolPlan, PatrolPlan.id == PatrolSlot.plan_id)
        .join(Checkpoint, Checkpoint.id == PatrolSlot.checkpoint_id)
        .join(WaterPoint, WaterPoint.checkpoint_id == Checkpoint.id)
        .join(Unit, Unit.id == PatrolSlot.school_id)
        .where(
            PatrolPlan.managed_by == MANAGED,
            PatrolSlot.status == SLOT_OPEN,
            PatrolSlot.closes_at > now,
            PatrolSlot.opens_at <= now + DUE_AHEAD,
            mine(user),
        )
        .order_by(PatrolSlot.closes_at, Unit.name, Checkpoint.name, PatrolSlot.id)
    ).all()
    held = content.held_texts(NAME_SUBJECT, sorted({row.checkpoint_id for row in rows}))
    visits = [
        {
            "slot_id": row.id,
            "water_point": {
                "id": row.point_id,
                "name": content.shown(held, user.id, row.checkpoint_id, "name", row.point_name),
                "kind": row.kind,
                "kind_name": WATER_KIND_NAMES.get(row.kind, row.kind),
            },
            "checkpoint_id": row.checkpoint_id,
            "school": {"id": row.school_id, "name": row.school_name},
            "opens_at": row.opens_at,
            "closes_at": row.closes_at,
            "status": row.status,
            "period_name": window_containing(row.day).period_name,
        }
        for row in rows
    ]
    return {"visits": visits, "count": len(visits)}
