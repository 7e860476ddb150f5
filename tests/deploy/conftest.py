"""The bring-up's surroundings: a throw-away PostgreSQL database (two: the service's and the one a
backup is restored into), a Redis database of its own, the SeaweedFS S3 server of the session,
and an environment file made from ``deploy/.env.example`` pointing at them."""

from __future__ import annotations

import contextlib
import secrets
import uuid
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
import redis
from minio import Minio

from tests.deploy.stack import free_port, redis_database, write_env_file
from tests.support.databases import postgres_database, postgres_unavailable_reason
from tests.support.seaweed import SeaweedS3


@pytest.fixture
def postgres() -> Iterator[Callable[[], str]]:
    """A factory of empty PostgreSQL databases (URLs), all dropped afterwards; the test is
    skipped, with the reason, when PostgreSQL does not answer."""
    reason = postgres_unavailable_reason()
    if reason:
        pytest.skip(f"the bring-up needs PostgreSQL: {reason}")
    with contextlib.ExitStack() as stack:
        yield lambda: stack.enter_context(postgres_database())


@pytest.fixture
def redis_url() -> Iterator[str]:
    """A Redis database on 127.0.0.1:6379 no other test or stack uses (skip without Redis)."""
    try:
        redis.Redis(host="127.0.0.1", port=6379, socket_connect_timeout=2).ping()
    except redis.RedisError as exc:
        pytest.skip(f"the bring-up needs Redis at 127.0.0.1:6379: {exc}")
    with redis_database() as url:
        yield url


@pytest.fixture
def buckets(seaweed: SeaweedS3) -> Iterator[Callable[[], str]]:
    """A factory of fresh bucket names on the session's S3 server, removed afterwards (with
    their objects: SeaweedFS deletes non-empty buckets)."""
    names: list[str] = []

    def _bucket() -> str:
        names.append(f"bringup-{uuid.uuid4().hex[:16]}")
        return names[-1]

    yield _bucket
    client = Minio(seaweed.endpoint, seaweed.access_key, seaweed.secret_key, secure=False)
    for name in names:
        with contextlib.suppress(Exception):
            client.remove_bucket(name)


@pytest.fixture
def env_values(postgres, redis_url, seaweed, buckets, tmp_path) -> dict[str, str]:
    """The values of ``deploy/.env.example`` that point at this machine; the rest stay as the
    example has them."""
    web_port, wechat_port = _two_ports()
    return {
        # Production refuses a WeChat API on loopback (config.validate_settings), and the fake
        # one is all there is here; as under systemd, the file's APP_ENV wins over the units'
        # Environment=APP_ENV=production. That this is the only production check the file fails
        # is test_the_env_file_passes_production_checks_but_for_the_fake_wechat's.
        "APP_ENV": "test",
        "SECRET_KEY": secrets.token_hex(32),
        "DATABASE_URL": postgres(),
        "REDIS_URL": redis_url,
        "DATA_DIR": str(tmp_path / "data"),
        "WECHAT_APPID": "wx-bringup",
        "WECHAT_SECRET": secrets.token_hex(16),
        "WECHAT_CALLBACK_TOKEN": secrets.token_hex(16),
        "WECHAT_API_BASE_URL": f"http://127.0.0.1:{wechat_port}/",
        "MINIO_ENDPOINT": seaweed.endpoint,
        "MINIO_ACCESS_KEY": seaweed.access_key,
        "MINIO_SECRET_KEY": seaweed.secret_key,
        "MINIO_BUCKET": buckets(),
        # WeChat pushes its media verdicts here (the fake does, a second after each check).
        "PUBLIC_BASE_URL": f"http://127.0.0.1:{web_port}",
        "GUNICORN_BIND": f"127.0.0.1:{web_port}",
        "UPSTREAM": f"127.0.0.1:{web_port}",
        # One worker process (with the example's two threads) serves a phone or two; each
        # worker loads the app, which is the slow part of starting the stack.
        "GUNICORN_WORKERS": "1",
    }


def _two_ports() -> tuple[int, int]:
    """Two distinct free loopback ports."""
    first = free_port()
    second = free_port()
    while second == first:
        second = free_port()
    return first, second


@pytest.fixture
def env_file(env_values, tmp_path) -> Path:
    """The environment file (``/etc/school-safety/env`` on a server)."""
    return write_env_file(tmp_path / "env", env_values)
