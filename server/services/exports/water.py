"""The water points' map export (GeoJSON / CSV for GIS tools): every point concerning a school
at the unit and below, its river line or pond polygon when drawn, else its point, in WGS-84."""

from __future__ import annotations

from datetime import date
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import selectinload

from server.access import unit_ids_below
from server.extensions import db
from server.geo import WGS84, Position, to_geojson_point, to_system
from server.geo_shapes import to_geojson
from server.models import Checkpoint, Unit, WaterPoint, WaterPointSchool
from server.models.water import MEASURE_NAMES, WATER_KIND_NAMES
from server.services.exports.columns import INTEGER, Column, Table

COLUMNS = [
    Column("编号", INTEGER),
    Column("名称"),
    Column("类型"),
    Column("涉及学校"),
    Column("已有防护措施"),
    Column("管护责任人"),
    Column("联系电话"),
    Column("状态"),
    Column("经度"),
    Column("纬度"),
]


def _points(unit: Unit) -> list[WaterPoint]:
    """The points concerning a school at the unit or below, by name (active and retired)."""
    concerning = select(WaterPointSchool.water_point_id).where(
        WaterPointSchool.school_id.in_(unit_ids_below([unit.path]))
    )
    query = (
        select(WaterPoint)
        .join(Checkpoint, Checkpoint.id == WaterPoint.checkpoint_id)
        .where(WaterPoint.id.in_(concerning))
        .options(selectinload(WaterPoint.checkpoint), selectinload(WaterPoint.schools))
        .order_by(Checkpoint.name, WaterPoint.id)
    )
    return list(db.session.scalars(query))


def _position(point: WaterPoint) -> Position:
    """The point's own position in its stored coordinate system."""
    checkpoint = point.checkpoint
    return Position(checkpoint.lat, checkpoint.lng, checkpoint.coord_system)


def _row(point: WaterPoint) -> list[Any]:
    """One point as a table row (the longitude and latitude of its point, WGS-84)."""
    wgs = to_system(_position(point), WGS84)
    measures = [name for key, name in MEASURE_NAMES.items() if point.measures.get(key)]
    return [
        point.id,
        point.checkpoint.name,
        WATER_KIND_NAMES.get(point.kind, point.kind),
        "、".join(school.name for school in point.schools),
        "、".join(measures) or "无",
        point.caretaker_name or "",
        point.caretaker_phone or "",
        "在用" if point.checkpoint.active else "已停用",
        round(wgs.lng, 7),
        round(wgs.lat, 7),
    ]


def _feature(point: WaterPoint) -> dict:
    """One point as a GeoJSON feature: its drawn shape if any, else its point."""
    row = _row(point)
    shape = point.checkpoint.shape
    if shape:
        geometry = to_geojson(shape, point.checkpoint.coord_system)
    else:
        geometry = to_geojson_point(_position(point))
    properties = {c.header: v for c, v in zip(COLUMNS[:8], row[:8], strict=True)}
    properties["半径(米)"] = point.checkpoint.radius_m
    return {"type": "Feature", "id": point.id, "geometry": geometry, "properties": properties}


def water_points_geo(unit: Unit, start: date, end: date) -> Table:
    """The water points of the unit and below (the period does not apply: points are a
    registry, not events)."""
    points = _points(unit)
    return Table(
        COLUMNS,
        (_row(p) for p in points),
        len(points),
        features=lambda: (_feature(p) for p in points),
    )
