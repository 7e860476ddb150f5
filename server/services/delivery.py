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


def _claim(delivery_ids: list[int]) -> list[int]:
    """Take the pending deliveries among ``delivery_ids`` for this worker, in one statement;
    those another worker holds, or that are done, are left alone."""
    if not delivery_ids:
        return []
    claimed = db.session.scalars(
        update(Delivery)
        .where(Delivery.id.in_(delivery_ids), Delivery.status == PENDING)
        .values(status=SENDING, claimed_at=utcnow(), attempts=Delivery.attempts + 1)
        .returning(Delivery.id)
    ).all()
    db.session.commit()
    return sorted(claimed)


def _spend_grants(deliveries: list[Delivery]) -> set[int]:
    """Use one grant per delivery (long-term grants are not used up); returns the ids of the
    deliveries that had a grant to use. Two statements for the whole batch."""
    if not deliveries:
        return set()
    users = {d.user_id for d in deliveries}
    template_ids = {d.template_id for d in deliveries}
    long_term = set(
        db.session.execute(
            select(SubscriptionGrant.user_id, SubscriptionGrant.template_id).where(
                SubscriptionGrant.user_id.in_(users),
                SubscriptionGrant.template_id.in_(template_ids),
                SubscriptionGrant.long_term.is_(True),
            )
        ).all()
    )
    one_time = [d for d in deliveries if (d.user_id, d.template_id) not in long_term]
    spent: set[tuple[int, str]] = set()
    for template_id in {d.template_id for d in one_time}:
        spent.update(
            (uid, template_id)
            for uid in db.session.scalars(
                update(SubscriptionGrant)
                .where(
                    SubscriptionGrant.user_id.in_(
                        [d.user_id for d in one_time if d.template_id == template_id]
                    ),
                    SubscriptionGrant.template_id == template_id,
                    SubscriptionGrant.remaining > 0,
                )
                .values(remaining=SubscriptionGrant.remaining - 1, updated_at=utcnow())
                .returning(SubscriptionGrant.user_id)
            )
        )
    return {d.id for d in deliveries if (d.user_id, d.template_id) in long_term | spent}


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


def _send_one(delivery: Delivery, openid: str, result: DispatchResult) -> None:
    """Send a claimed delivery whose grant is spent, and record what happened."""
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


def dispatch(delivery_ids: list[int], commit_every: int = 25) -> DispatchResult:
    """Send the given deliveries. They are claimed first, so a repeated or concurrent call never
    sends one twice; outcomes are committed every few sends."""
    result = DispatchResult()
    claimed = _claim(delivery_ids)
    if not claimed:
        return result
    rows = db.session.execute(
        select(Delivery, User.openid)
        .join(User, Delivery.user_id == User.id)
        .where(Delivery.id.in_(claimed))
        .order_by(Delivery.id)
    ).all()
    sendable = _spend_grants([d for d, _ in rows])
    db.session.commit()
    for index, (delivery, openid) in enumerate(rows, start=1):
        if delivery.id in sendable:
            _send_one(delivery, openid, result)
        else:
            _finish(delivery, NO_GRANT)  # the grant was used up since the notice was written
            result.skipped += 1
        if index % commit_every == 0:
            db.session.commit()
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
