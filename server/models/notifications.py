"""The inbox, push deliveries and the one-time subscribe grants that allow them."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import JSON, ForeignKey, Index, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from server.extensions import db
from server.models.types import UTCDateTime, utcnow

# Delivery states: a push is pending until a worker claims it (claimed: nothing spent yet), then
# in flight (sending: its grant spent, the request about to go or gone), and ends as sent,
# refused (the user declined: 43101), failed (WeChat rejected it for good), no_grant (never
# sent: the user holds no grant for its template; the inbox still has the message) or uncertain
# (its worker died mid-send: WeChat may have delivered it, so it is never sent again).
PENDING, CLAIMED, SENDING, SENT, REFUSED, FAILED, NO_GRANT, UNCERTAIN = (
    "pending",
    "claimed",
    "sending",
    "sent",
    "refused",
    "failed",
    "no_grant",
    "uncertain",
)


class Notification(db.Model):
    """A message in one user's in-app inbox; every push lands here too."""

    __tablename__ = "notifications"
    __table_args__ = (Index("ix_notifications_user_unread", "user_id", "read_at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"), index=True)
    kind: Mapped[str] = mapped_column(String(40))
    title: Mapped[str] = mapped_column(String(100))
    body: Mapped[str] = mapped_column(String(500))
    data: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    page: Mapped[str | None] = mapped_column(String(200))
    hazard_id: Mapped[int | None] = mapped_column(ForeignKey("hazards.id"), index=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    read_at: Mapped[datetime | None] = mapped_column(UTCDateTime())


class SubscriptionGrant(db.Model):
    """What a user allowed with ``wx.requestSubscribeMessage``: each "accept" of a one-time
    template allows one message; a long-term template allows messages until revoked."""

    __tablename__ = "subscription_grants"
    __table_args__ = (UniqueConstraint("user_id", "template_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"), index=True)
    template_id: Mapped[str] = mapped_column(String(64))
    remaining: Mapped[int] = mapped_column(default=0)
    long_term: Mapped[bool] = mapped_column(default=False)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)


class Delivery(db.Model):
    """One push of one notification, written with it and dispatched by a worker."""

    __tablename__ = "deliveries"
    __table_args__ = (Index("ix_deliveries_status_created", "status", "created_at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    notification_id: Mapped[int] = mapped_column(ForeignKey("notifications.id"), unique=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"), index=True)
    template_id: Mapped[str] = mapped_column(String(64))
    # The rendered message: {"data": {...}, "page": "..."}, values already cut to WeChat's limits.
    payload: Mapped[dict[str, Any]] = mapped_column(JSON)
    status: Mapped[str] = mapped_column(String(12), default=PENDING)
    attempts: Mapped[int] = mapped_column(default=0)
    errcode: Mapped[int | None]
    errmsg: Mapped[str | None] = mapped_column(String(200))
    msgid: Mapped[str | None] = mapped_column(String(40))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    claimed_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    # Which dispatch call holds the claim: a worker only starts deliveries it still holds, so
    # one the recovery job handed back to pending is never sent by its old claimant.
    claimed_by: Mapped[str | None] = mapped_column(String(32))
    started_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    finished_at: Mapped[datetime | None] = mapped_column(UTCDateTime())

    notification: Mapped[Notification] = relationship()
