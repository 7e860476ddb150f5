"""The registry of dangerous water points (防溺水, DESIGN.md §2 area 4): register a point at the
place, edit it, retire it, read it.

A point is a ``WaterPoint`` row and its checkpoint (``kind="water"``, checked with the
``water_point`` checklist, no sticker: a visit is proved by the position near its point, line or
polygon and by photos), made and changed together. Its name is the checkpoint's and goes
through WeChat's content check like a checkpoint's; its note too. Every change brings the
water-visit plans of the schools it concerned and concerns in step in the same transaction
(``water_plans.sync``), so a new point is due at once and a retired one is no longer asked for.

Access (``server/access.py``): writing needs ``water.manage`` at every school the point concerns
(before and after a change); reading needs to see one of them (404 otherwise).
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import delete, select

from server import access
from server.errors import ApiError
from server.extensions import db
from server.geo_shapes import check_shape
from server.models import Unit, User, utcnow
from server.models.patrols import WATER, Checkpoint
from server.models.water import MEASURES, WaterPoint, WaterPointSchool
from server.roles import SCHOOL_KINDS
from server.services import content, water_plans
from server.services.checkpoints import SUBJECT as NAME_SUBJECT
from server.services.checkpoints import new_token

MANAGE = "water.manage"
TEMPLATE = "water_point"
# The held note of a point, masked for others until released.
SUBJECT = "water_point"
# Fields copied to the point's checkpoint, and to the point itself.
CHECKPOINT_FIELDS = ("lat", "lng", "coord_system", "radius_m")
POINT_FIELDS = ("kind", "caretaker_name", "caretaker_phone", "note")


def invalid(field: str, message: str) -> ApiError:
    """A 422 naming the field, in the standard shape."""
    return ApiError(422, "validation_error", message, {field: [message]})


def measures_of(given: dict[str, Any] | None) -> dict[str, bool]:
    """Every measure, true or false (a missing key is false: not in place)."""
    given = given or {}
    return {key: bool(given.get(key, False)) for key in MEASURES}


def shape_of(shape: Any) -> dict | None:
    """A usable line or polygon, or None; 422 on ``shape`` naming what is wrong."""
    if shape is None:
        return None
    try:
        vertices = check_shape(shape)
    except ValueError as exc:
        raise invalid("shape", str(exc)) from None
    return {"type": shape["type"], "coordinates": [[lat, lng] for lat, lng in vertices]}


def schools_for(user: User, school_ids: list[int]) -> list[Unit]:
    """The schools named, in the order given: each in scope (404), where the user holds
    water.manage (403), a school or kindergarten (422)."""
    ids = list(dict.fromkeys(school_ids))
    found = {u.id: u for u in db.session.scalars(select(Unit).where(Unit.id.in_(ids)))}
    schools = []
    for unit_id in ids:
        unit = found.get(unit_id)
        if unit is None:
            raise access.not_found("school")
        access.require(user, MANAGE, unit, what="school")
        if unit.kind not in SCHOOL_KINDS:
            raise invalid("school_ids", f"Unit {unit_id} is not a school or kindergarten.")
        schools.append(unit)
    if not schools:
        raise invalid("school_ids", "Name at least one school.")
    return schools


def registering_unit(user: User, schools: list[Unit]) -> Unit:
    """The unit a point is registered by: the lowest unit where the user holds water.manage by a
    grant there and that holds every school (a center school for its area's points); else the
    first school."""
    candidates = [
        grant.unit
        for grant in user.grants
        if all(grant.unit.contains(s) for s in schools) and access.may(user, MANAGE, grant.unit)
    ]
    if not candidates:
        return schools[0]
    return max(candidates, key=lambda unit: (len(unit.path), -unit.id))


def insert_point(
    creator: User, schools: list[Unit], data: dict[str, Any], unit: Unit
) -> tuple[WaterPoint, Checkpoint]:
    """Insert a point, its checkpoint and its schools (flushed, not committed); the caller
    checks the names, holds them and syncs the plans."""
    checkpoint = Checkpoint(
        school_id=schools[0].id,
        name=data["name"],
        kind=WATER,
        shape=shape_of(data.get("shape")),
        template_codes=[TEMPLATE],
        token=new_token(),
        active=True,
        created_by_id=creator.id,
        **{field: data[field] for field in CHECKPOINT_FIELDS},
    )
    db.session.add(checkpoint)
    db.session.flush()
    point = WaterPoint(
        checkpoint_id=checkpoint.id,
        measures=measures_of(data.get("measures")),
        unit_id=unit.id,
        created_by_id=creator.id,
        **{field: data.get(field) for field in POINT_FIELDS},
    )
    db.session.add(point)
    db.session.flush()
    db.session.add_all(WaterPointSchool(water_point_id=point.id, school_id=s.id) for s in schools)
    db.session.flush()
    return point, checkpoint


def create(user: User, data: dict[str, Any]) -> WaterPoint:
    """Register a point (water.manage at every school it concerns); its schools' visit plans
    take it at once."""
    schools = schools_for(user, data["school_ids"])
    shape_of(data.get("shape"))
    name_verdict = content.check_text(user, "name", data["name"])
    note_verdict = content.check_text(user, "note", data["note"]) if data.get("note") else None
    point, checkpoint = insert_point(user, schools, data, registering_unit(user, schools))
    content.hold_text(
        user, schools[0], NAME_SUBJECT, checkpoint.id, "name", data["name"], name_verdict
    )
    if note_verdict is not None:
        content.hold_text(user, schools[0], SUBJECT, point.id, "note", data["note"], note_verdict)
    water_plans.sync({s.id for s in schools}, user.id, utcnow())
    db.session.commit()
    return point


def concerned(point: WaterPoint) -> list[Unit]:
    """The schools the point concerns (by id)."""
    return list(point.schools)


def load_visible(user: User, point_id: int) -> WaterPoint:
    """A point one of whose schools the user sees (404 otherwise)."""
    point = db.session.get(WaterPoint, point_id)
    if point is None or not any(access.sees(user, s) for s in concerned(point)):
        raise access.not_found("water point")
    return point


def load_managed(user: User, point_id: int) -> WaterPoint:
    """A point the user may change: water.manage at every school it concerns (404 when they see
    none of them, 403 otherwise)."""
    point = load_visible(user, point_id)
    for school in concerned(point):
        if not access.may(user, MANAGE, school):
            raise access.forbidden(MANAGE)
    return point


def set_schools(point: WaterPoint, schools: list[Unit]) -> None:
    """Replace the point's schools (the first becomes its checkpoint's school)."""
    db.session.execute(
        delete(WaterPointSchool)
        .where(WaterPointSchool.water_point_id == point.id)
        .execution_options(synchronize_session=False)
    )
    db.session.add_all(WaterPointSchool(water_point_id=point.id, school_id=s.id) for s in schools)
    point.checkpoint.school_id = schools[0].id
    db.session.flush()
    db.session.expire(point, ["schools"])


def _rename(user: User, point: WaterPoint, field: str, text: str | None) -> None:
    """A new name or note, checked and held like the first."""
    school = point.checkpoint.school
    if field == "name":
        verdict = content.check_text(user, "name", text)
        point.checkpoint.name = text
        content.replace_text(user, school, NAME_SUBJECT, point.checkpoint_id, "name", text, verdict)
        return
    point.note = text
    if text:
        verdict = content.check_text(user, "note", text)
        content.replace_text(user, school, SUBJECT, point.id, "note", text, verdict)
    else:
        content.forget(SUBJECT, point.id)


def change(user: User, point_id: int, changes: dict[str, Any]) -> WaterPoint:
    """Edit a point: any field of its registration, its schools, or ``active`` (water.manage at
    every school before and after). The plans of every school concerned follow."""
    point = load_managed(user, point_id)
    checkpoint = point.checkpoint
    before = {s.id for s in concerned(point)}
    after = before
    if "school_ids" in changes:
        schools = schools_for(user, changes["school_ids"])
        after = {s.id for s in schools}
        set_schools(point, schools)
    if "shape" in changes:
        checkpoint.shape = shape_of(changes["shape"])
    for field in CHECKPOINT_FIELDS:
        if field in changes:
            setattr(checkpoint, field, changes[field])
    if "active" in changes:
        checkpoint.active = changes["active"]
    if "measures" in changes:
        point.measures = measures_of(changes["measures"])
    for field in ("kind", "caretaker_name", "caretaker_phone"):
        if field in changes:
            setattr(point, field, changes[field])
    if "name" in changes and changes["name"] != checkpoint.name:
        _rename(user, point, "name", changes["name"])
    if "note" in changes and changes["note"] != point.note:
        _rename(user, point, "note", changes["note"])
    water_plans.sync(before | after, user.id, utcnow())
    db.session.commit()
    return point


def retire(user: User, point_id: int) -> None:
    """Retire a point: inactive, its open slots not yet closed dropped (history stays).
    Retiring a retired point again is harmless."""
    point = load_managed(user, point_id)
    point.checkpoint.active = False
    water_plans.sync({s.id for s in concerned(point)}, user.id, utcnow())
    db.session.commit()
