"""Creating units and classes, and browsing them within the caller's scope."""

from __future__ import annotations

from sqlalchemy import select

from server import access
from server.errors import ApiError
from server.extensions import db
from server.geo import COORD_SYSTEMS, Position
from server.models import SchoolClass, Unit, User
from server.roles import ALLOWED_PARENTS, SCHOOL_KINDS
from server.services.codes import new_code
from server.services.views import View

CLASS_CODE_LENGTH = 6


def add_unit(code: str, name: str, kind: str, ownership: str, parent: Unit | None) -> Unit:
    """Add a unit under ``parent`` and set its materialised path (the caller commits)."""
    allowed = ALLOWED_PARENTS[kind]
    if (parent is None and allowed) or (parent is not None and parent.kind not in allowed):
        raise ValueError(f"a {kind} cannot sit under {parent.kind if parent else 'nothing'}")
    unit = Unit(code=code, name=name, kind=kind, ownership=ownership, parent=parent)
    db.session.add(unit)
    db.session.flush()  # the id is part of the path
    unit.path = f"{parent.path if parent else '/'}{unit.id}/"
    return unit


def add_class(school: Unit, name: str, grade: str) -> SchoolClass:
    """Add a class with a fresh class code (the caller commits)."""
    if school.kind not in SCHOOL_KINDS:
        raise ValueError("classes belong to schools and kindergartens")
    for _attempt in range(10):
        code = new_code(CLASS_CODE_LENGTH)
        taken = db.session.scalars(select(SchoolClass).where(SchoolClass.class_code == code))
        if taken.first() is None:
            school_class = SchoolClass(school=school, name=name, grade=grade, class_code=code)
            db.session.add(school_class)
            return school_class
    raise RuntimeError("could not draw a free class code")


def visible_children(user: User, parent_id: int | None, administered: bool = False) -> list[Unit]:
    """The caller's top units (optionally only those where they invite people), or a unit's
    children."""
    if parent_id is None:
        return access.top_units(user, "invitation.create" if administered else access.VIEW)
    parent = access.load_unit(user, parent_id)
    query = select(Unit).where(Unit.parent_id == parent.id).order_by(Unit.kind, Unit.name)
    return list(db.session.scalars(query))


def classes_of(user: User, unit_id: int) -> list[View]:
    """A school's classes; the class code only where the caller may see it.

    Only the school's own managers and the class's teacher get a code (``class.codes``): they
    hand them to parents, and anyone holding one can bind to a child of the class.
    """
    unit = access.load_unit(user, unit_id)
    if unit.kind not in SCHOOL_KINDS:
        raise ApiError(409, "not_a_school", "Only schools and kindergartens have classes.")
    return [
        View(c, class_code=c.class_code if access.may(user, "class.codes", unit, c.id) else None)
        for c in unit.classes
    ]


def set_campus(
    school: Unit,
    system: str,
    center: tuple[float, float] | None = None,
    radius_m: float | None = None,
    polygon: list[tuple[float, float]] | None = None,
) -> None:
    """Set a school's campus boundary: a polygon, or a centre and radius (the caller commits)."""
    if school.kind not in SCHOOL_KINDS:
        raise ValueError("only schools and kindergartens have a campus")
    if system not in COORD_SYSTEMS:
        raise ValueError(f"unknown coordinate system {system!r}")
    if polygon is not None:
        if len(polygon) < 3:
            raise ValueError("a campus polygon needs at least 3 points")
        for lat, lng in polygon:
            Position(lat, lng, system)  # validates the ranges
        school.campus_polygon = [[lat, lng] for lat, lng in polygon]
        school.campus_center_lat = school.campus_center_lng = school.campus_radius_m = None
    elif center is not None and radius_m is not None:
        Position(center[0], center[1], system)
        if not 10 <= radius_m <= 5000:
            raise ValueError("a campus radius is between 10 and 5000 metres")
        school.campus_center_lat, school.campus_center_lng = center
        school.campus_radius_m = radius_m
        school.campus_polygon = None
    else:
        raise ValueError("give a polygon, or a centre and a radius")
    school.campus_coord_system = system


def campus_of(user: User, unit_id: int) -> Unit:
    """A school whose campus boundary the user may see (anyone who sees the school)."""
    school = access.load_unit(user, unit_id)
    if school.kind not in SCHOOL_KINDS:
        raise ApiError(409, "not_a_school", "Only schools and kindergartens have a campus.")
    return school


def campus_view(school: Unit) -> View:
    """The boundary as the phone draws it: a centre and radius, or the polygon's points."""
    center = None
    if school.campus_center_lat is not None:
        center = {"lat": school.campus_center_lat, "lng": school.campus_center_lng}
    polygon = None
    if school.campus_polygon:
        polygon = [{"lat": lat, "lng": lng} for lat, lng in school.campus_polygon]
    return View(school, center=center, polygon=polygon)


def draw_campus(user: User, unit_id: int, data: dict) -> Unit:
    """Set a school's campus as drawn on the phone: a centre and radius, or a polygon."""
    school = campus_of(user, unit_id)
    access.require(user, "unit.campus", school)
    center = (data["center"]["lat"], data["center"]["lng"]) if data.get("center") else None
    polygon = [(p["lat"], p["lng"]) for p in data["polygon"]] if data.get("polygon") else None
    try:
        set_campus(school, data["coord_system"], center, data.get("radius_m"), polygon)
    except ValueError as exc:
        raise ApiError(422, "validation_error", str(exc), {"campus": [str(exc)]}) from exc
    db.session.commit()
    return school
