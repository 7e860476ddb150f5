"""Push deliveries in batches: a bounded number of statements per batch whatever its size, one
grant spent per message even when a user has two in one batch, long-term grants never spent."""

from __future__ import annotations

from collections import Counter

from sqlalchemy import select

from server.extensions import db
from server.models import Delivery, SubscriptionGrant
from server.services import delivery
from tests.jobs.conftest import parents_with_pushes
from tests.notices.conftest import user_id
from tests.notices.test_push import _notify, _remaining
from tests.support.statements import counted

# claim, start, spend grants, record answers, refund grants (+ no_grant marks): per batch.
STATEMENTS_PER_BATCH = 6


def test_a_batch_runs_a_bounded_number_of_statements(app, fake_wechat, templates):
    few = parents_with_pushes(fake_wechat, templates["notice"], 3, prefix="few")
    many = parents_with_pushes(fake_wechat, templates["notice"], 30, prefix="many")
    fake_wechat.inject_failure("cgi-bin/message/subscribe/send", errcode=-1)  # a retry: refund
    with counted() as small:
        assert delivery.dispatch(few, batch=30).sent == 2
    with counted() as large:
        assert delivery.dispatch(many, batch=30).sent == 30
    assert len(small) <= STATEMENTS_PER_BATCH and len(large) <= STATEMENTS_PER_BATCH
    sent = Counter(m["touser"] for m in fake_wechat.messages())
    assert sum(sent[f"few-{i:03d}"] for i in range(3)) == 2 and max(sent.values()) == 1
    assert all(sent[f"many-{i:03d}"] == 1 for i in range(30))


def test_two_messages_to_one_user_in_a_batch_spend_two_grants(app, login, fake_wechat, templates):
    login("parent-two")
    fake_wechat.register_openid("parent-two")
    db.session.add(
        SubscriptionGrant(
            user_id=user_id("parent-two"), template_id=templates["notice"], remaining=2
        )
    )
    db.session.commit()
    first, second, third = (_notify("parent-two", title=f"通知{i}") for i in range(3))
    result = delivery.dispatch([first, second, third])
    assert (result.sent, result.skipped) == (2, 1)  # rounds: the third finds none left
    assert _remaining("parent-two", templates["notice"]) == 0
    statuses = dict(db.session.execute(select(Delivery.id, Delivery.status)).all())
    assert (statuses[first], statuses[second], statuses[third]) == ("sent", "sent", "no_grant")


def test_grant_used_up_after_writing_ends_as_no_grant(app, login, fake_wechat, templates):
    login("parent-late")
    fake_wechat.register_openid("parent-late")
    db.session.add(
        SubscriptionGrant(
            user_id=user_id("parent-late"), template_id=templates["notice"], remaining=2
        )
    )
    db.session.commit()
    ids = [_notify("parent-late", title=f"通知{i}") for i in range(2)]
    grant = db.session.scalars(select(SubscriptionGrant)).one()
    grant.remaining = 1  # spent elsewhere meanwhile
    db.session.commit()
    result = delivery.dispatch(ids)
    assert (result.sent, result.skipped) == (1, 1)
    assert len(fake_wechat.messages()) == 1


def test_long_term_grant_is_never_spent(app, login, fake_wechat, templates):
    login("parent-long")
    fake_wechat.register_openid("parent-long")
    db.session.add(
        SubscriptionGrant(
            user_id=user_id("parent-long"),
            template_id=templates["notice"],
            remaining=0,
            long_term=True,
        )
    )
    db.session.commit()
    ids = [_notify("parent-long", title=f"通知{i}") for i in range(2)]
    assert delivery.dispatch(ids).sent == 2
    assert _remaining("parent-long", templates["notice"]) == 0


def test_rate_permits_are_taken_in_blocks(app, monkeypatch):
    from limits import parse, storage, strategies

    from server.services import push_sending

    limiter = strategies.MovingWindowRateLimiter(storage.MemoryStorage())
    costs: list[int] = []

    class Recording:
        """The real limiter, recording the size of each acquisition."""

        def hit(self, limit, key, cost=1):
            costs.append(cost)
            return limiter.hit(limit, key, cost=cost)

    monkeypatch.setattr(push_sending, "_limiter", lambda uri: Recording())
    monkeypatch.setattr(push_sending, "PERMIT_BLOCK", 3)
    monkeypatch.setitem(app.config, "WECHAT_SEND_RATE", "7/minute")
    push_sending.take_permits(7)
    assert costs == [3, 3, 1]  # three round trips for seven permits
    assert not limiter.hit(parse("7/minute"), push_sending.RATE_KEY)  # the budget is used up
    monkeypatch.setitem(app.config, "WECHAT_SEND_RATE", "2/minute")
    costs.clear()
    push_sending.take_permits(2)
    assert costs == [2]  # a block never exceeds the window's amount (it could never be granted)
