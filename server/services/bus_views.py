"""Reading school buses: one bus, the buses under a unit, a school's for its sticker sheet, and
how a bus reads in the API: its documents' states (valid, expiring within 30 days, expired,
missing), the alerts the board shows, and the Bus object of the contract (lists load every
relation in one statement each, whatever the number of buses)."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

from sqlalchemy import exists, select
from sqlalchemy.orm import selectinload

from server import access
from server.clock import local_today
from server.extensions import db
from server.models import Unit, User
from server.models.buses import TRIP_NAMES, BusSchool, SchoolBus
from server.services import content
from server.services.checklists import require_patrol_reader

# A document ending within this many days is "expiring" (the issue: within 30 days).
EXPIRING_WITHIN = timedelta(days=30)
# The held texts of a bus (content check), masked for others until released.
SUBJECT = "school_bus"
MANAGE = "bus.manage"


def document_state(expires_on: date | None, today: date) -> str:
    """valid, expiring (ends within 30 days), expired (ended before today), or missing (no
    date)."""
    if expires_on is None:
        return "missing"
    if expires_on < today:
        return "expired"
    if expires_on <= today + EXPIRING_WITHIN:
        return "expiring"
    return "valid"


def agreement_state(bus: SchoolBus, today: date) -> str:
    """The agreement's state: missing only when neither a number nor a date is recorded (an
    agreement without an end date is valid)."""
    if bus.agreement_expires_on is None:
        return "missing" if bus.agreement_number is None else "valid"
    return document_state(bus.agreement_expires_on, today)


def month_day(day: date) -> str:
    """12月5日 (the year only when it is not this one's)."""
    return f"{day.month}月{day.day}日"


def _ending(expires_on: date, state: str) -> str:
    """到期 / 已过期 wording for a date."""
    if state == "expired":
        return f"已于{month_day(expires_on)}过期"
    return f"{month_day(expires_on)}到期"


def alerts(bus: SchoolBus, today: date) -> list[dict[str, str]]:
    """What is wrong with the bus's papers or equipment, for the board: the agreement, each
    driver's licence, the video alarm device."""
    found = []
    state = agreement_state(bus, today)
    if state == "missing":
        found.append({"kind": "agreement", "state": state, "text": "未签订安全协议"})
    elif state != "valid":
        text = "安全协议" + _ending(bus.agreement_expires_on, state)
        found.append({"kind": "agreement", "state": state, "text": text})
    for driver in bus.drivers:
        state = document_state(driver.licence_expires_on, today)
        if state in ("expiring", "expired"):
            text = f"驾驶员{driver.name}驾驶证" + _ending(driver.licence_expires_on, state)
            found.append({"kind": "licence", "state": state, "text": text})
    if not bus.video_alarm_device:
        found.append(
            {"kind": "video_alarm", "state": "missing", "text": "未安装智能视频监控报警装置"}
        )
    return found


def bus_views(buses: list[SchoolBus], viewer: User, today: date) -> list[dict[str, Any]]:
    """Buses as ``viewer`` sees them (relations loaded by the caller): a held operator or route
    masked unless they wrote it; the sticker's token only for bus.manage holders at the running
    school."""
    held = content.held_texts(SUBJECT, [bus.id for bus in buses])
    manages: dict[int, bool] = {}
    out = []
    for bus in buses:
        if bus.school_id not in manages:
            manages[bus.school_id] = access.may(viewer, MANAGE, bus.school)
        view = {
            "id": bus.id,
            "checkpoint_id": bus.checkpoint_id,
            "plate": bus.plate,
            "seats": bus.seats,
            "operator": content.shown(held, viewer.id, bus.id, "operator", bus.operator),
            "agreement": {
                "number": bus.agreement_number,
                "expires_on": bus.agreement_expires_on,
                "state": agreement_state(bus, today),
            },
            "video_alarm": {
                "device": bus.video_alarm_device,
                "fitted": bool(bus.video_alarm_device),
            },
            "route": content.shown(held, viewer.id, bus.id, "route", bus.route),
            "school": {"id": bus.school.id, "name": bus.school.name},
            "schools": [{"id": s.id, "name": s.name} for s in bus.schools],
            "trips": [
                {"code": t.code, "name": TRIP_NAMES[t.code], "departs_at": t.departs_at}
                for t in bus.trips
            ],
            "drivers": [
                {
                    "id": d.id,
                    "name": d.name,
                    "phone": d.phone,
                    "licence_no": d.licence_no,
                    "licence_expires_on": d.licence_expires_on,
                    "licence_state": document_state(d.licence_expires_on, today),
                }
                for d in bus.drivers
            ],
            "active": bus.active,
        }
        if manages[bus.school_id]:
            view["token"] = bus.checkpoint.token
        out.append(view)
    return out


def get(user: User, bus_id: int) -> SchoolBus:
    """A bus of a school where the caller patrols or watches patrols (404 when they see none of
    its schools, 403 when they see one without either capability)."""
    bus = db.session.get(SchoolBus, bus_id)
    if bus is None or not any(access.sees(user, s) for s in bus.schools):
        raise access.not_found("bus")
    for school in bus.schools:
        if access.may(user, "patrol.do", school) or access.may(user, "patrol.view", school):
            return bus
    raise access.forbidden("patrol.view")


def _with_relations():
    """The loads a bus view needs, one statement each for a whole list."""
    return (
        selectinload(SchoolBus.school),
        selectinload(SchoolBus.schools),
        selectinload(SchoolBus.drivers),
        selectinload(SchoolBus.trips),
        selectinload(SchoolBus.checkpoint),
    )


def buses_under(user: User, unit_id: int, include_inactive: bool) -> list[SchoolBus]:
    """Buses run by or serving schools at ``unit_id`` or below, by plate (active ones; retired
    ones too for bus.manage holders who ask)."""
    unit = db.session.get(Unit, unit_id)
    if unit is None:
        raise access.not_found()
    require_patrol_reader(user, unit)
    if include_inactive:
        access.require(user, MANAGE, unit)
    below = access.unit_ids_below([unit.path])
    query = (
        select(SchoolBus)
        .where(exists().where(BusSchool.bus_id == SchoolBus.id, BusSchool.school_id.in_(below)))
        .options(*_with_relations())
        .order_by(SchoolBus.plate, SchoolBus.id)
    )
    if not include_inactive:
        query = query.where(SchoolBus.active.is_(True))
    return list(db.session.scalars(query))


def active_of_school(user: User, school_id: int) -> tuple[Unit, list[SchoolBus]]:
    """The active buses a school runs, for its sticker sheet (bus.manage)."""
    school = access.load_unit(user, school_id, MANAGE)
    rows = db.session.scalars(
        select(SchoolBus)
        .where(SchoolBus.school_id == school.id, SchoolBus.active.is_(True))
        .options(selectinload(SchoolBus.checkpoint))
        .order_by(SchoolBus.plate, SchoolBus.id)
    )
    return school, list(rows)


def views(buses: list[SchoolBus], viewer: User) -> list[dict[str, Any]]:
    """Buses as the contract's Bus objects, as ``viewer`` sees them."""
    return bus_views(buses, viewer, local_today())


def view(bus: SchoolBus, viewer: User) -> dict[str, Any]:
    """One bus as ``viewer`` sees it."""
    return views([bus], viewer)[0]
