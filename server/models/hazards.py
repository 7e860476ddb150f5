"""Hazards, their photos, their rectification plan and their history."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from typing import Any

from sqlalchemy import JSON, ForeignKey, Index, Numeric, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from server.extensions import db
from server.models.campaigns import FocusProblem
from server.models.types import UTCDateTime, utcnow
from server.models.units import Unit
from server.models.users import User

# The rectification lifecycle (DESIGN.md §3).
REPORTED = "reported"
PLANNED = "planned"
RECTIFYING = "rectifying"
FIX_SUBMITTED = "fix_submitted"
VERIFIED = "verified"
# Small things without the five-field plan: fixed on the spot by whoever found it (a general
# hazard, with an after-photo), or closed with a reason by the safety officer (not a hazard).
FIXED_ON_SPOT = "fixed_on_spot"
CLOSED = "closed"
STATUSES = (REPORTED, PLANNED, RECTIFYING, FIX_SUBMITTED, VERIFIED, FIXED_ON_SPOT, CLOSED)
OPEN_STATUSES = (REPORTED, PLANNED, RECTIFYING, FIX_SUBMITTED)
SEVERITIES = ("general", "major")


class Photo(db.Model):
    """One uploaded photo. The stored objects are content-addressed by the original's SHA-256
    (``photos/<sha>/display.jpg``), so the same picture is stored once however often it comes."""

    __tablename__ = "photos"
    __table_args__ = (UniqueConstraint("uploader_id", "sha256"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    uploader_id: Mapped[int] = mapped_column(ForeignKey("users.id"), index=True)
    sha256: Mapped[str] = mapped_column(String(64), index=True)
    original_format: Mapped[str] = mapped_column(String(10))
    original_size: Mapped[int]
    width: Mapped[int]
    height: Mapped[int]
    taken_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    # A perceptual hash of the picture (64-bit, hex), to find the same scene uploaded again as
    # proof of another patrol (the same bytes have the same sha256; a re-shot or re-encoded copy
    # has a near hash).
    phash: Mapped[str | None] = mapped_column(String(16), index=True)
    exif_lat: Mapped[float | None]
    exif_lng: Mapped[float | None]
    display_key: Mapped[str] = mapped_column(String(200))
    thumb_key: Mapped[str] = mapped_column(String(200))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow, index=True)


class Hazard(db.Model):
    """A reported hazard and where it stands in its rectification."""

    __tablename__ = "hazards"
    __table_args__ = (
        Index("ix_hazards_school_status", "school_id", "status"),
        Index("ix_hazards_focus_status", "focus_problem_id", "status"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    client_uuid: Mapped[str] = mapped_column(String(36), unique=True)
    content_digest: Mapped[str] = mapped_column(String(64))
    school_id: Mapped[int] = mapped_column(ForeignKey("units.id"), index=True)
    reporter_id: Mapped[int] = mapped_column(ForeignKey("users.id"), index=True)
    # None: the reporter was unsure (不确定); the school's safety officer classifies it.
    focus_problem_id: Mapped[int | None] = mapped_column(ForeignKey("focus_problems.id"))
    description: Mapped[str] = mapped_column(Text)
    # Where it is, in words ("三楼东侧走廊"), beside the position.
    place: Mapped[str | None] = mapped_column(String(60))
    severity: Mapped[str] = mapped_column(String(10))
    status: Mapped[str] = mapped_column(String(20), default=REPORTED)
    lat: Mapped[float]
    lng: Mapped[float]
    accuracy_m: Mapped[float]
    coord_system: Mapped[str] = mapped_column(String(10))
    inside_campus: Mapped[bool | None]
    duplicate_of_id: Mapped[int | None] = mapped_column(ForeignKey("hazards.id"))
    # Where a patrol found it (a failed checklist item), or the checkpoint a report was made at.
    checkpoint_id: Mapped[int | None] = mapped_column(ForeignKey("checkpoints.id"), index=True)
    reported_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow, index=True)
    # The rectification plan: all five are required together.
    responsible_person: Mapped[str | None] = mapped_column(String(50))
    responsible_user_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    deadline: Mapped[date | None] = mapped_column(index=True)
    measures: Mapped[str | None] = mapped_column(Text)
    funds_yuan: Mapped[Decimal | None] = mapped_column(Numeric(12, 2))
    contingency: Mapped[str | None] = mapped_column(Text)
    fix_note: Mapped[str | None] = mapped_column(Text)
    # Why the safety officer closed it without rectification (not a hazard).
    close_reason: Mapped[str | None] = mapped_column(Text)
    # Who submitted the current fix: they may not sign it off themselves.
    fix_submitted_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    closed_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    # 0: the school's own; 1: escalated to the supervisor; 2: to the bureau.
    escalation_level: Mapped[int] = mapped_column(default=0)

    school: Mapped[Unit] = relationship()
    reporter: Mapped[User] = relationship(foreign_keys=[reporter_id])
    responsible_user: Mapped[User | None] = relationship(foreign_keys=[responsible_user_id])
    focus_problem: Mapped[FocusProblem | None] = relationship()
    photos: Mapped[list[HazardPhoto]] = relationship(
        back_populates="hazard", order_by="HazardPhoto.id"
    )
    events: Mapped[list[HazardEvent]] = relationship(
        back_populates="hazard", order_by="HazardEvent.id"
    )


class HazardPhoto(db.Model):
    """A photo attached to a hazard: ``before`` with the report, ``after`` with the fix."""

    __tablename__ = "hazard_photos"
    __table_args__ = (UniqueConstraint("hazard_id", "photo_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    hazard_id: Mapped[int] = mapped_column(ForeignKey("hazards.id"), index=True)
    photo_id: Mapped[int] = mapped_column(ForeignKey("photos.id"), index=True)
    stage: Mapped[str] = mapped_column(String(10))
    position: Mapped[int]

    hazard: Mapped[Hazard] = relationship(back_populates="photos")
    photo: Mapped[Photo] = relationship()


class HazardEvent(db.Model):
    """One change in a hazard's history: who, when, what changed, and from where."""

    __tablename__ = "hazard_events"

    id: Mapped[int] = mapped_column(primary_key=True)
    hazard_id: Mapped[int] = mapped_column(ForeignKey("hazards.id"), index=True)
    actor_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    kind: Mapped[str] = mapped_column(String(30))
    from_status: Mapped[str | None] = mapped_column(String(20))
    to_status: Mapped[str | None] = mapped_column(String(20))
    changes: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    note: Mapped[str | None] = mapped_column(Text)
    client_ip: Mapped[str | None] = mapped_column(String(45))
    lat: Mapped[float | None]
    lng: Mapped[float | None]
    coord_system: Mapped[str | None] = mapped_column(String(10))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)

    hazard: Mapped[Hazard] = relationship(back_populates="events")
    actor: Mapped[User | None] = relationship()
