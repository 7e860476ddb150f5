"""The school-bus registry (校车, DESIGN.md §2 area 3): register a bus with its schools, drivers
and trips, change it, retire it, list and read buses, replace its sticker, print the stickers.

A bus is made with its checkpoint (kind "bus", checked with ``bus_pretrip``; the sticker inside
the bus carries its token) and a plan per trip (``bus_trips``), all in one transaction. The
checkpoint's position is the running school's campus centre (else the middle of its campus
polygon, else 0,0): a bus moves, so the position is never checked for a bus; it only places the
hazards the documents job raises (``bus_documents``) on the school's map.

Only the running school's ``bus.manage`` holders change a bus; anyone who patrols or watches
patrols at one of its schools reads it. A plate is one active bus (a partial unique index: two
registrations at once get one bus and one 409 ``plate_taken``). Reading buses: ``bus_views``.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import delete, select, update
from sqlalchemy.exc import IntegrityError

from server import access
from server.errors import ApiError
from server.extensions import db
from server.models import Unit, User, utcnow
from server.models.buses import BusDriver, BusSchool, SchoolBus
from server.models.patrols import BUS, Checkpoint, RetiredCheckpointToken
from server.roles import SCHOOL_KINDS
from server.services import bus_trips, content
from server.services.bus_views import MANAGE, SUBJECT
from server.services.checkpoints import new_token

# The columns a create or a PATCH copies as given.
PLAIN = ("seats", "agreement_number", "agreement_expires_on", "video_alarm_device")
# Free texts shown to others: checked by WeChat first, held (masked) when it is unsure.
CHECKED = ("operator", "route")


def _invalid(field: str, message: str) -> ApiError:
    """A 422 naming the field."""
    return ApiError(422, "validation_error", message, {field: [message]})


def _plate_taken() -> ApiError:
    """The answer when another active bus has the plate."""
    return ApiError(409, "plate_taken", "Another active bus has this plate.")


def normal_plate(plate: str) -> str:
    """皖l 12345 / 皖L·12345 -> 皖L12345 (as plates are printed and compared)."""
    return "".join(plate.split()).replace("·", "").upper()


def _position(school: Unit) -> tuple[float, float, str]:
    """Where the bus's checkpoint is placed (see the module's docstring)."""
    system = school.campus_coord_system or "gcj02"
    if school.campus_center_lat is not None:
        return school.campus_center_lat, school.campus_center_lng, system
    if school.campus_polygon:
        lats = [vertex[0] for vertex in school.campus_polygon]
        lngs = [vertex[1] for vertex in school.campus_polygon]
        return sum(lats) / len(lats), sum(lngs) / len(lngs), system
    return 0.0, 0.0, system


def _served(user: User, school: Unit, school_ids: list[int] | None) -> list[int]:
    """The schools the bus serves: the running school and those listed, each a school or
    kindergarten the caller sees (404 otherwise)."""
    ids = sorted(set(school_ids or []) | {school.id})
    units = {u.id: u for u in db.session.scalars(select(Unit).where(Unit.id.in_(ids)))}
    for unit_id in ids:
        unit = units.get(unit_id)
        if unit is None or not access.sees(user, unit):
            raise access.not_found("school")
        if unit.kind not in SCHOOL_KINDS:
            raise _invalid("school_ids", f"Unit {unit_id} is not a school or kindergarten.")
    return ids


def _check_plate(plate: str, bus_id: int | None = None) -> None:
    """409 when another active bus has the plate (the index settles a race)."""
    query = select(SchoolBus.id).where(SchoolBus.plate == plate, SchoolBus.active.is_(True))
    if bus_id is not None:
        query = query.where(SchoolBus.id != bus_id)
    if db.session.scalars(query.limit(1)).first() is not None:
        raise _plate_taken()


def _set_schools(bus: SchoolBus, ids: list[int]) -> None:
    """Replace the served schools."""
    db.session.execute(delete(BusSchool).where(BusSchool.bus_id == bus.id))
    db.session.add_all(BusSchool(bus_id=bus.id, school_id=i) for i in ids)


def _set_drivers(bus: SchoolBus, drivers: list[dict[str, Any]]) -> None:
    """Replace the drivers; a driver kept by name keeps their row (and so the licence hazard
    already raised for them is not raised again)."""
    kept = {
        d.name: d
        for d in db.session.scalars(
            select(BusDriver).where(BusDriver.bus_id == bus.id).order_by(BusDriver.id)
        )
    }
    wanted = {d["name"] for d in drivers}
    gone = [d.id for name, d in kept.items() if name not in wanted]
    if gone:
        db.session.execute(delete(BusDriver).where(BusDriver.id.in_(gone)))
    for position, given in enumerate(drivers):
        row = kept.get(given["name"]) or BusDriver(bus_id=bus.id, name=given["name"])
        row.position = position
        row.phone = given.get("phone")
        row.licence_no = given.get("licence_no")
        row.licence_expires_on = given["licence_expires_on"]
        db.session.add(row)


def _check_texts(user: User, data: dict[str, Any]) -> dict[str, str]:
    """WeChat's verdicts on the free texts given (risky: 422)."""
    return {f: content.check_text(user, f, data[f]) for f in CHECKED if data.get(f)}


def _hold_texts(user: User, bus: SchoolBus, verdicts: dict[str, str], replace: bool) -> None:
    """Record the checks of the texts written (caller's transaction)."""
    for field, verdict in verdicts.items():
        write = content.replace_text if replace else content.hold_text
        write(user, bus.school, SUBJECT, bus.id, field, getattr(bus, field), verdict)


def _commit_or_plate_taken() -> None:
    """Commit; a plate registered meanwhile by someone else is a 409, not a 500."""
    try:
        db.session.commit()
    except IntegrityError:
        db.session.rollback()
        raise _plate_taken() from None


def create(user: User, data: dict[str, Any]) -> SchoolBus:
    """Register a bus at a school where the caller holds bus.manage, with its checkpoint, its
    schools, drivers and trips (and the trips' plans and slots), in one transaction."""
    school = access.load_unit(user, data["school_id"], MANAGE)
    if school.kind not in SCHOOL_KINDS:
        raise _invalid("school_id", "Buses are registered by a school or kindergarten.")
    served = _served(user, school, data.get("school_ids"))
    bus_trips.check_trips(data["trips"])
    plate = normal_plate(data["plate"])
    _check_plate(plate)
    verdicts = _check_texts(user, data)
    lat, lng, system = _position(school)
    checkpoint = Checkpoint(
        school_id=school.id,
        name=f"校车{plate}",
        kind=BUS,
        lat=lat,
        lng=lng,
        coord_system=system,
        radius_m=50,
        template_codes=[bus_trips.TEMPLATE],
        token=new_token(),
        active=True,
        created_by_id=user.id,
    )
    bus = SchoolBus(
        school_id=school.id,
        checkpoint=checkpoint,
        plate=plate,
        operator=data["operator"],
        route=data.get("route"),
        active=True,
        created_by_id=user.id,
        **{field: data.get(field) for field in PLAIN},
    )
    try:
        db.session.add(bus)
        db.session.flush()
        _set_schools(bus, served)
        _set_drivers(bus, data.get("drivers") or [])
        _hold_texts(user, bus, verdicts, replace=False)
        bus_trips.sync_trips(bus, data["trips"], user, utcnow())
    except IntegrityError:
        db.session.rollback()
        raise _plate_taken() from None
    _commit_or_plate_taken()
    return bus


def load_managed(user: User, bus_id: int) -> SchoolBus:
    """A bus the caller manages (404 out of scope, 403 without bus.manage at its school)."""
    return access.load(user, SchoolBus, bus_id, MANAGE, lambda b: b.school, "bus")


def patch(user: User, bus_id: int, changes: dict[str, Any]) -> SchoolBus:
    """Change any field; ``drivers``, ``trips`` and ``school_ids`` replace their lists;
    ``active`` retires or brings back the bus (and its trips' plans). Everything is checked
    before anything changes."""
    bus = load_managed(user, bus_id)
    now = utcnow()
    served = _served(user, bus.school, changes["school_ids"]) if "school_ids" in changes else None
    if "trips" in changes:
        bus_trips.check_trips(changes["trips"])
    plate = normal_plate(changes["plate"]) if "plate" in changes else bus.plate
    if changes.get("active", bus.active) and (plate != bus.plate or not bus.active):
        _check_plate(plate, bus.id)
    verdicts = _check_texts(
        user, {f: changes[f] for f in CHECKED if f in changes and changes[f] != getattr(bus, f)}
    )
    try:
        with db.session.no_autoflush:
            if served is not None:
                _set_schools(bus, served)
            if plate != bus.plate:
                bus.plate = plate
                bus.checkpoint.name = f"校车{plate}"
                bus_trips.rename_plans(bus)
            for field in (*PLAIN, *CHECKED):
                if field in changes:
                    setattr(bus, field, changes[field])
            if "drivers" in changes:
                _set_drivers(bus, changes["drivers"])
        db.session.flush()
        _hold_texts(user, bus, verdicts, replace=True)
        if "active" in changes and changes["active"] != bus.active:
            _set_active(bus, changes["active"], now)
        if "trips" in changes:
            bus_trips.sync_trips(bus, changes["trips"], user, now)
    except IntegrityError:
        db.session.rollback()
        raise _plate_taken() from None
    _commit_or_plate_taken()
    return bus


def _set_active(bus: SchoolBus, active: bool, now) -> None:
    """The bus, its checkpoint and its trips' plans together."""
    bus.active = active
    bus.checkpoint.active = active
    db.session.flush()
    bus_trips.set_active(bus, active, now)


def retire(user: User, bus_id: int) -> None:
    """DELETE: the bus is retired (inactive, its sticker stops working, its trips' open slots
    not yet closed are dropped); its history stays. Retiring it again is harmless."""
    bus = load_managed(user, bus_id)
    if bus.active:
        _set_active(bus, False, utcnow())
    db.session.commit()


def replace_token(user: User, bus_id: int) -> SchoolBus:
    """A new sticker; the old token is retired in the same transaction (scanning it answers 410
    ``checkpoint_replaced``). Of two replacements at once one wins, the other gets 409."""
    bus = load_managed(user, bus_id)
    old, fresh = bus.checkpoint.token, new_token()
    moved = db.session.execute(
        update(Checkpoint)
        .where(Checkpoint.id == bus.checkpoint_id, Checkpoint.token == old)
        .values(token=fresh)
        .execution_options(synchronize_session=False)
    )
    if moved.rowcount != 1:
        db.session.rollback()
        raise ApiError(409, "conflict", "The code was just replaced by someone else; reload.")
    db.session.add(RetiredCheckpointToken(token=old, checkpoint_id=bus.checkpoint_id))
    db.session.commit()
    db.session.refresh(bus.checkpoint)
    return bus
