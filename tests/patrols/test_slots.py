"""Slots: which days a plan's rounds fall on, their windows as UTC instants, made once per
(plan, checkpoint, day) however often the job, a plan's own making or a second worker runs."""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta
from types import SimpleNamespace

from sqlalchemy import func, select

from server import jobs
from server.extensions import db
from server.models.patrols import PatrolSlot
from server.school_calendar import SchoolCalendar, Span
from server.services.calendars import CALENDAR_DIR, load_calendar, read_calendar_file
from server.services.patrol_slots import make_slots, runs_on, window
from tests.jobs.conftest import require_postgresql, two_workers
from tests.patrols.support_plans import DAY, local, make_checkpoint, make_plan, only_hand_made


def _plan(**changes):
    values = {"recurrence": "daily", "weekdays": [], "season_start": None, "season_end": None}
    return SimpleNamespace(**{**values, **changes})


def _days(plan, start: date, count: int, calendars=()) -> list[date]:
    days = [start + timedelta(days=i) for i in range(count)]
    return [day for day in days if runs_on(plan, day, calendars)]


def test_daily_weekdays_and_seasons():
    monday = date(2026, 6, 1)
    assert len(_days(_plan(), monday, 7)) == 7
    assert _days(_plan(recurrence="weekdays", weekdays=[1, 7]), monday, 7) == [
        monday,
        date(2026, 6, 7),
    ]
    summer = _plan(season_start="06-03", season_end="06-04")
    assert _days(summer, monday, 7) == [date(2026, 6, 3), date(2026, 6, 4)]
    winter = _plan(season_start="11-15", season_end="03-15")  # wraps the new year
    assert runs_on(winter, date(2026, 12, 31), []) and runs_on(winter, date(2027, 1, 1), [])
    assert runs_on(winter, date(2027, 3, 15), []) and not runs_on(winter, date(2027, 3, 16), [])
    assert not runs_on(winter, date(2026, 11, 14), [])


def test_school_days_follow_the_calendar_else_monday_to_friday():
    plan = _plan(recurrence="school_days")
    monday = date(2026, 6, 1)
    assert _days(plan, monday, 7) == [monday + timedelta(days=i) for i in range(5)]
    calendar = SchoolCalendar(
        code="t",
        name="t",
        terms=(Span("term", date(2026, 9, 1), date(2027, 1, 22)),),
        days_off=(Span("国庆节", date(2026, 10, 1), date(2026, 10, 7)),),
        workdays=frozenset({date(2026, 10, 10)}),
    )
    days = _days(plan, date(2026, 9, 28), 14, [calendar])
    assert date(2026, 10, 1) not in days and date(2026, 10, 10) in days
    assert date(2026, 9, 30) in days and date(2026, 10, 11) not in days


def test_the_window_is_local_time_as_utc():
    opens, closes = window(DAY, time(7, 30), time(8, 30))
    assert opens == datetime(2026, 6, 2, 23, 30, tzinfo=UTC)
    assert closes == datetime(2026, 6, 3, 0, 30, tzinfo=UTC)


def _count() -> int:
    return db.session.scalar(select(func.count()).select_from(PatrolSlot))


def test_slots_of_today_and_tomorrow_made_once(demo):
    only_hand_made()
    canteen, stairs = make_checkpoint(name="食堂"), make_checkpoint(name="楼梯")
    retired = make_checkpoint(name="旧仓库")
    retired.active = False
    db.session.commit()
    make_plan([canteen, stairs, retired])  # daily: 2 checkpoints x 2 days
    make_plan([canteen], recurrence="weekdays", weekdays=[3])  # Wednesday only (DAY)
    make_plan([stairs], active=False)
    now = local(DAY, 6)
    assert make_slots(now) == 5
    db.session.commit()
    assert make_slots(now) == 0  # the unique key skips them
    db.session.commit()
    assert _count() == 5
    # Later the same day nothing new; the next day brings the day after.
    assert make_slots(local(DAY, 23, 59)) == 0
    assert make_slots(local(DAY + timedelta(days=1), 0, 1)) == 2
    db.session.commit()
    days = db.session.scalars(select(PatrolSlot.day).distinct().order_by(PatrolSlot.day)).all()
    assert days == [DAY, DAY + timedelta(days=1), DAY + timedelta(days=2)]


def test_no_slot_is_made_after_its_window_closed(demo):
    plan = make_plan([make_checkpoint()])  # 07:30-08:30
    assert make_slots(local(DAY, 8, 30), plan_ids=[plan.id], days=1) == 0
    assert make_slots(local(DAY, 8, 29), plan_ids=[plan.id], days=1) == 1


def test_school_days_read_the_loaded_calendar(demo):
    only_hand_made()
    load_calendar(read_calendar_file(CALENDAR_DIR / "2026-2027-1.json"))
    plan = make_plan([make_checkpoint()], recurrence="school_days")
    national_day = date(2026, 10, 1)  # a Thursday, a day off
    assert make_slots(local(national_day, 6)) == 0
    makeup = date(2026, 10, 10)  # a Saturday made a working day
    assert make_slots(local(makeup, 6), plan_ids=[plan.id], days=1) == 1
    db.session.commit()
    assert db.session.scalar(select(PatrolSlot.day)) == makeup


def test_the_job_claims_its_period(demo):
    only_hand_made()
    make_plan([make_checkpoint()])
    made = jobs.make_patrol_slots.call_local()
    assert made in (1, 2)  # today's, and tomorrow's unless the plan's season says otherwise
    assert jobs.make_patrol_slots.call_local() is None  # another worker's period


def test_two_workers_make_each_slot_once(demo):
    only_hand_made()
    require_postgresql()
    checkpoints = [make_checkpoint(name=f"点位{i}") for i in range(6)]
    for i in range(5):
        make_plan(checkpoints, name=f"计划{i}")
    now = local(DAY, 6)

    def job() -> int:
        made = make_slots(now)
        db.session.commit()
        return made

    made = two_workers(demo, job)
    assert sum(made) == 5 * 6 * 2 == _count()
