"""Fixtures and helpers of the fault tests: every test runs on PostgreSQL (production's
database; SQLite cannot lose a connection to a server), and builds a second app beside the
session's one whose dependency (store, Redis, database, WeChat) goes through a fault."""

from __future__ import annotations

import socket
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest
from flask import Flask

from server import create_app
from server.extensions import db
from server.queue import init_queue
from tests.conftest import _overrides
from tests.hazards.conftest import report, upload  # noqa: F401  (fixtures)
from tests.notices.conftest import templates  # noqa: F401  (fixture)

# Applied to every module of the package: the faults are those of production's PostgreSQL.
on_postgresql = pytest.mark.parametrize("database_url", ["postgresql"], indirect=True)


def closed_port() -> int:
    """A loopback port nothing listens on (a dependency that is down)."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@contextmanager
def faulty_app(base: Flask, fake_wechat, media_root: Path, **settings) -> Iterator[Flask]:
    """Another app on the session's database, with ``settings`` replacing the test ones (a
    broken Redis URL, a store behind a proxy...); the queue is handed back to ``base`` and the
    other app's connections are closed afterwards."""
    overrides = _overrides(base.config["SQLALCHEMY_DATABASE_URI"], media_root, fake_wechat.url)
    app = create_app({**overrides, **settings})
    try:
        app.extensions["store"].ensure_ready()  # the bucket or the media folder
        yield app
    finally:
        init_queue(base)
        with app.app_context():
            db.session.remove()
            db.engine.dispose()
        db.session.remove()


def error_code(response) -> str | None:
    """The ``error.code`` of a response in the standard error shape (None otherwise)."""
    body = response.get_json(silent=True) or {}
    return (body.get("error") or {}).get("code")
