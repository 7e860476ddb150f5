"""School-year calendars, loaded from files like the campaign (``flask calendar load``)."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from sqlalchemy import JSON, String
from sqlalchemy.orm import Mapped, mapped_column

from server.extensions import db
from server.models.types import UTCDateTime, utcnow


class SchoolCalendarRecord(db.Model):
    """One calendar file as loaded: terms, breaks, days off and make-up working days (JSON,
    read through ``server/school_calendar.py``)."""

    __tablename__ = "school_calendars"

    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(String(40), unique=True)
    name: Mapped[str] = mapped_column(String(100))
    source: Mapped[str] = mapped_column(String(500), default="")
    starts_on: Mapped[date]
    ends_on: Mapped[date]
    # {"terms": [...], "breaks": [...], "days_off": [...], "workdays": [...]}, dates as ISO text.
    days: Mapped[dict[str, Any]] = mapped_column(JSON)
    loaded_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
