"""Export jobs: one row per file a user asked for, built by the worker. The rows are also the
export log (who, when, what, how many rows, whether it holds people's data)."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import JSON, ForeignKey, Index, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from server.extensions import db
from server.models.types import UTCDateTime, utcnow
from server.models.units import Unit
from server.models.users import User

QUEUED = "queued"
RUNNING = "running"
DONE = "done"
FAILED = "failed"
STATUSES = (QUEUED, RUNNING, DONE, FAILED)
FORMATS = ("xlsx", "csv", "geojson")
# Every stored export file lives under this prefix: the sweep lists it to find orphans.
KEY_PREFIX = "exports/"


class ExportJob(db.Model):
    """One export: asked for at a unit, built by a worker, downloaded by its owner. The row owns
    its stored file (``storage_key``): the sweep deletes files no row names, and a row's file
    once it expired (the row stays, with ``file_deleted_at``, as the log)."""

    __tablename__ = "export_jobs"
    __table_args__ = (Index("ix_export_jobs_status_heartbeat", "status", "heartbeat_at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"), index=True)
    unit_id: Mapped[int] = mapped_column(ForeignKey("units.id"), index=True)
    kind: Mapped[str] = mapped_column(String(30))
    format: Mapped[str] = mapped_column(String(10))
    # The period and filters asked for: {"from": "2026-11-01", "to": "2026-11-30"}.
    params: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    status: Mapped[str] = mapped_column(String(10), default=QUEUED)
    progress: Mapped[int] = mapped_column(default=0)
    rows: Mapped[int | None]
    contains_personal_data: Mapped[bool] = mapped_column(default=False)
    storage_key: Mapped[str | None] = mapped_column(String(200), unique=True)
    file_size: Mapped[int | None]
    error: Mapped[str | None] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow, index=True)
    started_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    # The running build's own token: a build re-queued after its worker went quiet cannot
    # finish the job once another worker has claimed it (its updates name the old token).
    claim_token: Mapped[str | None] = mapped_column(String(32))
    # Moved on by the running build with its progress: a long build stays its own; one whose
    # heartbeat stopped for ten minutes (its worker died) is re-queued.
    heartbeat_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    finished_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    file_deleted_at: Mapped[datetime | None] = mapped_column(UTCDateTime())

    user: Mapped[User] = relationship()
    unit: Mapped[Unit] = relationship()
