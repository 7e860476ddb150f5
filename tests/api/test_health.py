"""``/livez`` is liveness (no dependency touched), ``/healthz`` health (the database and the store,
the benchmarks' baseline), ``/readyz`` readiness (adds Redis); the last two name what is down."""

from __future__ import annotations

import socket

import redis
from sqlalchemy import event

from server.extensions import db
from storage import StorageUnavailable
from tests.api.test_basics import assert_error_shape


def _closed_port() -> int:
    """A loopback port nothing listens on (bound, then released)."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def test_livez_answers_without_touching_the_database(app, client):
    statements = []

    def count(*args):
        """Count one statement."""
        statements.append(args)

    with app.app_context():
        event.listen(db.engine, "before_cursor_execute", count)
        try:
            response = client.get("/livez")
        finally:
            event.remove(db.engine, "before_cursor_execute", count)
    assert response.status_code == 200 and response.get_json() == {"status": "ok"}
    assert statements == []


def test_livez_stays_200_when_every_dependency_is_down(app, client, monkeypatch):
    def down():
        """The store does not answer."""
        raise StorageUnavailable("no route")

    def broken(*args, **kwargs):
        """The driver's connection is gone."""
        raise ConnectionResetError("connection cut")

    monkeypatch.setattr(app.extensions["store"], "ping", down)
    monkeypatch.setitem(app.config, "REDIS_URL", f"redis://127.0.0.1:{_closed_port()}/0")
    with app.app_context():
        monkeypatch.setattr(db.session, "execute", broken)
        assert client.get("/livez").status_code == 200
        assert client.get("/healthz").status_code == 503
        assert client.get("/readyz").status_code == 503


def test_healthz_checks_the_database_and_the_store_only(app, client, monkeypatch):
    statements = []

    def count(conn, cursor, statement, *args):
        """Record one statement."""
        statements.append(statement)

    # Redis is not part of /healthz (its meaning is the benchmarks' baseline): a dead one is
    # ignored.
    monkeypatch.setitem(app.config, "REDIS_URL", f"redis://127.0.0.1:{_closed_port()}/0")
    with app.app_context():
        event.listen(db.engine, "before_cursor_execute", count)
        try:
            response = client.get("/healthz")
        finally:
            event.remove(db.engine, "before_cursor_execute", count)
    assert response.status_code == 200
    assert response.get_json() == {"status": "ok", "checks": {"database": "ok", "storage": "ok"}}
    assert statements == ["SELECT 1"]


def test_healthz_is_503_naming_the_store_when_it_is_down(app, client, monkeypatch):
    def down():
        """The store does not answer."""
        raise StorageUnavailable("no route")

    monkeypatch.setattr(app.extensions["store"], "ping", down)
    response = client.get("/healthz")
    assert_error_shape(response, 503, "unhealthy")
    details = response.get_json()["error"]["details"]
    assert details["storage"].startswith("error") and details["database"] == "ok"


def test_healthz_is_503_naming_a_database_that_does_not_answer(app, client, monkeypatch):
    def broken(*args, **kwargs):
        """The driver's connection is gone."""
        raise ConnectionResetError("connection cut")

    with app.app_context():
        monkeypatch.setattr(db.session, "execute", broken)
        response = client.get("/healthz")
    assert_error_shape(response, 503, "unhealthy")
    details = response.get_json()["error"]["details"]
    assert details == {"database": "error: ConnectionResetError", "storage": "ok"}


def test_readyz_reports_database_and_store(client):
    body = client.get("/readyz").get_json()
    assert body == {"status": "ok", "checks": {"database": "ok", "storage": "ok"}}


def test_readyz_is_503_naming_the_store_when_it_is_down(app, client, monkeypatch):
    def down():
        """The store does not answer."""
        raise StorageUnavailable("no route")

    monkeypatch.setattr(app.extensions["store"], "ping", down)
    response = client.get("/readyz")
    assert_error_shape(response, 503, "unready")
    details = response.get_json()["error"]["details"]
    assert details["storage"].startswith("error") and details["database"] == "ok"


def test_readyz_is_503_naming_redis_when_it_is_configured_and_down(app, client, monkeypatch):
    monkeypatch.setitem(app.config, "REDIS_URL", f"redis://127.0.0.1:{_closed_port()}/0")
    response = client.get("/readyz")
    assert_error_shape(response, 503, "unready")
    details = response.get_json()["error"]["details"]
    assert details == {"database": "ok", "redis": "error: ConnectionError", "storage": "ok"}


def test_readyz_checks_a_reachable_redis(app, client, monkeypatch):
    try:
        redis.Redis(host="127.0.0.1", port=6379, socket_connect_timeout=1).ping()
    except redis.RedisError as exc:
        import pytest

        pytest.skip(f"Redis at 127.0.0.1:6379 not reachable: {exc}")
    monkeypatch.setitem(app.config, "REDIS_URL", "redis://127.0.0.1:6379/15")
    body = client.get("/readyz").get_json()
    assert body["checks"] == {"database": "ok", "redis": "ok", "storage": "ok"}


def test_readyz_reports_a_database_that_does_not_answer(app, client, monkeypatch):
    def broken(*args, **kwargs):
        """The driver's connection is gone."""
        raise ConnectionResetError("connection cut")

    with app.app_context():
        monkeypatch.setattr(db.session, "execute", broken)
        response = client.get("/readyz")
    assert response.status_code == 503
    assert response.get_json()["error"]["details"]["database"] == "error: ConnectionResetError"


def test_all_three_are_public_and_in_the_openapi_document(client):
    paths = client.get("/api/v1/openapi.json").get_json()["paths"]
    for path in ("/livez", "/healthz", "/readyz"):
        assert paths[path]["get"]["security"] == []
