"""PostgreSQL for the tests: a throw-away database per session on the local server."""

from __future__ import annotations

import os
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from functools import cache
from pathlib import Path

import psycopg
import pytest

ADMIN_DSN = os.environ.get(
    "TEST_POSTGRES_DSN", "host=127.0.0.1 port=5432 dbname=test user=postgres connect_timeout=3"
)


@cache
def postgres_unavailable_reason() -> str | None:
    """None when PostgreSQL answers and lets us create databases, else why not."""
    try:
        with psycopg.connect(ADMIN_DSN, autocommit=True) as conn:
            conn.execute("SELECT 1")
    except psycopg.Error as exc:
        return f"PostgreSQL at 127.0.0.1:5432 does not answer ({str(exc).strip()[:120]})"
    return None


@contextmanager
def postgres_database() -> Iterator[str]:
    """Create a uniquely named database, yield its SQLAlchemy URL, drop it afterwards."""
    name = f"safety_test_{uuid.uuid4().hex[:10]}"
    info = psycopg.conninfo.conninfo_to_dict(ADMIN_DSN)
    with psycopg.connect(ADMIN_DSN, autocommit=True) as conn:
        conn.execute(f'CREATE DATABASE "{name}"')
    try:
        yield (
            f"postgresql+psycopg://{info.get('user', 'postgres')}@"
            f"{info.get('host', '127.0.0.1')}:{info.get('port', 5432)}/{name}"
        )
    finally:
        with psycopg.connect(ADMIN_DSN, autocommit=True) as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def database_url_for(kind: str, tmp_root: Path) -> Iterator[str]:
    """An empty database of ``kind`` ("sqlite" or "postgresql"), as a SQLAlchemy URL, for as long
    as the generator lives; PostgreSQL's is skipped, with the reason, when it does not answer."""
    if kind == "sqlite":
        yield f"sqlite:///{tmp_root / 'test.db'}"
        return
    reason = postgres_unavailable_reason()
    if reason:
        pytest.skip(f"PostgreSQL tests skipped: {reason}")
    with postgres_database() as url:
        yield url
