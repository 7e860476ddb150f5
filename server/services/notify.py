"""Writing notifications: an inbox message for every user, and a push delivery where the user
holds a grant for the template. Both are written in the caller's transaction; the caller commits
and then hands the delivery ids to ``enqueue_deliveries`` (the worker sends them). A broker that
is down then costs nothing but time: the rows are committed, and the periodic re-queue sends
them once it is back."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import timedelta
from typing import Any

from flask import current_app
from sqlalchemy import insert, or_, select

from server.extensions import db
from server.models import Delivery, Notification, SubscriptionGrant, utcnow
from server.models.notifications import NO_GRANT, PENDING
from server.push.templates import Template, load_templates
from server.queue import enqueue
from server.services.delivery import stale_pending

BATCH = 500


def template(key: str) -> Template:
    """The configured template for a purpose (``notice``, ``reminder``, ``hazard_overdue``...)."""
    return load_templates(current_app.config["WECHAT_TEMPLATES_FILE"])[key]


def _granted(user_ids: list[int], template_id: str) -> set[int]:
    """Users with a grant left for the template (one-time remaining, or long-term)."""
    granted: set[int] = set()
    for start in range(0, len(user_ids), BATCH):
        chunk = user_ids[start : start + BATCH]
        granted.update(
            db.session.scalars(
                select(SubscriptionGrant.user_id).where(
                    SubscriptionGrant.user_id.in_(chunk),
                    SubscriptionGrant.template_id == template_id,
                    or_(SubscriptionGrant.remaining > 0, SubscriptionGrant.long_term.is_(True)),
                )
            )
        )
    return granted


def notify(
    user_ids: Iterable[int],
    kind: str,
    title: str,
    body: str,
    template_key: str,
    values: dict[str, Any],
    data: dict[str, Any] | None = None,
    hazard_id: int | None = None,
) -> list[int]:
    """Write inbox messages and deliveries for ``user_ids``; return the pending delivery ids.

    Bulk inserts keep a notice to a hundred thousand parents to a few statements per batch.
    """
    users = sorted(set(user_ids))
    if not users:
        return []
    chosen = template(template_key)
    message, page = chosen.render(values)
    granted = _granted(users, chosen.template_id)
    now = utcnow()
    pending: list[int] = []
    for start in range(0, len(users), BATCH):
        chunk = users[start : start + BATCH]
        ids = db.session.scalars(
            insert(Notification).returning(Notification.id, sort_by_parameter_order=True),
            [
                {
                    "user_id": uid,
                    "kind": kind,
                    "title": title[:100],
                    "body": body[:500],
                    "data": data or {},
                    "page": page,
                    "hazard_id": hazard_id,
                    "created_at": now,
                }
                for uid in chunk
            ],
        ).all()
        rows = [
            {
                "notification_id": nid,
                "user_id": uid,
                "template_id": chosen.template_id,
                "payload": {"data": message, "page": page},
                "status": PENDING if uid in granted else NO_GRANT,
                "attempts": 0,
                "created_at": now,
            }
            for nid, uid in zip(ids, chunk, strict=True)
        ]
        delivery_ids = db.session.scalars(
            insert(Delivery).returning(Delivery.id, sort_by_parameter_order=True), rows
        ).all()
        pending.extend(
            did for did, row in zip(delivery_ids, rows, strict=True) if row["status"] == PENDING
        )
    return pending


def enqueue_deliveries(delivery_ids: list[int], batch: int = 200, delay: int | None = None) -> int:
    """Hand committed deliveries to the workers in batches; returns how many batches the broker
    took. Failures are logged, not raised: the caller has committed, and the rows stay pending
    for ``requeue_stale``."""
    taken = 0
    for start in range(0, len(delivery_ids), batch):
        taken += enqueue("send_deliveries", delivery_ids[start : start + batch], delay=delay)
    return taken


def requeue_stale(older_than: timedelta) -> int:
    """Enqueue again the deliveries still pending after ``older_than`` (their enqueue was lost,
    or a claim on them was given back); returns how many."""
    ids = stale_pending(older_than)
    enqueue_deliveries(ids)
    return len(ids)
