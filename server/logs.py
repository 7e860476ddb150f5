"""Structured logs and the request id that follows a request into the jobs it queues.

``LOG_FORMAT=json`` (production's default) writes one JSON object per line, ``text`` (the
default elsewhere) a readable line; both carry the request id. The id comes from a sane
``X-Request-Id`` header (a load balancer's or nginx's ``$request_id``) or is made here, is
returned in the response's ``X-Request-Id``, is in every log line written while the request
runs, and travels with every job the request enqueues (``server.queue.enqueue``), whose worker
binds it again while the job runs. The stdlib's ``logging`` is enough: a formatter of ~30 lines
beats a dependency.

Entry points configure logging, not ``create_app`` (tests keep pytest's handlers): gunicorn
through ``logging_dict`` in ``deploy/gunicorn.conf.py``, the worker through
``configure_logging`` when its consumer starts (``server.queue``).
"""

from __future__ import annotations

import json
import logging
import re
import sys
import uuid
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from datetime import UTC, datetime
from typing import Any

REQUEST_ID_HEADER = "X-Request-Id"
MAX_REQUEST_ID = 128
# Letters, digits and -_. only: an id ends up in log lines and a response header, so anything
# that could forge a line (newline), a header or a terminal escape is replaced, not cleaned.
_SANE_ID = re.compile(rf"[A-Za-z0-9._-]{{1,{MAX_REQUEST_ID}}}")
TEXT_FORMAT = "%(asctime)s %(levelname)s %(name)s [%(request_id)s] %(message)s"
LOG_FORMATS = ("json", "text")

_request_id: ContextVar[str | None] = ContextVar("request_id", default=None)
# The attributes every LogRecord has; anything else on a record came from ``extra=``.
_STANDARD = set(vars(logging.LogRecord("", 0, "", 0, "", None, None))) | {"message", "asctime"}


def new_request_id() -> str:
    """A fresh id: 32 hex digits."""
    return uuid.uuid4().hex


def sane_request_id(value: Any) -> str | None:
    """``value`` when it is a usable id (1-128 of ``[A-Za-z0-9._-]``), else None."""
    if isinstance(value, str) and _SANE_ID.fullmatch(value):
        return value
    return None


def current_request_id() -> str | None:
    """The id of the request or job this code runs for, if any."""
    return _request_id.get()


@contextmanager
def bound_request_id(value: str) -> Iterator[str]:
    """Make ``value`` the current id for the duration of the block."""
    token = _request_id.set(value)
    try:
        yield value
    finally:
        _request_id.reset(token)


class RequestIdMiddleware:
    """WSGI middleware: bind each request's id while the app runs and return it in the header.

    Outside Flask so that every response has it, the input guard's refusals and 404s included.
    """

    def __init__(self, app: Callable) -> None:
        """Wrap the WSGI ``app``."""
        self.app = app

    def __call__(self, environ: dict, start_response: Callable) -> Iterable[bytes]:
        """Serve one request with its id bound."""
        rid = sane_request_id(environ.get("HTTP_X_REQUEST_ID")) or new_request_id()
        environ["safety.request_id"] = rid

        def start(status: str, headers: list, exc_info: Any = None) -> Callable:
            """Add our header (replacing any the app set) and start the response."""
            kept = [(k, v) for k, v in headers if k.lower() != REQUEST_ID_HEADER.lower()]
            return start_response(status, [*kept, (REQUEST_ID_HEADER, rid)], exc_info)

        with bound_request_id(rid):
            return self.app(environ, start)


def _access_fields(atoms: dict) -> dict[str, Any]:
    """The fields of a gunicorn access-log record, from its atoms (``glogging.atoms``)."""
    return {
        "request_id": sane_request_id(atoms.get("{x-request-id}o")),
        "remote": atoms.get("h"),
        "method": atoms.get("m"),
        "path": atoms.get("U"),
        "query": atoms.get("q") or None,
        "status": int(atoms["s"]) if str(atoms.get("s", "")).isdigit() else atoms.get("s"),
        "bytes": atoms.get("B"),
        "duration_ms": round(atoms["D"] / 1000, 1) if isinstance(atoms.get("D"), int) else None,
        "user_agent": atoms.get("a"),
    }


class JsonFormatter(logging.Formatter):
    """One JSON object per line: time, level, logger, message, request_id and any extras."""

    def format(self, record: logging.LogRecord) -> str:
        """The record as a single line of JSON (newlines in messages are escaped by JSON)."""
        entry: dict[str, Any] = {
            "time": datetime.fromtimestamp(record.created, UTC).isoformat(timespec="milliseconds"),
            "level": record.levelname,
            "logger": record.name,
            "message": record.getMessage(),
            "request_id": current_request_id(),
        }
        if record.name == "gunicorn.access" and isinstance(record.args, dict):
            entry.update(_access_fields(record.args))
        for key, value in vars(record).items():
            if key not in _STANDARD and key not in entry and key != "request_id":
                entry[key] = value
        if record.exc_info:
            entry["exception"] = self.formatException(record.exc_info)
        return json.dumps(entry, ensure_ascii=False, default=str)


class TextFormatter(logging.Formatter):
    """A readable line with the request id in brackets (``-`` outside a request or job)."""

    def __init__(self) -> None:
        """The text format of ``TEXT_FORMAT``."""
        super().__init__(TEXT_FORMAT)

    def format(self, record: logging.LogRecord) -> str:
        """The line, with the id of the request or job (or an access line's response header)."""
        rid = current_request_id()
        if rid is None and record.name == "gunicorn.access" and isinstance(record.args, dict):
            rid = sane_request_id(record.args.get("{x-request-id}o"))
        record.request_id = rid or "-"
        return super().format(record)


def formatter_for(log_format: str) -> logging.Formatter:
    """The formatter ``LOG_FORMAT`` names."""
    return JsonFormatter() if log_format == "json" else TextFormatter()


def logging_dict(log_format: str, level: str = "INFO") -> dict[str, Any]:
    """A ``logging.config.dictConfig`` mapping for gunicorn's ``logconfig_dict``: one stderr
    handler on the root logger; gunicorn's loggers propagate to it (their own handlers go)."""
    factory = "server.logs.JsonFormatter" if log_format == "json" else "server.logs.TextFormatter"
    return {
        "version": 1,
        "disable_existing_loggers": False,
        "formatters": {"safety": {"()": factory}},
        "handlers": {
            "stderr": {
                "class": "logging.StreamHandler",
                "formatter": "safety",
                "stream": "ext://sys.stderr",
            }
        },
        "root": {"level": level, "handlers": ["stderr"]},
        "loggers": {
            "gunicorn.error": {"level": level, "handlers": [], "propagate": True},
            "gunicorn.access": {"level": "INFO", "handlers": [], "propagate": True},
        },
    }


def configure_logging(log_format: str, level: str = "INFO", stream: Any = None) -> None:
    """Send every logger's records to one handler on the root logger, in ``log_format``.

    Handlers of the ``huey`` logger are dropped: ``huey_consumer`` gives it a text handler of
    its own, which would write each of its lines a second time beside ours.
    """
    root = logging.getLogger()
    for handler in list(root.handlers):
        if getattr(handler, "_safety", False):
            root.removeHandler(handler)
    handler = logging.StreamHandler(stream or sys.stderr)
    handler.setFormatter(formatter_for(log_format))
    handler._safety = True  # type: ignore[attr-defined]  (ours to replace on a second call)
    root.addHandler(handler)
    root.setLevel(level)
    huey_logger = logging.getLogger("huey")
    for extra in list(huey_logger.handlers):
        huey_logger.removeHandler(extra)
    huey_logger.propagate = True
