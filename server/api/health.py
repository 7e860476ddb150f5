"""``/healthz``: is the database answering, is the object store answering."""

from __future__ import annotations

from flask import current_app
from flask_smorest import Blueprint
from sqlalchemy import text

from server.api.schemas import HealthResponse
from server.errors import ApiError
from server.extensions import db
from storage import StorageError

blp = Blueprint("health", __name__, description="Health checks")


def _check_database() -> str:
    """``ok`` or the reason the database did not answer."""
    try:
        db.session.execute(text("SELECT 1"))
        return "ok"
    except Exception as exc:  # any driver error means unhealthy, and we say which
        db.session.rollback()
        return f"error: {type(exc).__name__}"


def _check_store() -> str:
    """``ok`` or the reason the object store did not answer."""
    try:
        current_app.extensions["store"].ping()
        return "ok"
    except StorageError as exc:
        return f"error: {type(exc).__name__}"


@blp.route("/healthz", methods=["GET"])
@blp.response(200, HealthResponse)
@blp.alt_response(503, description="A dependency is down (details name it)")
@blp.doc(security=[])
def healthz():
    """Report the database and the object store; 503 when either is down."""
    checks = {"database": _check_database(), "storage": _check_store()}
    if any(value != "ok" for value in checks.values()):
        raise ApiError(503, "unhealthy", "A dependency is not answering.", checks)
    return {"status": "ok", "checks": checks}
