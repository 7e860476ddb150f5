"""The database connection cut (the app's connections terminated by PostgreSQL, or dropped by a
proxy in the middle of a request) or the database gone: the next request reconnects (the pool
checks a connection before use, as production configures it) or answers 503
``service_unavailable`` in the standard shape, never a 500; an acknowledgment interrupted by
the cut is not half-recorded, and its retry records it exactly once; a write of several
statements cut before its commit leaves nothing behind."""

from __future__ import annotations

import psycopg
import pytest
from sqlalchemy import event, select

from server.extensions import db
from server.models import Notice, NoticeRecipient, NoticeTarget
from tests.faults.conftest import error_code, faulty_app, on_postgresql
from tests.faults.proxy import TcpProxy
from tests.hazards.conftest import unit_by_code
from tests.notices.test_notices import bind, classes, write
from tests.support.databases import ADMIN_DSN

pytestmark = on_postgresql
APP_NAME = "faults-web"


@pytest.fixture
def db_proxy() -> TcpProxy:
    """A proxy in front of the local PostgreSQL."""
    info = psycopg.conninfo.conninfo_to_dict(ADMIN_DSN)
    with TcpProxy(info.get("host", "127.0.0.1"), int(info.get("port", 5432))) as proxy:
        yield proxy


@pytest.fixture
def web(demo, fake_wechat, tmp_path, db_proxy, monkeypatch):
    """The app reaching the database through the proxy, its engine configured from
    ``DATABASE_URL`` as in production (pool with pre-ping); its connections are named."""
    base = demo.config["SQLALCHEMY_DATABASE_URI"]
    name = base.rsplit("/", 1)[1]
    url = f"postgresql+psycopg://postgres@{db_proxy.address}/{name}?application_name={APP_NAME}"
    monkeypatch.setenv("DATABASE_URL", url)
    with faulty_app(demo, fake_wechat, tmp_path, SQLALCHEMY_DATABASE_URI=url) as app:
        assert app.config["SQLALCHEMY_ENGINE_OPTIONS"]["pool_pre_ping"] is True
        yield app


@pytest.fixture
def acknowledging(demo, client, login):
    """A parent with a notice to acknowledge: (headers, notice id, child id)."""
    parent = login("p-li")
    bind(client, parent, classes("YQ101")[0], "李小红")
    school = login("demo-school_admin")
    notice = write(client, school, "YQ101", unit_ids=[unit_by_code("YQ101").id]).get_json()
    assert client.post(f"/api/v1/notices/{notice['id']}/send", headers=school).status_code == 200
    opened = client.get(f"/api/v1/notices/{notice['id']}", headers=parent).get_json()
    db.session.remove()  # the test's own session holds nothing while the app is cut
    return parent, notice["id"], opened["children"][0]["child_id"]


def _ack(client, acknowledging):
    """The parent's acknowledgment, as the phone sends it (and resends it)."""
    headers, notice_id, child_id = acknowledging
    return client.post(
        f"/api/v1/notices/{notice_id}/acknowledge", headers=headers, json={"child_id": child_id}
    )


def _acknowledged(acknowledging) -> list:
    """The acknowledgment times recorded on the recipient rows of the notice."""
    db.session.remove()
    rows = select(NoticeRecipient.acknowledged_at).where(
        NoticeRecipient.notice_id == acknowledging[1]
    )
    return [at for at in db.session.scalars(rows) if at is not None]


def _terminate_app_connections() -> int:
    """Have PostgreSQL end every connection of the app (as a restart or failover would)."""
    with psycopg.connect(ADMIN_DSN, autocommit=True) as conn:
        return len(
            conn.execute(
                "SELECT pg_terminate_backend(pid) FROM pg_stat_activity"
                " WHERE application_name = %s",
                (APP_NAME,),
            ).fetchall()
        )


def test_connections_terminated_between_requests(web, acknowledging):
    client = web.test_client()
    assert client.get("/readyz").status_code == 200  # the pool holds a connection now
    assert _terminate_app_connections() >= 1
    first = _ack(client, acknowledging)
    assert first.status_code == 200, first.get_json()  # pre-ping replaced the dead connection
    assert _terminate_app_connections() >= 1
    again = _ack(client, acknowledging)  # the phone's retry
    assert again.get_json()["acknowledged_at"] == first.get_json()["acknowledged_at"]
    assert len(_acknowledged(acknowledging)) == 1


def _cut_when(engine, db_proxy, hook: str, starts: tuple[str, ...]):
    """Arm a one-shot cut of the proxy: at the engine event ``hook`` ("before_cursor_execute":
    as the statement is sent; "commit": before the transaction's COMMIT) once a statement
    starting with one of ``starts`` was (or is being) executed. Returns the state and a remover."""
    seen = {"statement": False, "armed": True}

    def note(conn, cursor, statement, *args):
        """Remember that the watched statement is running in this request."""
        if statement.lstrip().upper().startswith(starts):
            seen["statement"] = True
            if hook == "before_cursor_execute" and seen["armed"]:
                seen["armed"] = False
                db_proxy.cut()

    def before_commit(conn):
        """The connection drops after the watched statement, before its COMMIT."""
        if seen["statement"] and seen["armed"]:
            seen["armed"] = False
            db_proxy.cut()

    event.listen(engine, "before_cursor_execute", note)
    if hook == "commit":
        event.listen(engine, "commit", before_commit)

    def remove():
        """Disarm: the listeners go."""
        event.remove(engine, "before_cursor_execute", note)
        if hook == "commit":
            event.remove(engine, "commit", before_commit)

    return seen, remove


def test_connection_cut_as_an_ack_is_sent(web, acknowledging, db_proxy):
    # On PostgreSQL the acknowledgment is one statement in autocommit (server/autocommit.py):
    # its own transaction. Cut as it is sent, it never ran: 503, nothing recorded.
    client = web.test_client()
    with web.app_context():
        engine = db.engine  # the web app's engine (through the proxy), not the test app's
    seen, remove = _cut_when(engine, db_proxy, "before_cursor_execute", ("WITH",))
    try:
        cut = _ack(client, acknowledging)
    finally:
        remove()
    assert not seen["armed"], "the acknowledgment's statement was never sent"
    assert (cut.status_code, error_code(cut)) == (503, "service_unavailable")
    assert _acknowledged(acknowledging) == []

    retried = _ack(client, acknowledging)
    assert retried.status_code == 200, retried.get_json()
    assert len(_acknowledged(acknowledging)) == 1


def test_connection_cut_before_a_commit(web, demo, login, db_proxy):
    # A write of several statements (a notice and its targets) cut after them, before COMMIT:
    # the transaction dies with the connection, nothing is half-written, the retry writes once.
    client = web.test_client()
    with web.app_context():
        engine = db.engine
    school = login("demo-school_admin")
    db.session.remove()
    seen, remove = _cut_when(engine, db_proxy, "commit", ("INSERT INTO NOTICE_TARGETS",))
    try:
        cut = write(client, school, "YQ101", unit_ids=[unit_by_code("YQ101").id])
    finally:
        remove()
    assert not seen["armed"], "the notice's write never reached its commit"
    assert (cut.status_code, error_code(cut)) == (503, "service_unavailable")
    db.session.remove()
    assert db.session.scalars(select(Notice.id)).all() == []
    assert db.session.scalars(select(NoticeTarget.id)).all() == []

    retried = write(client, school, "YQ101", unit_ids=[unit_by_code("YQ101").id])
    assert retried.status_code == 201, retried.get_json()
    db.session.remove()
    assert len(db.session.scalars(select(Notice.id)).all()) == 1


def test_database_down_then_back(web, acknowledging, db_proxy):
    client = web.test_client()
    db_proxy.down()
    down = _ack(client, acknowledging)
    assert (down.status_code, error_code(down)) == (503, "service_unavailable")
    ready = client.get("/readyz")
    assert ready.status_code == 503
    assert ready.get_json()["error"]["details"]["database"].startswith("error")
    assert client.get("/livez").status_code == 200  # the process itself is fine

    db_proxy.up()
    back = _ack(client, acknowledging)
    assert back.status_code == 200, back.get_json()
    assert len(_acknowledged(acknowledging)) == 1
    assert client.get("/readyz").status_code == 200
