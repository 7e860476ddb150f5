"""What users write for others to see, as WeChat's content checks judged it."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, Index, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from server.extensions import db
from server.models.hazards import Photo
from server.models.types import UTCDateTime, utcnow
from server.models.units import Unit
from server.models.users import User

# Statuses of a check. Only ``pass`` and ``released`` let others see the item.
PENDING = "pending"  # waiting for WeChat (unreachable at write time, or a media verdict to come)
PASSED = "pass"
REVIEW = "review"  # WeChat is unsure: held for the unit's admin
RISKY = "risky"  # WeChat refused it (a media verdict, or a retried text)
RELEASED = "released"  # an admin let a held item through
REJECTED = "rejected"  # an admin refused a held item
HELD = (PENDING, REVIEW, RISKY, REJECTED)
# What an admin may release or reject: WeChat's "review", or no answer yet. Its "risky" is
# refused for good (services/content_refusals.py), never an admin's to release.
DECIDABLE = (REVIEW, PENDING)
# An item in one of these is refused for good: never shown to others, its writer told.
REFUSED = (RISKY, REJECTED)

TEXT = "text"
MEDIA = "media"


class ContentCheck(db.Model):
    """One text or photo of one item (kind + id + field), its writer and unit, and where its
    check stands. Items with no row, or only ``pass``/``released`` rows, are visible."""

    __tablename__ = "content_checks"
    __table_args__ = (
        UniqueConstraint("subject", "subject_id", "field"),
        Index("ix_content_checks_unit_status", "unit_id", "status"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    kind: Mapped[str] = mapped_column(String(10))
    subject: Mapped[str] = mapped_column(String(20))
    subject_id: Mapped[int]
    field: Mapped[str] = mapped_column(String(30))
    content: Mapped[str | None] = mapped_column(Text)
    photo_id: Mapped[int | None] = mapped_column(ForeignKey("photos.id"))
    writer_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    # Where its reviewers are; none for the name of someone who belongs to no unit yet.
    unit_id: Mapped[int | None] = mapped_column(ForeignKey("units.id"))
    status: Mapped[str] = mapped_column(String(10), index=True)
    suggest: Mapped[str | None] = mapped_column(String(10))
    label: Mapped[int | None]
    trace_id: Mapped[str | None] = mapped_column(String(64), unique=True)
    attempts: Mapped[int] = mapped_column(default=0)
    # What to do once released or passed ("send": the writer already asked to send the notice).
    on_release: Mapped[str | None] = mapped_column(String(10))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    checked_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    decided_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    decided_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))

    writer: Mapped[User] = relationship(foreign_keys=[writer_id])
    unit: Mapped[Unit | None] = relationship()
    photo: Mapped[Photo | None] = relationship()
