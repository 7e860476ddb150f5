"""Redis down (its port closed behind a proxy, then open again): a notice is sent and an
acknowledgment recorded (200, committed) though their pushes cannot be queued; the pushes stay
pending and the periodic re-queue hands them to the broker once Redis is back, where the worker
sends each once. ``/readyz`` names Redis while it is down."""

from __future__ import annotations

from datetime import timedelta

import pytest
import redis
from sqlalchemy import func, select

from server.extensions import db
from server.jobs import requeue
from server.models import Delivery, NoticeRecipient, utcnow
from server.queue import huey
from server.services.delivery import dispatch, recover_lost_claims
from tests.faults.conftest import error_code, faulty_app, on_postgresql
from tests.faults.proxy import TcpProxy
from tests.hazards.conftest import unit_by_code
from tests.notices.conftest import give_grant, user_id
from tests.notices.test_notices import bind, classes, write
from tests.support.families import on_roster, request_binding

pytestmark = on_postgresql
REDIS_HOST, REDIS_PORT = "127.0.0.1", 6379
# A database of its own on the shared Redis: no other test's queue or keys meet ours.
REDIS_DB = 13


@pytest.fixture
def redis_proxy():
    """A proxy in front of the local Redis (skipped when Redis does not answer)."""
    try:
        redis.Redis(REDIS_HOST, REDIS_PORT, socket_connect_timeout=1).ping()
    except redis.RedisError as exc:
        pytest.skip(f"Redis at {REDIS_HOST}:{REDIS_PORT} does not answer: {exc}")
    with TcpProxy(REDIS_HOST, REDIS_PORT) as proxy:
        yield proxy


@pytest.fixture
def broker_app(demo, fake_wechat, tmp_path, redis_proxy):
    """The app with Redis (through the proxy) as its broker, as in production."""
    url = f"redis://{redis_proxy.address}/{REDIS_DB}"
    with faulty_app(demo, fake_wechat, tmp_path, REDIS_URL=url, JOBS_IMMEDIATE=False) as app:
        huey.storage.flush_all()  # this database's queue starts empty
        yield app
        redis_proxy.up()  # a failed test may have left it down
        huey.storage.flush_all()


def _readyz(client) -> tuple[int, dict]:
    """``/readyz``'s status and its checks."""
    response = client.get("/readyz")
    body = response.get_json()
    return response.status_code, body.get("checks") or body["error"]["details"]


def test_notice_and_ack_with_redis_down(
    demo, broker_app, client, login, templates, fake_wechat, redis_proxy
):
    parent = login("p-li")
    bind(client, parent, classes("YQ101")[0], "李小红")
    give_grant("p-li", templates["notice"])
    school = login("demo-school_admin")
    notice = write(client, school, "YQ101", unit_ids=[unit_by_code("YQ101").id]).get_json()
    web = broker_app.test_client()
    assert _readyz(web) == (200, {"database": "ok", "redis": "ok", "storage": "ok"})

    redis_proxy.down()
    status, checks = _readyz(web)
    assert status == 503 and checks["redis"].startswith("error") and checks["database"] == "ok"
    sent = web.post(f"/api/v1/notices/{notice['id']}/send", headers=school)
    assert sent.status_code == 200, sent.get_json()
    child = web.get(f"/api/v1/notices/{notice['id']}", headers=parent).get_json()["children"][0]
    ack = {"child_id": child["child_id"]}
    acked = web.post(f"/api/v1/notices/{notice['id']}/acknowledge", headers=parent, json=ack)
    assert acked.status_code == 200, acked.get_json()
    again = web.post(f"/api/v1/notices/{notice['id']}/acknowledge", headers=parent, json=ack)
    assert again.get_json()["acknowledged_at"] == acked.get_json()["acknowledged_at"]
    acks = select(func.count()).where(
        NoticeRecipient.parent_id == user_id("p-li"), NoticeRecipient.acknowledged_at.isnot(None)
    )
    assert db.session.scalar(acks) == 1
    push = db.session.scalars(select(Delivery).where(Delivery.status != "no_grant")).one()
    assert push.status == "pending" and fake_wechat.messages() == []

    # Redis is back. The periodic re-queue (every 5 minutes) finds the push pending for ten
    # minutes and queues it; the worker takes it from Redis and sends it, once.
    redis_proxy.up()
    push.created_at = utcnow() - timedelta(minutes=30)
    db.session.commit()
    with broker_app.app_context():
        assert requeue() == 1
        queued = huey.dequeue()
        assert queued is not None and huey.dequeue() is None
        huey.execute(queued)
    db.session.expire_all()
    assert db.session.get(Delivery, push.id).status == "sent"
    assert [m["touser"] for m in fake_wechat.messages()] == ["p-li"]
    assert _readyz(web)[0] == 200


def test_binding_a_child_with_redis_down(demo, broker_app, client, login, redis_proxy):
    """The guessing limit lives in Redis: without it a binding answers a clear 503, and works
    once Redis is back."""
    parent = login("p-wang")
    school_class = classes("YQ101")[0]
    on_roster(school_class, "王小刚")
    web = broker_app.test_client()
    redis_proxy.down()
    refused = request_binding(web, parent, school_class, "王小刚")
    assert (refused.status_code, error_code(refused)) == (503, "service_unavailable")
    redis_proxy.up()
    assert request_binding(web, parent, school_class, "王小刚").status_code == 201


def test_worker_losing_redis_mid_fan_out(broker_app, fake_wechat, templates, redis_proxy):
    """The send-rate limit lives in Redis: a worker that loses it stops; what it claimed is
    given back by recovery and sent once when Redis is back."""
    from tests.jobs.conftest import parents_with_pushes

    with broker_app.app_context():
        ids = parents_with_pushes(fake_wechat, templates["notice"], 3, prefix="rl")
        redis_proxy.down()
        try:
            stopped = dispatch(ids)
        except redis.RedisError:
            stopped = None  # the worker's job fails; huey logs it
        assert stopped is None or stopped.sent == 0
        db.session.rollback()
        statuses = set(db.session.scalars(select(Delivery.status)))
        assert statuses <= {"claimed", "pending"} and fake_wechat.messages() == []
        redis_proxy.up()
        assert recover_lost_claims(timedelta(0))[1] == 0  # nothing was in flight
        assert dispatch(ids).sent == 3
        assert sorted(m["touser"] for m in fake_wechat.messages()) == ["rl-000", "rl-001", "rl-002"]
        db.session.remove()
