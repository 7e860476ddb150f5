"""The console's map of a unit: its open hazards (coloured by severity and lateness), its
checkpoints and water points, and its schools' campus boundaries, each position converted to
the coordinate system of the map's tiles. Every layer is capped, and the page says so."""

from __future__ import annotations

from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import selectinload

from server import access
from server.clock import local_today
from server.extensions import db
from server.geo import Position, to_system
from server.models import Hazard, Unit, User
from server.models.hazards import OPEN_STATUSES
from server.models.patrols import PLACE, Checkpoint
from server.models.water import WATER_KIND_NAMES, WaterPoint, WaterPointSchool
from server.roles import SCHOOL_KINDS
from server.services.escalation import OVERDUE_STATUSES

HAZARD_LIMIT = 500
CHECKPOINT_LIMIT = 1000
WATER_LIMIT = 1000
CAMPUS_LIMIT = 1000
DESCRIPTION_CHARS = 60


def for_display(lat: float, lng: float, system: str, display: str) -> list[float]:
    """A stored position as [lat, lng] in the map's system (GCJ-02 tiles need GCJ-02 points;
    outside China the two systems agree)."""
    shown = to_system(Position(lat, lng, system), display)
    return [round(shown.lat, 7), round(shown.lng, 7)]


def _hazards(unit: Unit, user: User, display: str) -> tuple[list[dict[str, Any]], int]:
    """The open hazards at the unit and below (the user's scope), major and overdue first,
    capped; and how many there are in all."""
    today = local_today()
    where = (
        Hazard.school_id.in_(access.unit_ids_below([unit.path])),
        Hazard.school_id.in_(access.unit_ids_where(user, "hazard.view")),
        Hazard.status.in_(OPEN_STATUSES),
        Hazard.duplicate_of_id.is_(None),
    )
    total = db.session.scalar(select(func.count()).select_from(Hazard).where(*where)) or 0
    late = Hazard.deadline < today
    query = (
        select(Hazard)
        .where(*where)
        .options(selectinload(Hazard.school))
        .order_by((Hazard.severity == "major").desc(), late.desc(), Hazard.id.desc())
        .limit(HAZARD_LIMIT)
    )
    rows = []
    for hazard in db.session.scalars(query):
        overdue = bool(
            hazard.deadline and hazard.deadline < today and hazard.status in OVERDUE_STATUSES
        )
        rows.append(
            {
                "id": hazard.id,
                "at": for_display(hazard.lat, hazard.lng, hazard.coord_system, display),
                "text": hazard.description[:DESCRIPTION_CHARS],
                "school": hazard.school.name,
                "severity": hazard.severity,
                "status": hazard.status,
                "overdue": overdue,
            }
        )
    return rows, total


def _checkpoints(unit: Unit, display: str) -> list[dict[str, Any]]:
    """The active patrol places of the schools at the unit and below (water points apart)."""
    query = (
        select(Checkpoint)
        .where(
            Checkpoint.school_id.in_(access.unit_ids_below([unit.path])),
            Checkpoint.active.is_(True),
            Checkpoint.kind == PLACE,
        )
        .options(selectinload(Checkpoint.school))
        .order_by(Checkpoint.school_id, Checkpoint.name, Checkpoint.id)
        .limit(CHECKPOINT_LIMIT)
    )
    return [
        {
            "name": point.name,
            "school": point.school.name,
            "at": for_display(point.lat, point.lng, point.coord_system, display),
            "radius_m": point.radius_m,
        }
        for point in db.session.scalars(query)
    ]


def _shape(shape: dict | None, system: str, display: str) -> dict[str, Any] | None:
    """A line or polygon's vertices in the map's system."""
    if not shape:
        return None
    vertices = [for_display(lat, lng, system, display) for lat, lng in shape["coordinates"]]
    return {"type": shape["type"], "coordinates": vertices}


def _water(unit: Unit, display: str) -> list[dict[str, Any]]:
    """The active water points concerning a school at the unit and below: a point and its
    radius, or its line (a river bank) or polygon (a pond)."""
    concerning = select(WaterPointSchool.water_point_id).where(
        WaterPointSchool.school_id.in_(access.unit_ids_below([unit.path]))
    )
    query = (
        select(WaterPoint)
        .join(Checkpoint, Checkpoint.id == WaterPoint.checkpoint_id)
        .where(WaterPoint.id.in_(concerning), Checkpoint.active.is_(True))
        .options(selectinload(WaterPoint.checkpoint))
        .order_by(Checkpoint.name, WaterPoint.id)
        .limit(WATER_LIMIT)
    )
    rows = []
    for point in db.session.scalars(query):
        spot = point.checkpoint
        rows.append(
            {
                "name": spot.name,
                "kind": WATER_KIND_NAMES.get(point.kind, point.kind),
                "at": for_display(spot.lat, spot.lng, spot.coord_system, display),
                "radius_m": spot.radius_m,
                "shape": _shape(spot.shape, spot.coord_system, display),
            }
        )
    return rows


def _campuses(unit: Unit, display: str) -> list[dict[str, Any]]:
    """The campus boundaries drawn for the schools at the unit and below."""
    query = (
        select(Unit)
        .where(
            Unit.id.in_(access.unit_ids_below([unit.path])),
            Unit.kind.in_(SCHOOL_KINDS),
            Unit.campus_coord_system.is_not(None),
        )
        .order_by(Unit.path, Unit.id)
        .limit(CAMPUS_LIMIT)
    )
    rows = []
    for school in db.session.scalars(query):
        system = school.campus_coord_system
        if school.campus_polygon:
            polygon = [for_display(lat, lng, system, display) for lat, lng in school.campus_polygon]
            rows.append({"school": school.name, "polygon": polygon})
        elif school.campus_center_lat is not None and school.campus_radius_m:
            center = for_display(
                school.campus_center_lat, school.campus_center_lng, system, display
            )
            rows.append(
                {"school": school.name, "center": center, "radius_m": school.campus_radius_m}
            )
    return rows


def map_data(user: User, unit_id: int, display: str) -> dict[str, Any]:
    """Everything the map of a unit draws (hazard.view there; the patrol places and water
    points with patrol.do or patrol.view, as their lists), in the ``display`` system."""
    unit = access.load_unit(user, unit_id, "hazard.view")
    hazards, total = _hazards(unit, user, display)
    patrols = access.may(user, "patrol.do", unit) or access.may(user, "patrol.view", unit)
    return {
        "unit": {"id": unit.id, "name": unit.name},
        "hazards": hazards,
        "hazards_total": total,
        "hazard_limit": HAZARD_LIMIT,
        "checkpoints": _checkpoints(unit, display) if patrols else [],
        "water": _water(unit, display) if patrols else [],
        "campuses": _campuses(unit, display),
    }
