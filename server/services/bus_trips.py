"""The patrol plan each bus trip keeps (``PatrolPlan.managed_by == "bus"``): the trip's
pre-trip inspection on the school's school days, by the bus inspectors of the running school,
in the 90 minutes before departure; reminded 15 minutes before the window opens, and a missed
trip told to the school's safety officer at the first miss (``escalate_after_misses`` 1).

Plans change with their bus and trip in the caller's transaction: a new trip makes its plan and
today's (and tomorrow's) slots at once; a changed departure drops the open slots not yet closed
(a round under way keeps its slot) and makes them again; a removed trip or a retired bus
deactivates its plans the same way. History (done, late, missed slots) stays.
"""

from __future__ import annotations

from datetime import date, datetime, time, timedelta

from sqlalchemy import delete, select

from server.errors import ApiError
from server.extensions import db
from server.models import User
from server.models.buses import TRIP_NAMES, BusTrip, SchoolBus
from server.models.patrols import PatrolPlan

# The patrol engine's own step for a changed or deleted plan: drop the open slots not yet
# closed that no round points at.
from server.services.patrol_plans import _drop_open_slots as drop_open_slots
from server.services.patrol_slots import make_slots

TEMPLATE = "bus_pretrip"
INSPECTOR_ROLE = "bus_inspector"
WINDOW = timedelta(minutes=90)
REMIND_MINUTES = 15
# Departures before this leave no window on the same day (the window would start yesterday).
EARLIEST_DEPARTURE = time(1, 30)


def window_of(departs_at: time) -> tuple[time, time]:
    """The inspection window: 90 minutes before departure until departure (local time)."""
    start = datetime.combine(date(2000, 1, 1), departs_at) - WINDOW
    return start.time(), departs_at


def check_trips(trips: list[dict]) -> None:
    """1-3 trips, each code once, each leaving late enough for its window to fit the day."""
    codes = [trip["code"] for trip in trips]
    if len(set(codes)) != len(codes):
        raise ApiError(
            422, "validation_error", "Each trip once.", {"trips": ["A trip code is repeated."]}
        )
    for trip in trips:
        if trip["departs_at"] < EARLIEST_DEPARTURE:
            raise ApiError(
                422,
                "validation_error",
                "A trip leaves at 01:30 or later.",
                {"trips": ["departs_at must be 01:30 or later."]},
            )


def _trips(bus: SchoolBus) -> list[BusTrip]:
    """The bus's trips as rows (the relationship is read-only and may be stale mid-change)."""
    return list(
        db.session.scalars(select(BusTrip).where(BusTrip.bus_id == bus.id).order_by(BusTrip.id))
    )


def plan_name(bus: SchoolBus, code: str) -> str:
    """皖L12345 早班."""
    return f"{bus.plate} {TRIP_NAMES[code]}"


def _new_plan(bus: SchoolBus, code: str, departs_at: time, user: User) -> PatrolPlan:
    """The trip's plan (added and flushed, with the bus's checkpoint)."""
    start, end = window_of(departs_at)
    plan = PatrolPlan(
        school_id=bus.school_id,
        name=plan_name(bus, code),
        template_code=TEMPLATE,
        assignee_user_id=None,
        assignee_role=INSPECTOR_ROLE,
        recurrence="school_days",
        weekdays=[],
        window_start=start,
        window_end=end,
        remind_minutes_before=REMIND_MINUTES,
        escalate_after_misses=1,
        active=bus.active,
        managed_by="bus",
        created_by_id=user.id,
    )
    plan.checkpoints = [bus.checkpoint]
    db.session.add(plan)
    db.session.flush()
    return plan


def sync_trips(bus: SchoolBus, trips: list[dict], user: User, now: datetime) -> None:
    """Make the bus's trips what ``trips`` says (by code): new ones get a plan, changed
    departures get a new window and their open slots remade, removed ones end their plan.
    Then today's and tomorrow's slots of the bus's plans. The caller commits."""
    check_trips(trips)
    existing = {trip.code: trip for trip in _trips(bus)}
    wanted = {trip["code"]: trip["departs_at"] for trip in trips}
    for code, trip in existing.items():
        if code not in wanted:
            trip.plan.active = False
            drop_open_slots(trip.plan_id, now)
            db.session.execute(delete(BusTrip).where(BusTrip.id == trip.id))
        elif trip.departs_at != wanted[code]:
            trip.departs_at = wanted[code]
            trip.plan.window_start, trip.plan.window_end = window_of(wanted[code])
            db.session.flush()
            drop_open_slots(trip.plan_id, now)
    for code, departs_at in wanted.items():
        if code not in existing:
            plan = _new_plan(bus, code, departs_at, user)
            db.session.add(BusTrip(bus_id=bus.id, code=code, departs_at=departs_at, plan=plan))
    db.session.flush()
    refresh_slots(bus, now)


def refresh_slots(bus: SchoolBus, now: datetime) -> None:
    """Today's and tomorrow's slots of the bus's active trip plans (made once each)."""
    plan_ids = [trip.plan_id for trip in _trips(bus)]
    if plan_ids and bus.active:
        make_slots(now, plan_ids=plan_ids, days=2)


def rename_plans(bus: SchoolBus) -> None:
    """A changed plate renames the trips' plans."""
    for trip in _trips(bus):
        trip.plan.name = plan_name(bus, trip.code)


def set_active(bus: SchoolBus, active: bool, now: datetime) -> None:
    """Retire (no new slots; open ones not yet closed dropped) or bring back the trips' plans."""
    for trip in _trips(bus):
        trip.plan.active = active
        if not active:
            db.session.flush()
            drop_open_slots(trip.plan_id, now)
    db.session.flush()
    if active:
        refresh_slots(bus, now)
