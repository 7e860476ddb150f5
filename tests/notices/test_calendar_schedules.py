"""Schedules on "school days" follow the loaded school calendar: no reminder on National Day,
one on the Saturday made a working day, none in the winter break."""

from __future__ import annotations

from datetime import date, datetime

from server.clock import CHINA_TZ
from server.models import ScheduledPush
from server.services.calendars import loaded_calendars
from server.services.schedules import next_run


def _firings(schedule, start, count):
    """The next ``count`` firing dates (China time) after ``start``."""
    days, moment, calendars = [], start, loaded_calendars()
    for _ in range(count):
        moment = next_run(schedule, moment, calendars)
        days.append(moment.astimezone(CHINA_TZ).date())
    return days


def _school_days_schedule():
    return ScheduledPush(
        name="晨检提醒",
        unit_id=1,
        audience={"roles": ["teacher"]},
        template_key="task_reminder",
        title="晨检",
        body="请完成晨检",
        recurrence="school_days",
        time_of_day="07:30",
        starts_on=date(2026, 9, 1),
    )


def test_school_days_follow_the_calendar(app, runner):
    result = runner.invoke(args=["calendar", "load"])
    assert result.exit_code == 0, result.output
    schedule = _school_days_schedule()
    start = datetime(2026, 9, 29, 0, 0, tzinfo=CHINA_TZ)  # a Tuesday, before 07:30
    assert _firings(schedule, start, 3) == [
        date(2026, 9, 29),
        date(2026, 9, 30),
        date(2026, 10, 8),  # 1-7 October off
    ]
    assert date(2026, 10, 10) in _firings(schedule, start, 5)  # the make-up Saturday
    # The last school day of the term, then the next calendar's term (none loaded: weekdays).
    after_term = _firings(schedule, datetime(2027, 1, 22, 0, 0, tzinfo=CHINA_TZ), 2)
    assert after_term == [date(2027, 1, 22), date(2027, 2, 25)]


def test_without_a_calendar_school_days_are_weekdays(app):
    schedule = _school_days_schedule()
    start = datetime(2026, 9, 30, 0, 0, tzinfo=CHINA_TZ)
    assert _firings(schedule, start, 2) == [date(2026, 9, 30), date(2026, 10, 1)]


def test_the_calendar_cli_reports_bad_files(app, runner, tmp_path):
    bad = tmp_path / "bad.json"
    bad.write_text('{"format": 1}', encoding="utf-8")
    result = runner.invoke(args=["calendar", "load", str(bad)])
    assert result.exit_code != 0 and "bad.json" in result.output
    assert runner.invoke(args=["calendar", "list"]).output == ""
