"""The guards' post (门卫, 周边; DESIGN.md §2 area 6 "campus surroundings"): a guard's shift at
the school gate, the perimeter log the guard keeps during it, and the hand-over note left for
the next guard.

A shift starts by scanning the gate's checkpoint (a place checkpoint checked with the
``perimeter_shift`` checklist) inside its radius, and ends with a hand-over note. A guard has
at most one open shift: a partial unique index on the user where ``ended_at`` is null makes a
second start (or two starts at once) fail in the database rather than in a check-then-insert.
A log entry records what the guard sees at the perimeter (traffic, vendors, loitering, a
damaged fence or gate, a refused visitor), with photos and the position; it is handled on the
spot or raised as a hazard, which then follows the normal lifecycle.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, Index, String, UniqueConstraint, text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from server.extensions import db
from server.models.hazards import Photo
from server.models.patrols import Checkpoint
from server.models.types import UTCDateTime, utcnow
from server.models.units import Unit
from server.models.users import User

# The template code a gate checkpoint is checked with: what makes a place checkpoint a gate.
GATE_TEMPLATE = "perimeter_shift"
LOG_KINDS = ("traffic", "vendors", "loitering", "fence_gate", "visitor_refused", "other")
LOG_KIND_NAMES = {
    "traffic": "交通拥堵",
    "vendors": "流动摊贩",
    "loitering": "可疑人员",
    "fence_gate": "围墙校门损坏",
    "visitor_refused": "拒绝来访",
    "other": "其他",
}
# A log entry's outcome: handled on the spot, or raised as a hazard.
HANDLED, RAISED = "handled", "raised"
LOG_STATUSES = (HANDLED, RAISED)


class GuardShift(db.Model):
    """One guard's shift at a school's gate, from the scan to the hand-over."""

    __tablename__ = "guard_shifts"
    __table_args__ = (
        # At most one open shift per guard; a second start fails here, even when two race.
        Index(
            "uq_guard_shifts_open",
            "user_id",
            unique=True,
            sqlite_where=text("ended_at IS NULL"),
            postgresql_where=text("ended_at IS NULL"),
        ),
        # The hand-over lookup: the school's latest ended shift.
        Index("ix_guard_shifts_school_ended", "school_id", "ended_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    client_uuid: Mapped[str] = mapped_column(String(36), unique=True)
    school_id: Mapped[int] = mapped_column(ForeignKey("units.id"))
    # The gate scanned to start.
    checkpoint_id: Mapped[int] = mapped_column(ForeignKey("checkpoints.id"), index=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"), index=True)
    # The phone's time of the scan (checked as a round's scan time is); received_at the server's.
    started_at: Mapped[datetime] = mapped_column(UTCDateTime())
    received_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    lat: Mapped[float]
    lng: Mapped[float]
    accuracy_m: Mapped[float]
    coord_system: Mapped[str] = mapped_column(String(10))
    distance_m: Mapped[float]
    ended_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    handover_note: Mapped[str | None] = mapped_column(String(500))

    school: Mapped[Unit] = relationship()
    checkpoint: Mapped[Checkpoint] = relationship()
    user: Mapped[User] = relationship()


class PerimeterLog(db.Model):
    """One thing a guard saw at the perimeter during a shift."""

    __tablename__ = "perimeter_logs"

    id: Mapped[int] = mapped_column(primary_key=True)
    client_uuid: Mapped[str] = mapped_column(String(36), unique=True)
    # A fingerprint of what was sent, to tell a retry from a different entry with the same UUID.
    content_digest: Mapped[str] = mapped_column(String(64))
    shift_id: Mapped[int] = mapped_column(ForeignKey("guard_shifts.id"), index=True)
    school_id: Mapped[int] = mapped_column(ForeignKey("units.id"), index=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"), index=True)
    kind: Mapped[str] = mapped_column(String(20))
    note: Mapped[str | None] = mapped_column(String(200))
    lat: Mapped[float]
    lng: Mapped[float]
    accuracy_m: Mapped[float]
    coord_system: Mapped[str] = mapped_column(String(10))
    occurred_at: Mapped[datetime] = mapped_column(UTCDateTime())
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    status: Mapped[str] = mapped_column(String(10), default=HANDLED)
    hazard_id: Mapped[int | None] = mapped_column(ForeignKey("hazards.id"))

    shift: Mapped[GuardShift] = relationship()
    school: Mapped[Unit] = relationship()
    user: Mapped[User] = relationship()
    photos: Mapped[list[PerimeterLogPhoto]] = relationship(order_by="PerimeterLogPhoto.position")


class PerimeterLogPhoto(db.Model):
    """A photo of a log entry; its foreign key keeps the photo from the orphan sweep."""

    __tablename__ = "perimeter_log_photos"
    __table_args__ = (UniqueConstraint("log_id", "photo_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    log_id: Mapped[int] = mapped_column(ForeignKey("perimeter_logs.id"), index=True)
    photo_id: Mapped[int] = mapped_column(ForeignKey("photos.id"), index=True)
    position: Mapped[int] = mapped_column(default=0)

    photo: Mapped[Photo] = relationship()
