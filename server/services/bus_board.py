"""Today's board of a school's buses (校车, the issue's "Today's board for the school"): each
bus with its papers' alerts and each trip of the day with its state, read in a fixed number of
statements whatever the number of buses (buses, their trips and drivers, the day's slots, their
rounds with inspectors and answers).

A trip's state on the day: ``none`` (no inspection due: not a school day, or the trip was added
after its departure); ``pending`` (not inspected, departure not passed); ``missed`` (departure
passed with no inspection); ``cleared`` (inspected in its window, nothing failed); ``late``
(inspected after departure, nothing failed); ``failed`` (an item failed: the bus is not cleared
for the trip, and one inspection per trip means it stays so).
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from sqlalchemy import exists, select
from sqlalchemy.orm import selectinload

from server import access
from server.clock import local_today
from server.extensions import db
from server.models import Unit, User, utcnow
from server.models.buses import TRIP_NAMES, BusSchool, BusTrip, SchoolBus
from server.models.patrols import (
    FAIL,
    SLOT_DONE,
    SLOT_LATE,
    SLOT_MISSED,
    Patrol,
    PatrolAnswer,
    PatrolSlot,
)
from server.services.bus_views import alerts
from server.services.checklists import require_patrol_reader
from server.services.patrol_slots import window

STATES = ("cleared", "failed", "pending", "missed", "late")


def _buses(school: Unit) -> list[SchoolBus]:
    """The active buses serving the school, by plate, with trips and drivers."""
    return list(
        db.session.scalars(
            select(SchoolBus)
            .where(
                SchoolBus.active.is_(True),
                exists().where(BusSchool.bus_id == SchoolBus.id, BusSchool.school_id == school.id),
            )
            .options(
                selectinload(SchoolBus.trips).selectinload(BusTrip.plan),
                selectinload(SchoolBus.drivers),
            )
            .order_by(SchoolBus.plate, SchoolBus.id)
        )
    )


def _slots(plan_ids: list[int], day: date) -> dict[int, PatrolSlot]:
    """The day's slot of each trip plan (a trip plan has one checkpoint: one slot a day)."""
    if not plan_ids:
        return {}
    rows = db.session.scalars(
        select(PatrolSlot)
        .where(PatrolSlot.plan_id.in_(plan_ids), PatrolSlot.day == day)
        .order_by(PatrolSlot.id)
    )
    return {slot.plan_id: slot for slot in rows}


def _rounds(slot_ids: list[int]) -> dict[int, Patrol]:
    """The round that fulfilled each slot, with its inspector and answers' items."""
    if not slot_ids:
        return {}
    rows = db.session.scalars(
        select(Patrol)
        .where(Patrol.slot_id.in_(slot_ids))
        .options(
            selectinload(Patrol.user),
            selectinload(Patrol.answers).selectinload(PatrolAnswer.item),
        )
        .order_by(Patrol.id)
    )
    return {patrol.slot_id: patrol for patrol in rows}


def trip_state(slot: PatrolSlot | None, patrol: Patrol | None, now: datetime) -> str:
    """The trip's state (see the module's docstring)."""
    if slot is None:
        return "none"
    if slot.status in (SLOT_DONE, SLOT_LATE):
        if patrol is not None and any(a.answer == FAIL for a in patrol.answers):
            return "failed"
        return "late" if slot.status == SLOT_LATE else "cleared"
    if slot.status == SLOT_MISSED or slot.closes_at <= now:
        return "missed"
    return "pending"


def _trip(trip: BusTrip, day: date, slot, patrol, now: datetime) -> dict[str, Any]:
    """One trip of the board."""
    if slot is not None:
        opens_at, closes_at = slot.opens_at, slot.closes_at
    else:
        opens_at, closes_at = window(day, trip.plan.window_start, trip.plan.window_end)
    failed = [a for a in patrol.answers if a.answer == FAIL] if patrol is not None else []
    return {
        "code": trip.code,
        "name": TRIP_NAMES[trip.code],
        "departs_at": trip.departs_at,
        "slot_id": slot.id if slot is not None else None,
        "opens_at": opens_at,
        "closes_at": closes_at,
        "state": trip_state(slot, patrol, now),
        "patrol_id": patrol.id if patrol is not None else None,
        "inspector": (
            {"id": patrol.user.id, "name": patrol.user.display_name} if patrol is not None else None
        ),
        "inspected_at": patrol.scanned_at if patrol is not None else None,
        "failed_items": [
            {"code": a.item.code, "text": a.item.text, "hazard_id": a.hazard_id} for a in failed
        ],
    }


def board(user: User, school_id: int, day: date | None = None) -> dict[str, Any]:
    """``GET /buses/board``: the school's buses and trips on ``day`` (today, China time, by
    default), for those who patrol or watch patrols at the school."""
    school = db.session.get(Unit, school_id)
    if school is None:
        raise access.not_found("school")
    require_patrol_reader(user, school)
    day = day or local_today()
    now = utcnow()
    buses = _buses(school)
    trips = [trip for bus in buses for trip in bus.trips]
    slots = _slots([trip.plan_id for trip in trips], day)
    rounds = _rounds([slot.id for slot in slots.values()])
    counts = dict.fromkeys(STATES, 0)
    out = []
    for bus in buses:
        rows = []
        for trip in bus.trips:
            slot = slots.get(trip.plan_id)
            row = _trip(trip, day, slot, rounds.get(slot.id) if slot else None, now)
            if row["state"] in counts:
                counts[row["state"]] += 1
            rows.append(row)
        out.append(
            {
                "bus": {"id": bus.id, "plate": bus.plate, "seats": bus.seats},
                "checkpoint_id": bus.checkpoint_id,
                "alerts": alerts(bus, day),
                "trips": rows,
            }
        )
    return {
        "day": day,
        "school": {"id": school.id, "name": school.name},
        "counts": counts,
        "buses": out,
    }
