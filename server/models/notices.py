"""Notices to parents (致家长的一封信), who they reached, and scheduled pushes."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from sqlalchemy import JSON, ForeignKey, Index, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from server.extensions import db
from server.models.hazards import Photo
from server.models.types import UTCDateTime, unit_path_type, utcnow
from server.models.units import Unit
from server.models.users import User


class Notice(db.Model):
    """A notice written by the bureau or a school, sent to the parents of its targets."""

    __tablename__ = "notices"

    id: Mapped[int] = mapped_column(primary_key=True)
    author_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    unit_id: Mapped[int] = mapped_column(ForeignKey("units.id"), index=True)
    title: Mapped[str] = mapped_column(String(60))
    body: Mapped[str] = mapped_column(Text)
    # The attached image is a photo row, not a copied storage key: the reference keeps the
    # orphan-photo sweep (and anything else) from deleting what a notice shows.
    attachment_photo_id: Mapped[int | None] = mapped_column(ForeignKey("photos.id"), index=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    sent_at: Mapped[datetime | None] = mapped_column(UTCDateTime())

    author: Mapped[User] = relationship()
    unit: Mapped[Unit] = relationship()
    attachment_photo: Mapped[Photo | None] = relationship()
    targets: Mapped[list[NoticeTarget]] = relationship(cascade="all, delete-orphan")


class NoticeTarget(db.Model):
    """A unit (all its classes below) or one class a notice goes to."""

    __tablename__ = "notice_targets"

    id: Mapped[int] = mapped_column(primary_key=True)
    notice_id: Mapped[int] = mapped_column(ForeignKey("notices.id"), index=True)
    unit_id: Mapped[int | None] = mapped_column(ForeignKey("units.id"))
    class_id: Mapped[int | None] = mapped_column(ForeignKey("school_classes.id"))


class NoticeRecipient(db.Model):
    """One parent-and-child pair reached by a notice: read and acknowledged per child."""

    __tablename__ = "notice_recipients"
    __table_args__ = (
        UniqueConstraint("notice_id", "parent_id", "child_id"),
        # A class's rows (its lists, reminders), and one child's rows in it (an acknowledgment
        # reads the child's rows, not the class's hundred).
        Index("ix_notice_recipients_notice_class", "notice_id", "class_id", "child_id"),
        # A notice's completion below a unit (prefix match on the path, grouped by school or
        # class, a child counted once) read from this index alone on PostgreSQL, in the order
        # the grouping wants: no sort, no visit to the table (notice_completion).
        Index(
            "ix_notice_recipients_notice_path",
            "notice_id",
            "unit_path",
            "child_id",
            postgresql_include=["class_id", "read_at", "acknowledged_at"],
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    notice_id: Mapped[int] = mapped_column(ForeignKey("notices.id"))
    parent_id: Mapped[int] = mapped_column(ForeignKey("users.id"), index=True)
    child_id: Mapped[int] = mapped_column(ForeignKey("children.id"))
    class_id: Mapped[int] = mapped_column(ForeignKey("school_classes.id"))
    # The school's path, so completion rolls up the hierarchy with prefix matches.
    unit_path: Mapped[str] = mapped_column(unit_path_type(), index=True)
    read_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    acknowledged_at: Mapped[datetime | None] = mapped_column(UTCDateTime())


class ClassReminder(db.Model):
    """A class teacher's reminder for a notice: at most one per class and day."""

    __tablename__ = "class_reminders"
    __table_args__ = (UniqueConstraint("notice_id", "class_id", "sent_on"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    notice_id: Mapped[int] = mapped_column(ForeignKey("notices.id"))
    class_id: Mapped[int] = mapped_column(ForeignKey("school_classes.id"))
    sent_by_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    sent_on: Mapped[date]
    recipients: Mapped[int]
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)


class ScheduledPush(db.Model):
    """A recurring push: who (an audience), what (a message), when (a recurrence in China time,
    optionally only within a season)."""

    __tablename__ = "scheduled_pushes"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(100))
    unit_id: Mapped[int] = mapped_column(ForeignKey("units.id"))
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    # {"roles": ["water_patrol"]} (staff with these roles at or below the unit) or
    # {"parents": true} (parents of the unit's classes).
    audience: Mapped[dict[str, Any]] = mapped_column(JSON)
    template_key: Mapped[str] = mapped_column(String(40))
    title: Mapped[str] = mapped_column(String(100))
    body: Mapped[str] = mapped_column(String(500))
    page: Mapped[str | None] = mapped_column(String(200))
    # "once", "daily", "school_days" (Mon-Fri) or "weekly" (with weekdays, 0 = Monday).
    recurrence: Mapped[str] = mapped_column(String(12))
    weekdays: Mapped[list[int] | None] = mapped_column(JSON)
    time_of_day: Mapped[str] = mapped_column(String(5))
    season_start: Mapped[str | None] = mapped_column(String(5))
    season_end: Mapped[str | None] = mapped_column(String(5))
    starts_on: Mapped[date]
    ends_on: Mapped[date | None]
    enabled: Mapped[bool] = mapped_column(default=True)
    next_run_at: Mapped[datetime | None] = mapped_column(UTCDateTime(), index=True)
    last_run_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
