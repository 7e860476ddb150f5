"""The year's visit windows (pure: no database): tighter in the flood season and tighter still in
the summer holiday, a new window at each period's start, none across a boundary or the year's end,
14 days all year without a file, and clear errors for a bad file."""

from __future__ import annotations

import itertools
import json
from datetime import date, timedelta

import pytest

from server.water_schedule import (
    SCHEDULE_DIR,
    ScheduleError,
    parse_schedule,
    read_schedule,
    schedule_for,
    window_containing,
    windows_overlapping,
    year_windows,
)


def _span(window) -> tuple[date, date, str]:
    return window.first, window.last, window.period_name


def test_windows_tighten_in_the_flood_season_and_the_summer_holiday():
    assert _span(window_containing(date(2026, 3, 1))) == (
        date(2026, 2, 26), date(2026, 3, 11), "平时",
    )  # fmt: skip
    # 14 days until the flood season begins: the last regular window is cut short at its start.
    assert _span(window_containing(date(2026, 5, 31))) == (
        date(2026, 5, 21), date(2026, 5, 31), "平时",
    )  # fmt: skip
    assert _span(window_containing(date(2026, 6, 1))) == (
        date(2026, 6, 1),
        date(2026, 6, 7),
        "汛期",
    )
    assert _span(window_containing(date(2026, 6, 10))) == (
        date(2026, 6, 8), date(2026, 6, 14), "汛期",
    )  # fmt: skip
    # The summer holiday inside the flood season: 3 days, the tighter one wins.
    assert _span(window_containing(date(2026, 7, 10))) == (
        date(2026, 7, 6), date(2026, 7, 10), "汛期",
    )  # fmt: skip
    assert _span(window_containing(date(2026, 7, 11))) == (
        date(2026, 7, 11), date(2026, 7, 13), "暑假",
    )  # fmt: skip
    assert _span(window_containing(date(2026, 8, 31)))[2] == "暑假"
    # After the holiday the flood season again, from a new window.
    assert _span(window_containing(date(2026, 9, 1))) == (
        date(2026, 9, 1),
        date(2026, 9, 7),
        "汛期",
    )
    assert _span(window_containing(date(2026, 10, 1)))[2] == "平时"


def test_windows_cover_each_day_once_and_never_cross_a_boundary():
    for year in (2026, 2027, 2031):
        windows = year_windows(schedule_for(year))
        assert windows[0].first == date(year, 1, 1) and windows[-1].last == date(year, 12, 31)
        for before, after in itertools.pairwise(windows):
            assert after.first == before.last + timedelta(days=1)
        for window in windows:
            assert (window.last - window.first).days < window.every_days
            # Every day of a window is under the window's period.
            day = window.first
            while day <= window.last:
                assert window_containing(day) == window
                day += timedelta(days=1)
    summer = [w for w in year_windows(schedule_for(2026)) if w.period_code == "summer"]
    assert summer[0].first == date(2026, 7, 11) and summer[-1].last == date(2026, 8, 31)
    assert all((w.last - w.first).days <= 2 for w in summer)


def test_a_year_without_a_file_has_14_days_all_year(tmp_path):
    assert not (SCHEDULE_DIR / "2031.json").exists()
    windows = year_windows(schedule_for(2031))
    assert {w.period_name for w in windows} == {"平时"}
    assert _span(windows[0]) == (date(2031, 1, 1), date(2031, 1, 14), "平时")
    assert _span(windows[-1])[1] == date(2031, 12, 31)
    assert schedule_for(2026, tmp_path).periods == ()  # an empty folder: the default too


def test_windows_overlapping_a_span_cross_the_new_year():
    found = windows_overlapping(date(2026, 12, 25), date(2027, 1, 20))
    assert [w.first for w in found] == [
        date(2026, 12, 24), date(2027, 1, 1), date(2027, 1, 15),
    ]  # fmt: skip
    assert found[0].last == date(2026, 12, 31)  # cut at the year's end


def test_the_shipped_files_load():
    for year in (2026, 2027):
        schedule = read_schedule(SCHEDULE_DIR / f"{year}.json")
        assert schedule.year == year and schedule.every_days == 14
        assert [p.name for p in schedule.periods] == ["汛期", "暑假"]


GOOD = {
    "format": 1,
    "year": 2026,
    "every_days": 14,
    "default_name": "平时",
    "periods": [
        {
            "code": "flood",
            "name": "汛期",
            "start": "2026-06-01",
            "end": "2026-09-30",
            "every_days": 7,
        }
    ],
}


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"format": 2}, "format must be 1"),
        ({"year": 1999}, "year must be"),
        ({"every_days": 0}, "every_days"),
        ({"every_days": True}, "every_days"),
        ({"colour": "red"}, "unknown keys colour"),
        ({"periods": {}}, "periods must be a list"),
        ({"periods": [{**GOOD["periods"][0], "end": "2026-05-01"}]}, "is before start"),
        ({"periods": [{**GOOD["periods"][0], "start": "2027-06-01"}]}, "is not in 2026"),
        ({"periods": [{**GOOD["periods"][0], "start": "2026-06-31"}]}, "is not a date"),
        ({"periods": [{**GOOD["periods"][0], "code": "Flood!"}]}, "code must be"),
        ({"periods": [{**GOOD["periods"][0], "code": "regular"}]}, "code must be"),
        ({"periods": [GOOD["periods"][0], GOOD["periods"][0]]}, "repeats"),
        ({"periods": [{**GOOD["periods"][0], "name": ""}]}, "name must be"),
        ({"periods": [{**GOOD["periods"][0], "every_days": 100}]}, "every_days"),
        ({"periods": [{**GOOD["periods"][0], "when": "always"}]}, "unknown keys when"),
    ],
)
def test_a_bad_schedule_is_refused_with_what_is_wrong(change, message):
    with pytest.raises(ScheduleError, match=message):
        parse_schedule({**GOOD, **change})


def test_a_file_whose_year_is_not_its_name_is_refused(tmp_path):
    path = tmp_path / "2027.json"
    path.write_text(json.dumps(GOOD), encoding="utf-8")
    with pytest.raises(ScheduleError, match=r"2027\.json: year 2026 does not match"):
        read_schedule(path)
    (tmp_path / "2028.json").write_text("{not json", encoding="utf-8")
    with pytest.raises(ScheduleError, match=r"2028\.json: cannot read JSON"):
        read_schedule(tmp_path / "2028.json")
