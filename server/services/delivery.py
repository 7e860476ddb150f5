"""Dispatching push deliveries through WeChat, once each.

A worker claims a delivery with a conditional UPDATE (pending -> sending), so two workers never
send the same one. It spends the user's one-time grant before sending (refunded when WeChat
rejects the message for a reason that is ours), waits for the global rate limit, and records the
outcome with WeChat's code: sent, refused (43101: the grant is spent), failed (40003, 47003,
40037...), or back to pending for a retry with backoff (system busy, 45009, timeouts, 5xx).
"""

from __future__ import annotations

import time
from dataclasses import dataclass, field
from datetime import timedelta
from functools import cache

from flask import current_app
from limits import parse, storage, strategies
from sqlalchemy import select, update

from server.extensions import db
from server.models import Delivery, SubscriptionGrant, User, utcnow
from server.models.notifications import FAILED, NO_GRANT, PENDING, REFUSED, SENDING, SENT
from server.wechat import WeChatError, WeChatRateLimited, WeChatUnavailable, WeChatUserRefused

MAX_ATTEMPTS = 6
STALE_CLAIM = timedelta(minutes=10)


@dataclass
class DispatchResult:
    """What one dispatch call did; ``retry`` lists deliveries to try again later."""

    sent: int = 0
    refused: int = 0
    failed: int = 0
    skipped: int = 0
    retry: list[int] = field(default_factory=list)


@cache
def _limiter(storage_uri: str) -> strategies.MovingWindowRateLimiter:
    """One limiter per storage: Redis shares the budget between every worker process."""
    return strategies.MovingWindowRateLimiter(storage.storage_from_string(storage_uri))


def wait_for_rate_limit() -> None:
    """Block until the global send budget allows one more message."""
    uri = current_app.config.get("REDIS_URL") or "memory://"
    limit = parse(current_app.config["WECHAT_SEND_RATE"])
    limiter = _limiter(uri)
    while not limiter.hit(limit, "wechat-subscribe-send"):
        time.sleep(0.005)


def backoff_seconds(attempts: int) -> int:
    """Exponential backoff for transient errors: 2, 4, 8 ... seconds, at most 5 minutes."""
    return min(2**attempts, 300)


def _claim(delivery_id: int) -> bool:
    """Take a pending delivery for this worker; False if another worker has it or it is done."""
    result = db.session.execute(
        update(Delivery)
        .where(Delivery.id == delivery_id, Delivery.status == PENDING)
        .values(status=SENDING, claimed_at=utcnow(), attempts=Delivery.attempts + 1)
    )
    db.session.commit()
    return result.rowcount == 1


def _spend_grant(delivery: Delivery) -> bool:
    """Use one of the user's grants for the template (long-term grants are not used up)."""
    grant = db.session.scalars(
        select(SubscriptionGrant).where(
            SubscriptionGrant.user_id == delivery.user_id,
            SubscriptionGrant.template_id == delivery.template_id,
        )
    ).first()
    if grant is None:
        return False
    if grant.long_term:
        return True
    spent = db.session.execute(
        update(SubscriptionGrant)
        .where(SubscriptionGrant.id == grant.id, SubscriptionGrant.remaining > 0)
        .values(remaining=SubscriptionGrant.remaining - 1, updated_at=utcnow())
    )
    return spent.rowcount == 1


def _refund_grant(delivery: Delivery) -> None:
    """Give back a one-time grant when the message never reached the user through no choice
    of theirs."""
    db.session.execute(
        update(SubscriptionGrant)
        .where(
            SubscriptionGrant.user_id == delivery.user_id,
            SubscriptionGrant.template_id == delivery.template_id,
            SubscriptionGrant.long_term.is_(False),
        )
        .values(remaining=SubscriptionGrant.remaining + 1, updated_at=utcnow())
    )


def _finish(delivery: Delivery, status: str, error: WeChatError | None = None) -> None:
    """Record the outcome."""
    delivery.status = status
    delivery.finished_at = utcnow() if status != PENDING else None
    if error is not None:
        delivery.errcode = error.errcode
        delivery.errmsg = (error.errmsg or type(error).__name__)[:200]


def _send_one(delivery: Delivery, result: DispatchResult) -> None:
    """Send a claimed delivery and record what happened."""
    if not _spend_grant(delivery):
        _finish(delivery, NO_GRANT)
        result.skipped += 1
        return
    openid = db.session.scalar(select(User.openid).where(User.id == delivery.user_id))
    wait_for_rate_limit()
    try:
        msgid = current_app.extensions["wechat"].send_subscribe_message(
            openid,
            delivery.template_id,
            delivery.payload["data"],
            page=delivery.payload.get("page"),
            miniprogram_state=current_app.config["WECHAT_MINIPROGRAM_STATE"],
        )
    except WeChatUserRefused as exc:
        _finish(delivery, REFUSED, exc)  # 43101 spends the grant
        result.refused += 1
    except (WeChatUnavailable, WeChatRateLimited) as exc:
        _refund_grant(delivery)
        if delivery.attempts >= MAX_ATTEMPTS:
            _finish(delivery, FAILED, exc)
            result.failed += 1
        else:
            _finish(delivery, PENDING, exc)
            result.retry.append(delivery.id)
    except WeChatError as exc:
        _refund_grant(delivery)
        _finish(delivery, FAILED, exc)
        result.failed += 1
    else:
        delivery.msgid = str(msgid)
        _finish(delivery, SENT)
        result.sent += 1


def dispatch(delivery_ids: list[int]) -> DispatchResult:
    """Send the given deliveries; each is claimed first, so a repeat call sends nothing twice."""
    result = DispatchResult()
    for delivery_id in delivery_ids:
        if not _claim(delivery_id):
            continue
        delivery = db.session.get(Delivery, delivery_id)
        _send_one(delivery, result)
        db.session.commit()
    return result


def stale_pending(older_than: timedelta, limit: int = 5000) -> list[int]:
    """Pending deliveries nobody picked up (an enqueue lost after its commit)."""
    cutoff = utcnow() - older_than
    query = (
        select(Delivery.id)
        .where(Delivery.status == PENDING, Delivery.created_at < cutoff)
        .where((Delivery.claimed_at.is_(None)) | (Delivery.claimed_at < cutoff))
        .order_by(Delivery.id)
        .limit(limit)
    )
    return list(db.session.scalars(query))


def abandon_lost_claims() -> int:
    """Deliveries claimed by a worker that died mid-send: WeChat may have delivered them, so
    they are marked failed rather than sent again (at most once)."""
    result = db.session.execute(
        update(Delivery)
        .where(Delivery.status == SENDING, Delivery.claimed_at < utcnow() - STALE_CLAIM)
        .values(status=FAILED, errmsg="worker lost during send", finished_at=utcnow())
    )
    db.session.commit()
    return result.rowcount
