"""Which days are school days: a school-year calendar as data (terms, breaks, days off and the
make-up working days of 调休), and the rule that reads it. Pure: no Flask, no database.

A day is a school day when it lies in a term, is not in a break or a day off, and is a weekday
or a make-up working day (a Saturday or Sunday the State Council's holiday arrangement makes a
working day). With no calendar covering a day, school days are Monday to Friday.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date


@dataclass(frozen=True)
class Span:
    """A named run of days, both ends included."""

    name: str
    starts_on: date
    ends_on: date

    def __contains__(self, day: date) -> bool:
        return self.starts_on <= day <= self.ends_on


@dataclass(frozen=True)
class SchoolCalendar:
    """One calendar file: its terms, breaks, days off and make-up working days."""

    code: str
    name: str
    terms: tuple[Span, ...]
    breaks: tuple[Span, ...] = ()
    days_off: tuple[Span, ...] = ()
    workdays: frozenset[date] = frozenset()

    @property
    def starts_on(self) -> date:
        """The first day the calendar speaks for."""
        return min(span.starts_on for span in (*self.terms, *self.breaks))

    @property
    def ends_on(self) -> date:
        """The last day the calendar speaks for."""
        return max(span.ends_on for span in (*self.terms, *self.breaks))

    def covers(self, day: date) -> bool:
        """Whether this calendar says anything about ``day``."""
        return self.starts_on <= day <= self.ends_on

    def is_school_day(self, day: date) -> bool:
        """Whether pupils are at school on ``day`` (the calendar must cover it)."""
        if not any(day in term for term in self.terms):
            return False
        if any(day in span for span in (*self.breaks, *self.days_off)):
            return False
        return day.weekday() < 5 or day in self.workdays


def is_school_day(day: date, calendars: Iterable[SchoolCalendar]) -> bool:
    """The school-day rule with the calendars loaded: the one covering ``day`` decides (the
    latest loaded wins where two overlap), else Monday to Friday."""
    covering = [cal for cal in calendars if cal.covers(day)]
    if covering:
        return covering[-1].is_school_day(day)
    return day.weekday() < 5
