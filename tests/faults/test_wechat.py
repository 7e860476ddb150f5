"""WeChat down (nothing listens on its port) or answering errors (system busy -1, daily quota
45009, token invalid 40001, HTTP 502): a login answers 503 ``wechat_unavailable`` (429 for
the quota) in the standard shape and creates no user; pushes go back to pending, their
grants given back, and are scheduled again with backoff; once WeChat answers, each is
delivered exactly once; a refusal (43101) is recorded and never retried."""

from __future__ import annotations

from collections import Counter

import pytest
from sqlalchemy import func, select

from server.extensions import db
from server.jobs import send_deliveries
from server.models import Delivery, SubscriptionGrant, User
from server.queue import huey
from server.services.delivery import dispatch
from server.wechat import WeChatGateway
from tests.conftest import APP_SECRET, APPID
from tests.faults.conftest import closed_port, error_code, on_postgresql
from tests.jobs.conftest import parents_with_pushes

pytestmark = on_postgresql
LOGIN, SEND = "sns/jscode2session", "cgi-bin/message/subscribe/send"


def _wechat_down(app) -> None:
    """Point the app's WeChat gateway at a port nothing listens on."""
    app.extensions["wechat"] = WeChatGateway(
        APPID, APP_SECRET, api_base_url=f"http://127.0.0.1:{closed_port()}/"
    )


def _login(client, fake_wechat, openid: str):
    """A login with a fresh code for ``openid``."""
    return client.post("/api/v1/auth/login", json={"code": fake_wechat.mint_code(openid)})


def _users() -> int:
    """Users in the database now."""
    return db.session.scalar(select(func.count(User.id)))


def test_login_with_wechat_down(app, client, fake_wechat):
    real = app.extensions["wechat"]
    _wechat_down(app)
    down = _login(client, fake_wechat, "first-login")
    assert (down.status_code, error_code(down)) == (503, "wechat_unavailable")
    assert _users() == 0
    app.extensions["wechat"] = real  # WeChat is back: the phone logs in again
    assert _login(client, fake_wechat, "first-login").status_code == 200
    assert _users() == 1


@pytest.mark.parametrize(
    ("failure", "answer"),
    [
        ({"errcode": -1}, (503, "wechat_unavailable")),
        ({"http_status": 502}, (503, "wechat_unavailable")),
        # wechatpy fetches a new token and tries once more: both answers say 40001.
        ({"errcode": 40001, "times": 2}, (503, "wechat_unavailable")),
        ({"errcode": 45009}, (429, "rate_limited")),
    ],
)
def test_login_with_wechat_answering_errors(app, client, fake_wechat, failure, answer):
    fake_wechat.inject_failure(LOGIN, **failure)
    failed = _login(client, fake_wechat, "busy-day")
    assert (failed.status_code, error_code(failed)) == answer
    assert _users() == 0
    assert _login(client, fake_wechat, "busy-day").status_code == 200  # the retry works


def _grants_left() -> list[int]:
    """Each parent's remaining one-time grants."""
    db.session.expire_all()
    return sorted(db.session.scalars(select(SubscriptionGrant.remaining)))


def test_pushes_with_wechat_down_wait_and_go_once(app, fake_wechat, templates):
    ids = parents_with_pushes(fake_wechat, templates["notice"], 4, prefix="down")
    real = app.extensions["wechat"]
    _wechat_down(app)
    first = dispatch(ids)
    assert (first.sent, sorted(first.retry)) == (0, sorted(ids))
    rows = db.session.scalars(select(Delivery)).all()
    assert {(r.status, r.attempts) for r in rows} == {("pending", 1)}
    assert all(r.errmsg for r in rows)  # why it waits is recorded
    assert _grants_left() == [1, 1, 1, 1]  # given back: nothing reached anyone

    app.extensions["wechat"] = real
    again = dispatch(first.retry)
    assert again.sent == 4 and dispatch(ids).sent == 0  # a repeat sends nothing more
    assert Counter(m["touser"] for m in fake_wechat.messages()) == {
        f"down-{i:03d}": 1 for i in range(4)
    }
    assert _grants_left() == [0, 0, 0, 0]


def test_pushes_with_wechat_errors_are_retried_with_backoff(app, fake_wechat, templates):
    ids = parents_with_pushes(fake_wechat, templates["notice"], 6, prefix="err")
    fake_wechat.refuse("err-005", templates["notice"])
    for failure in ({"errcode": -1}, {"errcode": 45009}, {"http_status": 502}):
        fake_wechat.inject_failure(SEND, **failure)
    fake_wechat.inject_failure(SEND, errcode=40001, times=1)  # a new token, then it goes
    huey.storage.flush_schedule()

    # Which parent meets which failure depends on the order of the sends (concurrent ones
    # too): the counts are what is fixed.
    result = send_deliveries.call_local(ids)  # the worker's job, as the queue runs it
    assert len(result["retry"]) == 3 and result["sent"] + result["refused"] == 3
    scheduled = huey.scheduled()
    assert len(scheduled) == 1 and sorted(scheduled[0].args[0]) == sorted(result["retry"])
    assert scheduled[0].eta is not None  # backoff: later, not at once

    dispatch(scheduled[0].args[0])  # what the scheduled job does when due
    refused = db.session.scalars(select(Delivery).where(Delivery.status == "refused")).one()
    assert refused.errcode == 43101
    sent = Counter(m["touser"] for m in fake_wechat.messages())
    assert sent == {f"err-{i:03d}": 1 for i in range(5)}  # once each; the refusal never
    assert dispatch(ids).sent == 0
    statuses = Counter(db.session.scalars(select(Delivery.status)))
    assert statuses == {"sent": 5, "refused": 1}
