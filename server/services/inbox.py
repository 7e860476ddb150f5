"""The in-app inbox: every message a user was sent, with read state."""

from __future__ import annotations

from sqlalchemy import func, select, update

from server.errors import ApiError
from server.extensions import db
from server.models import Notification, User, utcnow


def unread_count(user: User) -> int:
    """How many of the user's messages are unread."""
    return db.session.scalar(
        select(func.count())
        .select_from(Notification)
        .where(Notification.user_id == user.id, Notification.read_at.is_(None))
    )


def page(user: User, before_id: int | None, limit: int, unread_only: bool):
    """A page of messages, newest first, and the id to continue before."""
    query = select(Notification).where(Notification.user_id == user.id)
    if unread_only:
        query = query.where(Notification.read_at.is_(None))
    if before_id:
        query = query.where(Notification.id < before_id)
    rows = list(db.session.scalars(query.order_by(Notification.id.desc()).limit(limit + 1)))
    next_before = rows[limit - 1].id if len(rows) > limit else None
    return rows[:limit], next_before


def mark_read(user: User, notification_id: int) -> Notification:
    """Mark one message read (again is harmless)."""
    message = db.session.get(Notification, notification_id)
    if message is None or message.user_id != user.id:
        raise ApiError(404, "not_found", "No such message.")
    if message.read_at is None:
        message.read_at = utcnow()
        db.session.commit()
    return message


def mark_all_read(user: User) -> int:
    """Mark every unread message read; returns how many changed."""
    result = db.session.execute(
        update(Notification)
        .where(Notification.user_id == user.id, Notification.read_at.is_(None))
        .values(read_at=utcnow())
    )
    db.session.commit()
    return result.rowcount
