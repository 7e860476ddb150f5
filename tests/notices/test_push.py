"""Push deliveries: grants, WeChat's answers, retries, exactly-once dispatch, field limits."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import select

from server.extensions import db
from server.models import Delivery, Notification, SubscriptionGrant, utcnow
from server.push.templates import cut
from server.services import delivery
from server.services.notify import notify
from tests.notices.conftest import give_grant, user_id


def _notify(openid: str, title: str = "防溺水安全告家长书") -> int:
    ids = notify(
        [user_id(openid)],
        kind="notice",
        title=title,
        body="请阅读",
        template_key="notice",
        values={
            "title": title,
            "sender": "符离中心小学",
            "sent_at": "2026-06-01 08:00",
            "hint": "请阅读并确认",
            "notice_id": 7,
        },
    )
    db.session.commit()
    row = db.session.scalars(select(Delivery).order_by(Delivery.id.desc())).first()
    return ids[0] if ids else row.id


def _remaining(openid: str, template_id: str) -> int:
    return db.session.scalars(
        select(SubscriptionGrant.remaining).where(
            SubscriptionGrant.user_id == user_id(openid),
            SubscriptionGrant.template_id == template_id,
        )
    ).one()


def test_granted_user_gets_exactly_one_message(app, login, fake_wechat, templates):
    login("parent-a")
    give_grant("parent-a", templates["notice"])
    did = _notify("parent-a")
    first = delivery.dispatch([did])
    again = delivery.dispatch([did])  # a duplicate task: the claim stops it
    assert (first.sent, again.sent) == (1, 0)
    messages = fake_wechat.messages()
    assert len(messages) == 1 and messages[0]["touser"] == "parent-a"
    assert messages[0]["page"] == "pages/notices/detail?id=7"
    assert messages[0]["miniprogram_state"] == "developer"
    row = db.session.get(Delivery, did)
    assert row.status == "sent" and row.msgid
    assert _remaining("parent-a", templates["notice"]) == 0


def test_no_grant_means_inbox_only(app, login, fake_wechat, templates):
    login("parent-b")
    did = _notify("parent-b")
    row = db.session.get(Delivery, did)
    assert row.status == "no_grant"
    assert delivery.dispatch([did]).sent == 0 and fake_wechat.messages() == []
    inbox = db.session.scalars(
        select(Notification).where(Notification.user_id == user_id("parent-b"))
    ).all()
    assert len(inbox) == 1


def test_refusal_spends_the_grant(app, login, fake_wechat, templates):
    login("parent-c")
    give_grant("parent-c", templates["notice"], remaining=2)
    fake_wechat.refuse("parent-c", templates["notice"])
    did = _notify("parent-c")
    assert delivery.dispatch([did]).refused == 1
    row = db.session.get(Delivery, did)
    assert (row.status, row.errcode) == ("refused", 43101)
    assert _remaining("parent-c", templates["notice"]) == 1


@pytest.mark.parametrize("errcode", [40003, 47003, 40037])
def test_permanent_errors_are_recorded_and_refund(app, login, fake_wechat, templates, errcode):
    login("parent-d")
    give_grant("parent-d", templates["notice"])
    fake_wechat.inject_failure("cgi-bin/message/subscribe/send", errcode=errcode, errmsg="x")
    did = _notify("parent-d")
    assert delivery.dispatch([did]).failed == 1
    row = db.session.get(Delivery, did)
    assert (row.status, row.errcode) == ("failed", errcode)
    assert _remaining("parent-d", templates["notice"]) == 1


@pytest.mark.parametrize("failure", [{"errcode": -1}, {"errcode": 45009}, {"http_status": 503}])
def test_transient_errors_retry_then_send_once(app, login, fake_wechat, templates, failure):
    login("parent-e")
    give_grant("parent-e", templates["notice"])
    fake_wechat.inject_failure("cgi-bin/message/subscribe/send", **failure)
    did = _notify("parent-e")
    result = delivery.dispatch([did])
    assert result.retry == [did] and result.sent == 0
    row = db.session.get(Delivery, did)
    assert row.status == "pending" and row.attempts == 1
    assert _remaining("parent-e", templates["notice"]) == 1  # refunded for the retry
    assert delivery.dispatch([did]).sent == 1
    assert len(fake_wechat.messages()) == 1
    assert _remaining("parent-e", templates["notice"]) == 0


def test_gives_up_after_max_attempts(app, login, fake_wechat, templates):
    login("parent-f")
    give_grant("parent-f", templates["notice"])
    fake_wechat.inject_failure(
        "cgi-bin/message/subscribe/send", errcode=-1, times=delivery.MAX_ATTEMPTS
    )
    did = _notify("parent-f")
    for _ in range(delivery.MAX_ATTEMPTS):
        delivery.dispatch([did])
    row = db.session.get(Delivery, did)
    assert (row.status, row.errcode, row.attempts) == ("failed", -1, delivery.MAX_ATTEMPTS)


def test_long_values_are_cut_before_sending(app, login, fake_wechat, templates):
    login("parent-g")
    give_grant("parent-g", templates["notice"])
    title = "关于做好暑假期间预防学生溺水工作致全体家长的一封信(请务必阅读)"
    did = _notify("parent-g", title=title)
    assert delivery.dispatch([did]).sent == 1  # the fake answers 47003 to a thing over 20
    sent = fake_wechat.messages()[0]["data"]["thing1"]["value"]
    assert len(sent) == 20 and sent.endswith("…")
    assert cut("thing", "短标题") == "短标题" and len(cut("phrase", "一二三四五六")) == 5


def test_requeue_and_lost_claims(app, login, templates):
    login("parent-h")
    give_grant("parent-h", templates["notice"])
    did = _notify("parent-h")
    row = db.session.get(Delivery, did)
    row.created_at = utcnow() - timedelta(minutes=30)
    db.session.commit()
    assert delivery.stale_pending(timedelta(minutes=10)) == [did]
    row.status, row.claimed_at = "claimed", utcnow() - timedelta(minutes=30)
    db.session.commit()
    assert delivery.recover_lost_claims() == (1, 0)  # never started: back to pending
    row = db.session.get(Delivery, did)
    assert (row.status, row.claimed_by) == ("pending", None)
    row.status, row.started_at = "sending", utcnow() - timedelta(minutes=30)
    db.session.commit()
    assert delivery.recover_lost_claims() == (0, 1)  # in flight: maybe delivered
    assert db.session.get(Delivery, did).status == "uncertain"
    assert delivery.dispatch([did]).sent == 0


def test_subscription_reports_count_grants(client, login, templates):
    headers = login("parent-i")
    notice_id = templates["notice"]
    for _ in range(2):
        response = client.post(
            "/api/v1/subscriptions", headers=headers, json={"results": {notice_id: "accept"}}
        )
        assert response.status_code == 200
    listed = {t["template_id"]: t for t in response.get_json()["templates"]}
    assert listed[notice_id]["remaining"] == 2
    client.post("/api/v1/subscriptions", headers=headers, json={"results": {notice_id: "reject"}})
    assert _remaining("parent-i", notice_id) == 2  # a refusal takes nothing away
    for bad in (
        {"results": {"unknown-template": "accept"}},
        {"results": {notice_id: "maybe"}},
        {"results": {}},
        {},
    ):
        assert client.post("/api/v1/subscriptions", headers=headers, json=bad).status_code == 422


def test_rate_limit_budget(app):
    from limits import parse

    limiter = delivery._limiter("memory://")
    limit = parse("2/minute")
    key = f"test-{utcnow().timestamp()}"
    assert limiter.hit(limit, key) and limiter.hit(limit, key)
    assert not limiter.hit(limit, key)  # wait_for_rate_limit would sleep here


def test_rate_limit_is_shared_through_redis():
    import redis
    from limits import parse, storage, strategies

    url = "redis://127.0.0.1:6379/15"
    try:
        redis.Redis.from_url(url, socket_connect_timeout=1).ping()
    except redis.RedisError as exc:
        pytest.skip(f"Redis at 127.0.0.1:6379 not reachable: {exc}")
    # Two workers' limiters (separate storages), one budget.
    first = strategies.MovingWindowRateLimiter(storage.storage_from_string(url))
    second = strategies.MovingWindowRateLimiter(storage.storage_from_string(url))
    limit = parse("3/minute")
    key = f"shared-test-{utcnow().timestamp()}"
    assert first.hit(limit, key) and second.hit(limit, key) and first.hit(limit, key)
    assert not second.hit(limit, key)
