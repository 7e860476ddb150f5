"""School-year calendars are data: a JSON file per term or year (``server/data/calendars/``),
checked and loaded by ``flask calendar load``; schedules' "school days" follow them."""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import Any

import marshmallow as ma
from sqlalchemy import select

from server.extensions import db
from server.models import SchoolCalendarRecord, utcnow
from server.school_calendar import SchoolCalendar, Span
from server.services.data_files import read_data_file

CALENDAR_DIR = Path(__file__).resolve().parent.parent / "data" / "calendars"


class CalendarFileError(ValueError):
    """A calendar file that cannot be loaded, with the reason."""


class _SpanFile(ma.Schema):
    name = ma.fields.String(required=True, validate=ma.validate.Length(min=1, max=40))
    starts_on = ma.fields.Date(required=True)
    ends_on = ma.fields.Date(required=True)


class CalendarFile(ma.Schema):
    """The shape of a calendar file (see server/data/calendars/)."""

    format = ma.fields.Integer(required=True, validate=ma.validate.Equal(1))
    code = ma.fields.String(
        required=True,
        validate=[ma.validate.Regexp(r"^[0-9a-z][0-9a-z_.\-]*$"), ma.validate.Length(max=40)],
    )
    name = ma.fields.String(required=True, validate=ma.validate.Length(min=1, max=100))
    source = ma.fields.String(load_default="", validate=ma.validate.Length(max=500))
    terms = ma.fields.List(
        ma.fields.Nested(_SpanFile), required=True, validate=ma.validate.Length(min=1)
    )
    breaks = ma.fields.List(ma.fields.Nested(_SpanFile), load_default=list)
    days_off = ma.fields.List(ma.fields.Nested(_SpanFile), load_default=list)
    workdays = ma.fields.List(ma.fields.Date(), load_default=list)

    @ma.validates_schema
    def _check(self, data: dict[str, Any], **_: Any) -> None:
        """Spans in order; breaks outside terms; days off inside them; make-up working days
        are Saturdays or Sundays within a term."""
        spans = [*data["terms"], *data["breaks"], *data["days_off"]]
        for span in spans:
            if span["ends_on"] < span["starts_on"]:
                raise ma.ValidationError(f"{span['name']} ends before it starts")
        terms = [Span(**t) for t in data["terms"]]
        for brk in data["breaks"]:
            if any(t.starts_on <= brk["ends_on"] and brk["starts_on"] <= t.ends_on for t in terms):
                raise ma.ValidationError(f"the break {brk['name']} overlaps a term")
        for off in data["days_off"]:
            if not any(off["starts_on"] in t and off["ends_on"] in t for t in terms):
                raise ma.ValidationError(f"{off['name']} does not lie within a term")
        for day in data["workdays"]:
            if day.weekday() < 5 or not any(day in t for t in terms):
                raise ma.ValidationError(
                    f"{day} is not a Saturday or Sunday within a term (make-up working days)"
                )


def read_calendar_file(path: Path) -> dict[str, Any]:
    """Parse and check a calendar file; a CalendarFileError says what is wrong."""
    return read_data_file(path, CalendarFile(), CalendarFileError)


def _spans(items: list[dict[str, Any]]) -> list[dict[str, str]]:
    """Spans as stored: ISO dates."""
    return [
        {
            "name": s["name"],
            "starts_on": s["starts_on"].isoformat(),
            "ends_on": s["ends_on"].isoformat(),
        }
        for s in items
    ]


def load_calendar(data: dict[str, Any]) -> SchoolCalendarRecord:
    """Add or replace the calendar with this code (a calendar is replaced whole: a corrected
    file wins). The caller's transaction is committed."""
    calendar = to_calendar_data(data)
    row = db.session.scalars(
        select(SchoolCalendarRecord).where(SchoolCalendarRecord.code == data["code"])
    ).first()
    if row is None:
        row = SchoolCalendarRecord(code=data["code"])
        db.session.add(row)
    row.name = data["name"]
    row.source = data["source"]
    row.starts_on, row.ends_on = calendar.starts_on, calendar.ends_on
    row.days = {
        "terms": _spans(data["terms"]),
        "breaks": _spans(data["breaks"]),
        "days_off": _spans(data["days_off"]),
        "workdays": [day.isoformat() for day in data["workdays"]],
    }
    row.loaded_at = utcnow()
    db.session.commit()
    return row


def to_calendar_data(data: dict[str, Any]) -> SchoolCalendar:
    """A checked file's content as the pure calendar."""
    return SchoolCalendar(
        code=data["code"],
        name=data["name"],
        terms=tuple(Span(**s) for s in data["terms"]),
        breaks=tuple(Span(**s) for s in data["breaks"]),
        days_off=tuple(Span(**s) for s in data["days_off"]),
        workdays=frozenset(data["workdays"]),
    )


def _from_row(row: SchoolCalendarRecord) -> SchoolCalendar:
    """A stored calendar as the pure calendar."""

    def spans(key: str) -> tuple[Span, ...]:
        return tuple(
            Span(s["name"], date.fromisoformat(s["starts_on"]), date.fromisoformat(s["ends_on"]))
            for s in row.days.get(key, [])
        )

    return SchoolCalendar(
        code=row.code,
        name=row.name,
        terms=spans("terms"),
        breaks=spans("breaks"),
        days_off=spans("days_off"),
        workdays=frozenset(date.fromisoformat(d) for d in row.days.get("workdays", [])),
    )


def loaded_calendars() -> list[SchoolCalendar]:
    """Every loaded calendar, oldest load first (so a later one wins where two overlap)."""
    rows = db.session.scalars(select(SchoolCalendarRecord).order_by(SchoolCalendarRecord.id))
    return [_from_row(row) for row in rows]
