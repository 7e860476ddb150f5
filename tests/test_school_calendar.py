"""The school-day rule: terms, breaks, days off and make-up working days (调休)."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest

from server.school_calendar import SchoolCalendar, Span, is_school_day
from server.services.calendars import CALENDAR_DIR, CalendarFileError, read_calendar_file

AUTUMN = SchoolCalendar(
    code="t",
    name="第一学期",
    terms=(Span("第一学期", date(2026, 9, 1), date(2027, 1, 22)),),
    breaks=(Span("寒假", date(2027, 1, 23), date(2027, 2, 24)),),
    days_off=(Span("国庆节", date(2026, 10, 1), date(2026, 10, 7)),),
    workdays=frozenset({date(2026, 10, 10)}),
)


@pytest.mark.parametrize(
    ("day", "expected"),
    [
        (date(2026, 9, 1), True),  # a Tuesday in term
        (date(2026, 9, 5), False),  # a Saturday
        (date(2026, 10, 1), False),  # National Day
        (date(2026, 10, 7), False),  # last day off
        (date(2026, 10, 8), True),  # back at school
        (date(2026, 10, 10), True),  # a Saturday made a working day (调休)
        (date(2027, 1, 25), False),  # a Monday in the winter break
        (date(2026, 8, 31), False),  # a Monday before the term, within no calendar below
    ],
)
def test_school_days(day, expected):
    if day < AUTUMN.starts_on:
        # Outside every calendar: Monday to Friday.
        assert is_school_day(day, [AUTUMN]) is (day.weekday() < 5)
        return
    assert is_school_day(day, [AUTUMN]) is expected


def test_without_calendars_school_days_are_weekdays():
    assert is_school_day(date(2026, 10, 1), []) is True  # a Thursday
    assert is_school_day(date(2026, 10, 10), []) is False  # a Saturday


def test_the_shipped_calendar_loads_and_makes_sense():
    for path in sorted(CALENDAR_DIR.glob("*.json")):
        data = read_calendar_file(path)
        assert data["terms"] and all(day.weekday() >= 5 for day in data["workdays"])


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"workdays": ["2026-10-12"]}, "Saturday or Sunday"),  # a Monday
        (
            {"breaks": [{"name": "寒假", "starts_on": "2027-01-10", "ends_on": "2027-02-01"}]},
            "overlaps",
        ),
        (
            {"days_off": [{"name": "x", "starts_on": "2027-03-01", "ends_on": "2027-03-02"}]},
            "within",
        ),
        ({"terms": [{"name": "t", "starts_on": "2026-09-10", "ends_on": "2026-09-01"}]}, "before"),
        ({"format": 2}, "format"),
    ],
)
def test_bad_calendar_files_are_refused_with_the_reason(tmp_path: Path, change, message):
    import json

    base = json.loads((CALENDAR_DIR / "2026-2027-1.json").read_text(encoding="utf-8"))
    path = tmp_path / "bad.json"
    path.write_text(json.dumps({**base, **change}, ensure_ascii=False), encoding="utf-8")
    with pytest.raises(CalendarFileError, match=message):
        read_calendar_file(path)
