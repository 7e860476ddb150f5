"""A broker outage never turns a committed action into an error: the notice is sent (200), its
push stays pending, and the periodic re-queue sends it once the queue works again."""

from __future__ import annotations

import socket
from datetime import timedelta

from sqlalchemy import select

from server import create_app
from server.extensions import db
from server.jobs import requeue
from server.models import Delivery, utcnow
from server.queue import init_queue
from tests.conftest import _overrides
from tests.hazards.conftest import unit_by_code
from tests.notices.conftest import give_grant
from tests.notices.test_notices import bind, classes, write


def _closed_port() -> int:
    """A loopback port nothing listens on."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def test_sending_a_notice_with_the_broker_down(
    demo, client, login, templates, fake_wechat, tmp_path
):
    parent = login("p-li")
    bind(client, parent, classes("YQ101")[0], "李小红")
    give_grant("p-li", templates["notice"])
    school = login("demo-school_admin")
    notice = write(client, school, "YQ101", unit_ids=[unit_by_code("YQ101").id]).get_json()

    settings = _overrides(demo.config["SQLALCHEMY_DATABASE_URI"], tmp_path, fake_wechat.url)
    broken = create_app(
        {**settings, "JOBS_IMMEDIATE": False, "REDIS_URL": f"redis://127.0.0.1:{_closed_port()}/0"}
    )
    try:
        sent = broken.test_client().post(f"/api/v1/notices/{notice['id']}/send", headers=school)
    finally:
        init_queue(demo)  # the queue is the test app's again (immediate)
        with broken.app_context():
            db.engine.dispose()
    assert sent.status_code == 200, sent.get_json()
    again = client.post(f"/api/v1/notices/{notice['id']}/send", headers=school)
    assert again.status_code == 409  # committed once; a retry is refused, as it should be
    db.session.expire_all()
    row = db.session.scalars(select(Delivery).where(Delivery.status != "no_grant")).one()
    assert row.status == "pending" and fake_wechat.messages() == []

    # The broker is back: the periodic re-queue finds the push and sends it, once.
    row.created_at = utcnow() - timedelta(minutes=30)
    db.session.commit()
    assert requeue() == 1
    assert requeue() == 0
    assert [m["touser"] for m in fake_wechat.messages()] == ["p-li"]
    assert db.session.get(Delivery, row.id).status == "sent"
