"""The year's visit windows of the dangerous water points (pure, no Flask).

A water point is visited once per window. How long a window is comes from the year's schedule
file ``server/data/water_schedules/<year>.json``::

    {"format": 1, "year": 2026, "every_days": 14, "default_name": "平时",
     "periods": [{"code": "flood", "name": "汛期", "start": "2026-06-01", "end": "2026-09-30",
                  "every_days": 7}, ...]}

On a day inside one or more periods the tightest (fewest days) wins, the first in the file on a
tie; on any other day the year's ``every_days`` applies under ``default_name``. The year is cut
into runs of days under the same period; each run is cut into windows of its ``every_days``
from its first day, the last one shorter when the run ends. So a new period starts a new
window, and no window crosses a period's boundary or the year's end.

A year without a file uses windows of DEFAULT_EVERY_DAYS (14) days all year under "平时", so
visits never stop when nobody wrote next year's file (write it before 1 January to get the flood
season and the summer holiday).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, timedelta
from functools import lru_cache
from pathlib import Path
from typing import Any

from server.year_files import read_year_file

SCHEDULE_DIR = Path(__file__).resolve().parent / "data" / "water_schedules"
DEFAULT_EVERY_DAYS = 14
DEFAULT_NAME = "平时"
# The code of the days outside every period (a period may not use it).
DEFAULT_CODE = "regular"
MAX_EVERY_DAYS = 92
MAX_PERIODS = 20
CODE_PATTERN = re.compile(r"^[a-z][a-z0-9_]{0,19}$")


class ScheduleError(ValueError):
    """A schedule file that cannot be used, with what is wrong in it."""


@dataclass(frozen=True)
class Period:
    """A stretch of the year with its own window length (the flood season, the holiday)."""

    code: str
    name: str
    start: date
    end: date
    every_days: int


@dataclass(frozen=True)
class Schedule:
    """One year's schedule: the default window length and the periods."""

    year: int
    every_days: int
    default_name: str
    periods: tuple[Period, ...] = ()


@dataclass(frozen=True)
class Window:
    """A visit window: its first and last day (both included) and the period it belongs to."""

    first: date
    last: date
    period_code: str
    period_name: str
    every_days: int

    def covers(self, day: date) -> bool:
        """Whether ``day`` falls inside the window."""
        return self.first <= day <= self.last


def _every_days(value: Any, where: str) -> int:
    """A window length: a whole number of days, 1 .. MAX_EVERY_DAYS."""
    if isinstance(value, bool) or not isinstance(value, int) or not 1 <= value <= MAX_EVERY_DAYS:
        raise ScheduleError(
            f"{where}: every_days must be a whole number from 1 to {MAX_EVERY_DAYS}"
        )
    return value


def _name(value: Any, where: str) -> str:
    """A period's name: non-empty text of at most 20 characters."""
    if not isinstance(value, str) or not value.strip() or len(value.strip()) > 20:
        raise ScheduleError(f"{where}: name must be text of 1 to 20 characters")
    return value.strip()


def _day(value: Any, year: int, where: str) -> date:
    """A date of the schedule's year, written YYYY-MM-DD."""
    try:
        day = date.fromisoformat(value) if isinstance(value, str) else None
    except ValueError:
        day = None
    if day is None or len(value) != 10:
        raise ScheduleError(f"{where}: {value!r} is not a date (YYYY-MM-DD)")
    if day.year != year:
        raise ScheduleError(f"{where}: {value} is not in {year}")
    return day


def _period(raw: Any, year: int, index: int, seen: set[str]) -> Period:
    """One period of the file, checked."""
    where = f"periods[{index}]"
    if not isinstance(raw, dict):
        raise ScheduleError(f"{where}: must be an object")
    unknown = sorted(set(raw) - {"code", "name", "start", "end", "every_days"})
    if unknown:
        raise ScheduleError(f"{where}: unknown keys {', '.join(unknown)}")
    code = raw.get("code")
    if not isinstance(code, str) or not CODE_PATTERN.match(code) or code == DEFAULT_CODE:
        raise ScheduleError(
            f"{where}: code must be lower-case letters, digits or _ (not {DEFAULT_CODE!r})"
        )
    if code in seen:
        raise ScheduleError(f"{where}: code {code!r} repeats")
    seen.add(code)
    start = _day(raw.get("start"), year, f"{where}.start")
    end = _day(raw.get("end"), year, f"{where}.end")
    if end < start:
        raise ScheduleError(f"{where}: end {end} is before start {start}")
    return Period(
        code, _name(raw.get("name"), where), start, end, _every_days(raw.get("every_days"), where)
    )


def parse_schedule(raw: Any, year: int | None = None) -> Schedule:
    """A schedule from a file's JSON, every rule checked (``ScheduleError`` naming the problem);
    ``year``, when given, must be the file's."""
    if not isinstance(raw, dict):
        raise ScheduleError("the schedule must be a JSON object")
    if raw.get("format") != 1:
        raise ScheduleError("format must be 1")
    unknown = sorted(set(raw) - {"format", "year", "every_days", "default_name", "periods"})
    if unknown:
        raise ScheduleError(f"unknown keys {', '.join(unknown)}")
    file_year = raw.get("year")
    if (
        isinstance(file_year, bool)
        or not isinstance(file_year, int)
        or not 2000 <= file_year <= 2100
    ):
        raise ScheduleError("year must be a year from 2000 to 2100")
    if year is not None and file_year != year:
        raise ScheduleError(f"year {file_year} does not match the file's name ({year})")
    periods = raw.get("periods", [])
    if not isinstance(periods, list) or len(periods) > MAX_PERIODS:
        raise ScheduleError(f"periods must be a list of at most {MAX_PERIODS}")
    seen: set[str] = set()
    return Schedule(
        year=file_year,
        every_days=_every_days(raw.get("every_days", DEFAULT_EVERY_DAYS), "every_days"),
        default_name=_name(raw.get("default_name", DEFAULT_NAME), "default_name"),
        periods=tuple(_period(p, file_year, i, seen) for i, p in enumerate(periods)),
    )


def read_schedule(path: Path) -> Schedule:
    """The schedule in a file named ``<year>.json``; ``ScheduleError`` with the file's name."""
    return read_year_file(path, parse_schedule, ScheduleError)


@lru_cache(maxsize=16)
def schedule_for(year: int, directory: Path = SCHEDULE_DIR) -> Schedule:
    """The year's schedule from its file; without a file, DEFAULT_EVERY_DAYS all year."""
    path = directory / f"{year}.json"
    if not path.exists():
        return Schedule(year, DEFAULT_EVERY_DAYS, DEFAULT_NAME)
    return read_schedule(path)


def _regime(schedule: Schedule, day: date) -> tuple[str, str, int]:
    """(code, name, every_days) in force on ``day``: the tightest period holding it (the first
    in the file on a tie), else the year's default."""
    best: Period | None = None
    for period in schedule.periods:
        if period.start <= day <= period.end and (
            best is None or period.every_days < best.every_days
        ):
            best = period
    if best is None:
        return DEFAULT_CODE, schedule.default_name, schedule.every_days
    return best.code, best.name, best.every_days


@lru_cache(maxsize=16)
def year_windows(schedule: Schedule) -> tuple[Window, ...]:
    """Every window of the schedule's year, in order, covering each day once."""
    windows: list[Window] = []
    day, end = date(schedule.year, 1, 1), date(schedule.year, 12, 31)
    while day <= end:
        code, name, every = _regime(schedule, day)
        # The run of days under this period, cut at the next change or the year's end.
        last = day
        limit = min(end, day + timedelta(days=every - 1))
        while last < limit and _regime(schedule, last + timedelta(days=1))[0] == code:
            last += timedelta(days=1)
        windows.append(Window(day, last, code, name, every))
        day = last + timedelta(days=1)
    return tuple(windows)


def window_containing(day: date, directory: Path = SCHEDULE_DIR) -> Window:
    """The window holding ``day`` (by its year's schedule)."""
    for window in year_windows(schedule_for(day.year, directory)):
        if window.covers(day):
            return window
    raise AssertionError(f"no window holds {day}")  # the year's windows cover every day


def windows_overlapping(start: date, end: date, directory: Path = SCHEDULE_DIR) -> list[Window]:
    """The windows sharing at least a day with ``start`` .. ``end`` (both included), in order."""
    found: list[Window] = []
    for year in range(start.year, end.year + 1):
        found += [
            w
            for w in year_windows(schedule_for(year, directory))
            if w.last >= start and w.first <= end
        ]
    return found
