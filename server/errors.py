"""The one JSON error shape of the API: ``{"error": {"code", "message", "details"}}``.

Services raise :class:`ApiError` (or a subclass); Flask's own HTTP errors (unknown routes, wrong
methods, oversized bodies) and webargs' validation errors are turned into the same shape here.
"""

from __future__ import annotations

from typing import Any

from flask import Flask, current_app, jsonify
from sqlalchemy.exc import DBAPIError, OperationalError
from werkzeug.exceptions import HTTPException

# Machine-readable codes for Flask's own HTTP errors; the mini-program maps codes to Chinese text.
HTTP_CODES = {
    400: "bad_request",
    401: "unauthorized",
    403: "forbidden",
    404: "not_found",
    405: "method_not_allowed",
    409: "conflict",
    410: "gone",
    413: "payload_too_large",
    415: "unsupported_media_type",
    422: "validation_error",
    429: "rate_limited",
    500: "internal_error",
    503: "service_unavailable",
}


class ApiError(Exception):
    """An error the client should see, with its HTTP status and a stable code."""

    def __init__(self, status: int, code: str, message: str, details: Any = None):
        super().__init__(message)
        self.status = status
        self.code = code
        self.message = message
        self.details = details


def error_response(status: int, code: str, message: str, details: Any = None):
    """Serialise one error in the standard shape."""
    body = {"error": {"code": code, "message": message, "details": details}}
    return jsonify(body), status


def _validation_details(messages: Any) -> Any:
    """Flatten webargs' ``{"json": {...}, "query": {...}}`` into one field -> messages map."""
    if not isinstance(messages, dict):
        return messages
    flat: dict[str, Any] = {}
    for location, fields in messages.items():
        if isinstance(fields, dict):
            flat.update(fields)
        else:
            flat[location] = fields
    return flat


def handle_api_error(error: ApiError):
    """Render an :class:`ApiError` raised by a service or a route."""
    return error_response(error.status, error.code, error.message, error.details)


def handle_http_exception(error: HTTPException):
    """Render Flask/werkzeug HTTP errors (404, 405, 413, 422 from webargs...) in our shape."""
    status = error.code or 500
    data = getattr(error, "data", None) or {}
    if status == 422 and "messages" in data:
        return error_response(
            422,
            "validation_error",
            "The request body or query is invalid.",
            _validation_details(data["messages"]),
        )
    message = data.get("message") or error.description or error.name
    return error_response(status, HTTP_CODES.get(status, "http_error"), message)


def handle_unexpected(error: Exception):
    """Log and hide anything unexpected behind a 500 in the standard shape."""
    if isinstance(error, HTTPException):
        return handle_http_exception(error)
    current_app.logger.exception("unhandled error")
    return error_response(500, "internal_error", "An internal error occurred.")


def handle_database_error(error: DBAPIError):
    """A database that refused or dropped the connection (restart, failover, network cut) is
    a 503 the phone may retry: the transaction died with the connection, so nothing of the
    request was committed. Any other database error is a bug: a 500."""
    if not (error.connection_invalidated or isinstance(error, OperationalError)):
        return handle_unexpected(error)
    current_app.logger.warning("database unavailable: %s", str(error.orig).strip()[:200])
    return error_response(
        503, "service_unavailable", "The database is unavailable; try again shortly."
    )


def register_error_handlers(app: Flask) -> None:
    """Install the handlers that give every 4xx and 5xx the same shape."""
    app.register_error_handler(ApiError, handle_api_error)
    app.register_error_handler(HTTPException, handle_http_exception)
    app.register_error_handler(DBAPIError, handle_database_error)
    app.register_error_handler(Exception, handle_unexpected)
