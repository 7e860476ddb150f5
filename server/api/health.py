"""``/livez`` (liveness), ``/healthz`` (health) and ``/readyz`` (readiness).

``/livez`` says only that this process answers HTTP: it touches no database, broker or store,
so a database blip does not make a load balancer or supervisor drop or restart every web host at
once (they would all fail together, and restarting them would not help).

``/healthz`` keeps its first meaning: the database answers ``SELECT 1`` and the object store
answers a ping; 503 names the one that did not. It is the benchmarks' baseline (issue 13 states
its targets as ratios to it), so it must not change, or ratios before and after would not compare.

``/readyz`` says whether this process can serve real requests: the database, Redis (when
``REDIS_URL`` is set: the job queue and the shared WeChat token) and the object store each
answer; 503 names the ones that did not. Use it to hold traffic back from a host that is
starting or cut off, and in compose's healthcheck before nginx starts.
"""

from __future__ import annotations

import redis
from flask import current_app
from flask_smorest import Blueprint
from sqlalchemy import text

from server.api.schemas import HealthResponse, LiveResponse
from server.errors import ApiError
from server.extensions import db
from storage import StorageError

blp = Blueprint("health", __name__, description="Liveness, health and readiness")
# Seconds: a readiness probe must answer within a probe's timeout even when Redis hangs.
REDIS_TIMEOUT = 2


def _check_database() -> str:
    """``ok`` or the reason the database did not answer."""
    try:
        db.session.execute(text("SELECT 1"))
        return "ok"
    except Exception as exc:  # any driver error means unhealthy, and we say which
        db.session.rollback()
        return f"error: {type(exc).__name__}"


def _redis_client() -> redis.Redis:
    """The app's readiness client (made once: its pool is reused by every probe)."""
    client = current_app.extensions.get("readiness_redis")
    if client is None:
        client = redis.Redis.from_url(
            current_app.config["REDIS_URL"],
            socket_connect_timeout=REDIS_TIMEOUT,
            socket_timeout=REDIS_TIMEOUT,
        )
        current_app.extensions["readiness_redis"] = client
    return client


def _check_redis() -> str:
    """``ok`` or the reason Redis did not answer."""
    try:
        _redis_client().ping()
        return "ok"
    except (redis.RedisError, OSError) as exc:
        return f"error: {type(exc).__name__}"


def _check_store() -> str:
    """``ok`` or the reason the object store did not answer."""
    try:
        current_app.extensions["store"].ping()
        return "ok"
    except StorageError as exc:
        return f"error: {type(exc).__name__}"


@blp.route("/livez", methods=["GET"])
@blp.response(200, LiveResponse)
@blp.doc(security=[])
def livez():
    """Liveness: this process answers (no dependency is checked; see ``/readyz``)."""
    return {"status": "ok"}


@blp.route("/healthz", methods=["GET"])
@blp.response(200, HealthResponse)
@blp.alt_response(503, description="The database or the store is down (details name it)")
@blp.doc(security=[])
def healthz():
    """Report the database and the object store; 503 when either is down."""
    checks = {"database": _check_database(), "storage": _check_store()}
    if any(value != "ok" for value in checks.values()):
        raise ApiError(503, "unhealthy", "A dependency is not answering.", checks)
    return {"status": "ok", "checks": checks}


@blp.route("/readyz", methods=["GET"])
@blp.response(200, HealthResponse)
@blp.alt_response(503, description="A dependency is down (details name it)")
@blp.doc(security=[])
def readyz():
    """Readiness: the database, Redis (when configured) and the object store answer; 503 when
    any does not, naming it."""
    checks = {"database": _check_database()}
    if current_app.config.get("REDIS_URL"):
        checks["redis"] = _check_redis()
    checks["storage"] = _check_store()
    if any(value != "ok" for value in checks.values()):
        raise ApiError(503, "unready", "A dependency is not answering.", checks)
    return {"status": "ok", "checks": checks}
