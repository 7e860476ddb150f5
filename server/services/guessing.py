"""A limit on guessing: failed class-code and family-code attempts per user.

A class code is six characters and a child's name is easy to guess, so whoever may try codes
and names without end could find a child. Each failed attempt (no class has the code, no pupil of
that name is on the roster, a wrong family code) is counted per user in a moving window; over the
limit every further attempt answers 429 until the window has moved on. The counts live where the
delivery rate limit lives: in Redis when ``REDIS_URL`` is set (shared by every web process and
host), else in this process's memory.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from functools import cache

from flask import current_app
from limits import parse, storage, strategies
from redis import RedisError

from server.errors import ApiError
from server.models import User

DEFAULT_RATE = "10 per 10 minutes"


@cache
def _limiter(storage_uri: str) -> strategies.MovingWindowRateLimiter:
    """One limiter per storage (Redis shares the counts between processes)."""
    return strategies.MovingWindowRateLimiter(storage.storage_from_string(storage_uri))


def _setup():
    """The limiter, the configured limit and the storage in use."""
    uri = current_app.config.get("REDIS_URL") or "memory://"
    limit = parse(current_app.config.get("BIND_FAILURE_RATE") or DEFAULT_RATE)
    return _limiter(uri), limit


def _key(user: User) -> str:
    """The counter of one user's failed attempts."""
    return f"bind-failures:{user.id}:{user.openid}"


@contextmanager
def _counts_reachable() -> Iterator[None]:
    """A clear 503 when the counts cannot be read or written (Redis down): attempts are not
    let through uncounted, since that would lift the limit for as long as Redis is away."""
    try:
        yield
    except RedisError as exc:
        current_app.logger.warning("guessing limit unavailable: %s", type(exc).__name__)
        raise ApiError(
            503, "service_unavailable", "Binding is unavailable right now; try again shortly."
        ) from exc


def check(user: User) -> None:
    """429 when the user has used up their failed attempts; otherwise nothing."""
    limiter, limit = _setup()
    with _counts_reachable():
        allowed = limiter.test(limit, _key(user))
    if not allowed:
        raise ApiError(
            429,
            "too_many_attempts",
            "Too many wrong class codes, names or family codes; try again later.",
            {"limit": str(limit)},
        )


def failed(user: User) -> None:
    """Count one failed attempt."""
    limiter, limit = _setup()
    with _counts_reachable():
        limiter.hit(limit, _key(user))


def forget_all() -> None:
    """Drop the in-memory counters (tests start each case afresh)."""
    _limiter.cache_clear()
