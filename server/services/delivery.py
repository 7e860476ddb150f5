"""Dispatching push deliveries through WeChat, once each, in a way a killed worker cannot spoil.

A dispatch claims a small batch with one conditional UPDATE (pending -> claimed, under a token of
its own), so two workers never hold the same delivery and a crash strands at most a batch. Just
before each send it marks that one delivery in flight (claimed -> sending, only while it still
holds the claim) and spends the user's one-time grant, committed together with the previous
message's outcome; then it waits for the global rate limit, sends, and records WeChat's answer:
sent, refused (43101: the grant is spent), failed (40003, 47003, 40037...: the grant is given
back), or pending again for a retry with backoff (system busy, 45009, timeouts, 5xx).

``recover_lost_claims`` cleans up after a dead worker: claimed deliveries never started go back
to pending (nothing was sent or spent); deliveries in flight become ``uncertain`` (WeChat may
have delivered them) and are never sent again.
"""

from __future__ import annotations

import time
import uuid
from dataclasses import dataclass, field
from datetime import timedelta
from functools import cache

from flask import current_app
from limits import parse, storage, strategies
from sqlalchemy import func, select, update
from sqlalchemy.engine import Row

from server.extensions import db
from server.models import Delivery, SubscriptionGrant, User, utcnow
from server.models.notifications import (
    CLAIMED,
    FAILED,
    NO_GRANT,
    PENDING,
    REFUSED,
    SENDING,
    SENT,
    UNCERTAIN,
)
from server.wechat import WeChatError, WeChatRateLimited, WeChatUnavailable, WeChatUserRefused

MAX_ATTEMPTS = 6
STALE_CLAIM = timedelta(minutes=10)
# Deliveries claimed at a time: what a worker killed at the wrong moment leaves to recovery.
CLAIM_BATCH = 20


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


def _claim(delivery_ids: list[int], token: str) -> list[int]:
    """Take the pending deliveries among ``delivery_ids`` under ``token``, in one statement;
    those another worker holds, or that are done, are left alone. Nothing is spent yet."""
    claimed = db.session.scalars(
        update(Delivery)
        .where(Delivery.id.in_(delivery_ids), Delivery.status == PENDING)
        .values(status=CLAIMED, claimed_by=token, claimed_at=utcnow(), started_at=None)
        .returning(Delivery.id)
    ).all()
    db.session.commit()
    return sorted(claimed)


def _long_term(rows: list[Row]) -> set[tuple[int, str]]:
    """(user, template) pairs among ``rows`` allowed by a long-term grant, which is never used
    up; one statement per batch."""
    return set(
        db.session.execute(
            select(SubscriptionGrant.user_id, SubscriptionGrant.template_id).where(
                SubscriptionGrant.user_id.in_({r.user_id for r in rows}),
                SubscriptionGrant.template_id.in_({r.template_id for r in rows}),
                SubscriptionGrant.long_term.is_(True),
            )
        ).all()
    )


def _start(row: Row, token: str, long_term: bool) -> bool | None:
    """Mark a delivery in flight and spend its grant, in the open transaction. True: send it;
    False: no grant is left; None: the claim was lost (recovery gave it back), leave it."""
    started = db.session.execute(
        update(Delivery)
        .where(Delivery.id == row.id, Delivery.status == CLAIMED, Delivery.claimed_by == token)
        .values(status=SENDING, started_at=utcnow(), attempts=Delivery.attempts + 1)
        .execution_options(synchronize_session=False)
    ).rowcount
    if not started:
        return None
    if long_term:
        return True
    spent = db.session.execute(
        update(SubscriptionGrant)
        .where(
            SubscriptionGrant.user_id == row.user_id,
            SubscriptionGrant.template_id == row.template_id,
            SubscriptionGrant.remaining > 0,
        )
        .values(remaining=SubscriptionGrant.remaining - 1, updated_at=utcnow())
        .execution_options(synchronize_session=False)
    ).rowcount
    return bool(spent)


def _refund_grant(row: Row) -> None:
    """Give back a one-time grant when the message never reached the user through no choice
    of theirs."""
    db.session.execute(
        update(SubscriptionGrant)
        .where(
            SubscriptionGrant.user_id == row.user_id,
            SubscriptionGrant.template_id == row.template_id,
            SubscriptionGrant.long_term.is_(False),
        )
        .values(remaining=SubscriptionGrant.remaining + 1, updated_at=utcnow())
        .execution_options(synchronize_session=False)
    )


def _finish(delivery_id: int, status: str, error: WeChatError | None = None, **extra) -> None:
    """Record an outcome (one UPDATE, committed with the next delivery's start)."""
    values = {"status": status, "finished_at": utcnow() if status != PENDING else None, **extra}
    if status == PENDING:
        values["claimed_by"] = None  # free for the retry to claim
    if error is not None:
        values["errcode"] = error.errcode
        values["errmsg"] = (error.errmsg or type(error).__name__)[:200]
    db.session.execute(
        update(Delivery)
        .where(Delivery.id == delivery_id)
        .values(**values)
        .execution_options(synchronize_session=False)
    )


def _send_one(row: Row, attempts: int, long_term: bool, result: DispatchResult) -> None:
    """Send a delivery that is in flight with its grant spent, and record what happened."""
    try:
        msgid = current_app.extensions["wechat"].send_subscribe_message(
            row.openid,
            row.template_id,
            row.payload["data"],
            page=row.payload.get("page"),
            miniprogram_state=current_app.config["WECHAT_MINIPROGRAM_STATE"],
        )
    except WeChatUserRefused as exc:
        _finish(row.id, REFUSED, exc)  # 43101 spends the grant
        result.refused += 1
    except (WeChatUnavailable, WeChatRateLimited) as exc:
        if not long_term:
            _refund_grant(row)
        if attempts >= MAX_ATTEMPTS:
            _finish(row.id, FAILED, exc)
            result.failed += 1
        else:
            _finish(row.id, PENDING, exc)
            result.retry.append(row.id)
    except WeChatError as exc:
        if not long_term:
            _refund_grant(row)
        _finish(row.id, FAILED, exc)
        result.failed += 1
    else:
        _finish(row.id, SENT, msgid=str(msgid))
        result.sent += 1


def _send_claimed(claimed: list[int], token: str, result: DispatchResult) -> None:
    """Send a claimed batch one delivery at a time; each is started (and its grant spent) in
    the commit that also records the previous one's outcome, right before its request."""
    rows = db.session.execute(
        select(
            Delivery.id,
            Delivery.user_id,
            Delivery.template_id,
            Delivery.payload,
            Delivery.attempts,
            User.openid,
        )
        .join(User, Delivery.user_id == User.id)
        .where(Delivery.id.in_(claimed))
        .order_by(Delivery.id)
    ).all()
    long_term = _long_term(rows)
    for row in rows:
        wait_for_rate_limit()  # before the start, so a delivery is in flight only briefly
        unlimited = (row.user_id, row.template_id) in long_term
        started = _start(row, token, unlimited)
        if started is None:
            continue
        if not started:
            _finish(row.id, NO_GRANT)  # the grant was used up since the notice was written
            result.skipped += 1
            continue
        db.session.commit()
        _send_one(row, row.attempts + 1, unlimited, result)
    db.session.commit()


def dispatch(delivery_ids: list[int], batch: int = CLAIM_BATCH) -> DispatchResult:
    """Send the given deliveries, claiming ``batch`` at a time; a repeated or concurrent call
    never sends one twice."""
    result = DispatchResult()
    token = uuid.uuid4().hex
    for start in range(0, len(delivery_ids), batch):
        claimed = _claim(delivery_ids[start : start + batch], token)
        if claimed:
            _send_claimed(claimed, token, result)
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


def recover_lost_claims(older_than: timedelta = STALE_CLAIM) -> tuple[int, int]:
    """Clean up after workers that died: deliveries claimed but never started go back to
    pending (nothing was sent, no grant spent); deliveries in flight for longer than any send
    takes become uncertain — WeChat may have delivered them, so they are not sent again (at
    most once). Returns (returned, uncertain)."""
    cutoff = utcnow() - older_than
    returned = db.session.execute(
        update(Delivery)
        .where(Delivery.status == CLAIMED, Delivery.claimed_at <= cutoff)
        .values(status=PENDING, claimed_by=None)
        .execution_options(synchronize_session=False)
    ).rowcount
    uncertain = db.session.execute(
        update(Delivery)
        .where(
            Delivery.status == SENDING,
            func.coalesce(Delivery.started_at, Delivery.claimed_at) <= cutoff,
        )
        .values(status=UNCERTAIN, errmsg="worker lost during send", finished_at=utcnow())
        .execution_options(synchronize_session=False)
    ).rowcount
    db.session.commit()
    return returned, uncertain
