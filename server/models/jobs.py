"""Runs of periodic jobs, one row per job and period, so that many workers run each once."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from server.extensions import db
from server.models.types import UTCDateTime, utcnow


class JobRun(db.Model):
    """A claim on one period of a periodic job: the worker whose INSERT succeeds runs it."""

    __tablename__ = "job_runs"
    __table_args__ = (UniqueConstraint("job", "period"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    job: Mapped[str] = mapped_column(String(60))
    # The start of the period, e.g. 2026-05-01T09:30 for the half-hourly escalation.
    period: Mapped[datetime] = mapped_column(UTCDateTime())
    worker: Mapped[str] = mapped_column(String(64))
    started_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow, index=True)
    finished_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
