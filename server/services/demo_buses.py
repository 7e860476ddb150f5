"""The demo school's two buses (校车): 符离中心小学 runs both, each with a morning trip at 07:10
and an afternoon trip at 16:40 inspected by its bus inspector (the demo's 郑师傅); the first
bus's safety agreement ends next week, so the documents job raises a hazard for it and the
board shows the alert."""

from __future__ import annotations

from datetime import time, timedelta

from sqlalchemy import select

from server.clock import local_today
from server.extensions import db
from server.models import RoleGrant, Unit, User, utcnow
from server.models.buses import BusDriver, BusSchool, SchoolBus
from server.models.patrols import BUS, Checkpoint
from server.services import bus_trips
from server.services.checkpoints import new_token

SCHOOL_CODE = "YQ101"
TRIPS = [
    {"code": "morning", "departs_at": time(7, 10)},
    {"code": "afternoon", "departs_at": time(16, 40)},
]
# plate, seats, operator, agreement number, days until the agreement ends, device, route,
# driver (name, phone, licence number, days until the licence ends)
BUSES = [
    (
        "皖L12345",
        35,
        "宿州平安校车公司",
        "XC-2026-01",
        7,
        "海康 DS-MP5604",
        "符离镇—张庄—李圩",
        ("王建国", "13800000001", "341302198001010011", 900),
    ),
    (
        "皖L67890",
        19,
        "宿州平安校车公司",
        "XC-2026-02",
        400,
        "海康 DS-MP5604",
        "符离镇—周庄",
        ("李卫东", "13800000002", "341302198202020022", 700),
    ),
]
INSPECTOR_NAME = "郑师傅(校车检查)"


def _inspector(school: Unit) -> None:
    """A bus inspector at the school, unless the demo has one already."""
    held = db.session.scalars(
        select(RoleGrant.id).where(
            RoleGrant.unit_id == school.id, RoleGrant.role == bus_trips.INSPECTOR_ROLE
        )
    ).first()
    if held is None:
        user = User(openid="demo-bus_inspector", display_name=INSPECTOR_NAME)
        db.session.add(user)
        db.session.flush()
        db.session.add(RoleGrant(user_id=user.id, role=bus_trips.INSPECTOR_ROLE, unit_id=school.id))


def seed_buses(officer: User) -> None:
    """The demo buses with their checkpoints, drivers and trip plans (today's slots made); the
    caller commits."""
    school = db.session.scalars(select(Unit).where(Unit.code == SCHOOL_CODE)).one()
    _inspector(school)
    today = local_today()
    for plate, seats, operator, number, days, device, route, driver in BUSES:
        checkpoint = Checkpoint(
            school_id=school.id,
            name=f"校车{plate}",
            kind=BUS,
            lat=school.campus_center_lat or 0.0,
            lng=school.campus_center_lng or 0.0,
            coord_system=school.campus_coord_system or "gcj02",
            radius_m=50,
            template_codes=[bus_trips.TEMPLATE],
            token=new_token(),
            active=True,
            created_by_id=officer.id,
        )
        bus = SchoolBus(
            school_id=school.id,
            checkpoint=checkpoint,
            plate=plate,
            seats=seats,
            operator=operator,
            agreement_number=number,
            agreement_expires_on=today + timedelta(days=days),
            video_alarm_device=device,
            route=route,
            active=True,
            created_by_id=officer.id,
        )
        db.session.add(bus)
        db.session.flush()
        db.session.add(BusSchool(bus_id=bus.id, school_id=school.id))
        name, phone, licence, licence_days = driver
        db.session.add(
            BusDriver(
                bus_id=bus.id,
                position=0,
                name=name,
                phone=phone,
                licence_no=licence,
                licence_expires_on=today + timedelta(days=licence_days),
            )
        )
        bus_trips.sync_trips(bus, TRIPS, officer, utcnow())
