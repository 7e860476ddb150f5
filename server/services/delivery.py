"""Dispatching push deliveries through WeChat, once each, in a way a killed worker cannot spoil.

A dispatch works in batches of Core statements (no ORM objects to expire and reload). It claims
a batch with one conditional UPDATE (pending -> claimed, under a token of its own) that returns
everything sending needs, so two workers never hold the same delivery. It then takes the batch's
rate permits, marks the batch in flight (claimed -> sending, only while it still holds the
claim) and spends the users' one-time grants, in one commit; sends the batch's requests
concurrently (``push_sending``); and records WeChat's answers in one UPDATE: sent, refused
(43101: the grant is spent), failed (40003, 47003, 40037...: the grant is given back), or
pending again for a retry with backoff (system busy, 45009, timeouts, 5xx; grant given back).

A worker killed mid-send leaves at most ``IN_FLIGHT_BOUND`` deliveries per dispatch call in
flight, i.e. uncertain. ``recover_lost_claims`` cleans up after it: claimed deliveries never
started go back to pending (nothing was sent or spent); deliveries in flight become
``uncertain`` (WeChat may have delivered them) and are never sent again.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass, field
from datetime import timedelta

from sqlalchemy import case, exists, func, literal, select, tuple_, update
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
from server.models.types import UTCDateTime
from server.services.push_sending import _limiter, send_all, take_permits, wait_for_rate_limit
from server.wechat import WeChatRateLimited, WeChatUnavailable, WeChatUserRefused

__all__ = ["_limiter", "dispatch", "recover_lost_claims", "wait_for_rate_limit"]

MAX_ATTEMPTS = 6
STALE_CLAIM = timedelta(minutes=10)
# Deliveries claimed, started and sent together by one dispatch call: large enough that the
# batch's few statements cost little per message, small enough to bound what a crash leaves.
CLAIM_BATCH = 64
# What a dispatch call killed mid-send leaves uncertain at most: its one batch in flight. A
# worker process running T dispatching threads leaves at most T times this.
IN_FLIGHT_BOUND = CLAIM_BATCH


@dataclass
class DispatchResult:
    """What one dispatch call did; ``retry`` lists deliveries to try again later, the most
    attempts among them in ``retry_attempts`` (for the backoff)."""

    sent: int = 0
    refused: int = 0
    failed: int = 0
    skipped: int = 0
    retry: list[int] = field(default_factory=list)
    retry_attempts: int = 0


def backoff_seconds(attempts: int) -> int:
    """Exponential backoff for transient errors: 2, 4, 8 ... seconds, at most 5 minutes."""
    return min(2**attempts, 300)


def _claim(delivery_ids: list[int], token: str) -> list[Row]:
    """Take the pending deliveries among ``delivery_ids`` under ``token`` in one statement,
    returning what sending them needs (openid, whether a long-term grant covers them); those
    another worker holds, or that are done, are left alone. Nothing is spent yet."""
    openid = select(User.openid).where(User.id == Delivery.user_id).scalar_subquery()
    long_term = exists().where(
        SubscriptionGrant.user_id == Delivery.user_id,
        SubscriptionGrant.template_id == Delivery.template_id,
        SubscriptionGrant.long_term.is_(True),
    )
    rows = db.session.execute(
        update(Delivery)
        .where(Delivery.id.in_(delivery_ids), Delivery.status == PENDING)
        .values(status=CLAIMED, claimed_by=token, claimed_at=utcnow(), started_at=None)
        .returning(
            Delivery.id,
            Delivery.user_id,
            Delivery.template_id,
            Delivery.payload,
            Delivery.attempts,
            openid.label("openid"),
            long_term.label("long_term"),
        )
        .execution_options(synchronize_session=False)
    ).all()
    db.session.commit()
    return sorted(rows, key=lambda r: r.id)


def _one_per_grant(rows: list[Row]) -> tuple[list[Row], list[Row]]:
    """Split off the rows that share a (user, template) grant with an earlier row: a round
    spends each grant once with one UPDATE, so a second message to the same user waits for the
    next round."""
    seen: set[tuple[int, str]] = set()
    now, later = [], []
    for row in rows:
        key = (row.user_id, row.template_id)
        (later if key in seen else now).append(row)
        seen.add(key)
    return now, later


def _start(rows: list[Row], token: str, result: DispatchResult) -> list[Row]:
    """Mark the batch in flight and spend its one-time grants, in one commit; returns the rows
    to send. Rows whose claim was lost (recovery gave them back) are left alone; rows whose
    grant is used up since the notice was written end as ``no_grant``."""
    ids = [r.id for r in rows]
    started = set(
        db.session.scalars(
            update(Delivery)
            .where(Delivery.id.in_(ids), Delivery.status == CLAIMED, Delivery.claimed_by == token)
            .values(status=SENDING, started_at=utcnow(), attempts=Delivery.attempts + 1)
            .returning(Delivery.id)
            .execution_options(synchronize_session=False)
        )
    )
    rows = [r for r in rows if r.id in started]
    one_time = [(r.user_id, r.template_id) for r in rows if not r.long_term]
    spent: set[tuple[int, str]] = set()
    if one_time:
        spent = set(
            db.session.execute(
                update(SubscriptionGrant)
                .where(
                    tuple_(SubscriptionGrant.user_id, SubscriptionGrant.template_id).in_(one_time),
                    SubscriptionGrant.remaining > 0,
                )
                .values(remaining=SubscriptionGrant.remaining - 1, updated_at=utcnow())
                .returning(SubscriptionGrant.user_id, SubscriptionGrant.template_id)
                .execution_options(synchronize_session=False)
            ).all()
        )
    unsent = [r.id for r in rows if not r.long_term and (r.user_id, r.template_id) not in spent]
    if unsent:
        db.session.execute(
            update(Delivery)
            .where(Delivery.id.in_(unsent))
            .values(status=NO_GRANT, finished_at=utcnow())
            .execution_options(synchronize_session=False)
        )
        result.skipped += len(unsent)
    db.session.commit()
    return [r for r in rows if r.id not in set(unsent)]


def _refund_grants(rows: list[Row]) -> None:
    """Give back the one-time grants of messages that never reached the user through no choice
    of theirs (one UPDATE; a round holds each grant once)."""
    pairs = [(r.user_id, r.template_id) for r in rows if not r.long_term]
    if not pairs:
        return
    db.session.execute(
        update(SubscriptionGrant)
        .where(
            tuple_(SubscriptionGrant.user_id, SubscriptionGrant.template_id).in_(pairs),
            SubscriptionGrant.long_term.is_(False),
        )
        .values(remaining=SubscriptionGrant.remaining + 1, updated_at=utcnow())
        .execution_options(synchronize_session=False)
    )


def _status_of(row: Row, outcome, result: DispatchResult) -> str:
    """The status an answer leads to, counted in ``result``."""
    exc = outcome.error
    if exc is None:
        result.sent += 1
        return SENT
    if isinstance(exc, WeChatUserRefused):
        result.refused += 1  # 43101 spends the grant
        return REFUSED
    if isinstance(exc, WeChatUnavailable | WeChatRateLimited) and row.attempts + 1 < MAX_ATTEMPTS:
        result.retry.append(row.id)
        result.retry_attempts = max(result.retry_attempts, row.attempts + 1)
        return PENDING
    result.failed += 1
    return FAILED


def _record(rows: list[Row], outcomes: list, result: DispatchResult) -> None:
    """Record a batch's answers in one UPDATE (a CASE per column) and refund the grants of
    failures and retries, then commit."""
    by_id = {r.id: r for r in rows}
    statuses = {o.delivery_id: _status_of(by_id[o.delivery_id], o, result) for o in outcomes}
    if not statuses:
        return
    retried = [i for i, s in statuses.items() if s == PENDING]
    errors = {o.delivery_id: o.error for o in outcomes if o.error is not None}
    values = {
        "status": case(statuses, value=Delivery.id),
        "finished_at": case(
            (Delivery.id.in_(retried), None), else_=literal(utcnow(), UTCDateTime())
        ),
        # A retry frees the delivery for whoever claims it next.
        "claimed_by": case((Delivery.id.in_(retried), None), else_=Delivery.claimed_by),
    }
    msgids = {o.delivery_id: str(o.msgid) for o in outcomes if o.error is None}
    if msgids:
        values["msgid"] = case(msgids, value=Delivery.id, else_=Delivery.msgid)
    if errors:
        codes = {i: e.errcode for i, e in errors.items() if e.errcode is not None}
        nulls = [i for i, e in errors.items() if e.errcode is None]
        values["errcode"] = case(
            *([(Delivery.id.in_(nulls), None)] if nulls else []),
            *[(Delivery.id == i, literal(c)) for i, c in codes.items()],
            else_=Delivery.errcode,
        )
        messages = {i: (e.errmsg or type(e).__name__)[:200] for i, e in errors.items()}
        values["errmsg"] = case(messages, value=Delivery.id, else_=Delivery.errmsg)
    db.session.execute(
        update(Delivery)
        .where(Delivery.id.in_(list(statuses)))
        .values(**values)
        .execution_options(synchronize_session=False)
    )
    _refund_grants([by_id[i] for i, s in statuses.items() if s in (PENDING, FAILED)])
    db.session.commit()


def _send_round(rows: list[Row], token: str, result: DispatchResult) -> None:
    """Start, send and record one round of a claimed batch (each grant at most once in it)."""
    take_permits(len(rows))  # before the start, so a batch is in flight only briefly
    rows = _start(rows, token, result)
    if not rows:
        return
    outcomes, bug = send_all(rows)
    _record(rows, outcomes, result)
    if bug is not None:
        raise bug  # our own error: its delivery stays in flight, recovery makes it uncertain


def dispatch(delivery_ids: list[int], batch: int = CLAIM_BATCH) -> DispatchResult:
    """Send the given deliveries, claiming ``batch`` at a time; a repeated or concurrent call
    never sends one twice."""
    result = DispatchResult()
    token = uuid.uuid4().hex
    for start in range(0, len(delivery_ids), batch):
        waiting = _claim(delivery_ids[start : start + batch], token)
        while waiting:
            now, waiting = _one_per_grant(waiting)
            _send_round(now, token, result)
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
