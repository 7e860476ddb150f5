"""The job queue (Huey), configured from the app's settings by ``init_queue`` in the factory.

One Huey instance per process: tasks are declared on it at import time (``server/jobs.py``),
and ``init_queue`` picks its storage from the app config — Redis when ``REDIS_URL`` is set, a
SQLite file under ``DATA_DIR`` otherwise, or in-process immediate execution with
``JOBS_IMMEDIATE`` — and remembers the app, so that tasks run inside its app context in a worker
(``huey_consumer server.worker.huey``). Services hand work over with ``enqueue``, which never
imports a service or a job module, so there is no import cycle. ``enqueue`` also hands over the
current request id (``server.logs``), which the job binds while it runs, so its log lines carry
the id of the request that queued it (periodic jobs get a fresh one per run).
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from functools import wraps
from pathlib import Path
from typing import Any

from flask import Flask, current_app, has_app_context
from huey import Huey
from huey.storage import MemoryStorage, RedisStorage, SqliteStorage
from redis import ConnectionPool

from server.logs import (
    bound_request_id,
    configure_logging,
    current_request_id,
    new_request_id,
    sane_request_id,
)

QUEUE_NAME = "school-safety"
log = logging.getLogger(__name__)


class SafetyHuey(Huey):
    """Huey whose consumer, started by ``huey_consumer server.worker.huey``, logs the way the app
    does (``LOG_FORMAT``, with request ids); ``server.worker`` turns ``app_logging`` on, so a
    consumer made in-process (a benchmark) leaves its caller's logging alone."""

    app_logging = False

    def create_consumer(self, **options: Any) -> Any:
        """Set up the worker's logging (``huey_consumer`` has just given huey a text handler
        of its own, which ``configure_logging`` drops), then make the consumer."""
        app = _state["app"]
        if self.app_logging and app is not None:
            configure_logging(app.config["LOG_FORMAT"], app.config["LOG_LEVEL"])
        return super().create_consumer(**options)


# Memory storage until ``init_queue`` runs: importing this module touches no broker or file.
# No result store: nothing reads task results, and unread results would pile up in Redis.
huey = SafetyHuey(QUEUE_NAME, results=False, storage_class=MemoryStorage)
_state: dict[str, Any] = {"app": None}
_tasks: dict[str, Any] = {}


def _storage_for(config: dict[str, Any]) -> tuple[type, dict[str, Any]]:
    """The storage class and its arguments the settings call for."""
    if config.get("REDIS_URL"):
        # Short timeouts: an unreachable broker must fail an enqueue fast, not hang a request.
        pool = ConnectionPool.from_url(
            config["REDIS_URL"], socket_connect_timeout=2, socket_timeout=5
        )
        return RedisStorage, {"connection_pool": pool}
    data_dir = Path(config["DATA_DIR"])
    data_dir.mkdir(parents=True, exist_ok=True)
    return SqliteStorage, {"filename": str(data_dir / "huey.db")}


def init_queue(app: Flask) -> None:
    """Point the queue at the storage the app's settings name, and remember the app."""
    storage_class, kwargs = _storage_for(app.config)
    huey.storage_class, huey.storage_kwargs = storage_class, kwargs
    # Setting ``immediate`` swaps in memory storage (on) or our storage (off); recreating it
    # afterwards covers a change of storage while the mode stays the same.
    huey.immediate = bool(app.config.get("JOBS_IMMEDIATE"))
    huey.storage = huey.create_storage()
    _state["app"] = app
    app.extensions["queue"] = huey
    from server import jobs  # noqa: F401  (declares the tasks on ``huey``)


@contextmanager
def app_context() -> Iterator[Flask]:
    """The caller's app context when a task runs in-process (immediate mode), else one of the
    app ``init_queue`` remembered (a worker)."""
    if has_app_context():
        yield current_app
        return
    app = _state["app"]
    if app is None:
        raise RuntimeError("the job queue has no app: create_app() was never called")
    with app.app_context():
        yield app


def in_app_context(fn: Callable) -> Callable:
    """Wrap a task body so that it runs inside the app's context, with the request id it was
    enqueued with (a fresh one when none came: periodic runs), logging its start and end."""

    @wraps(fn)
    def wrapper(*args: Any, request_id: str | None = None, **kwargs: Any) -> Any:
        rid = sane_request_id(request_id) or new_request_id()
        with bound_request_id(rid), app_context():
            log.info("job %s started", fn.__name__, extra={"job": fn.__name__})
            started = time.monotonic()
            try:
                result = fn(*args, **kwargs)
            except Exception as exc:  # huey logs the traceback and retries; we say which run
                log.warning(
                    "job %s failed: %s",
                    fn.__name__,
                    type(exc).__name__,
                    extra={"job": fn.__name__, "duration_ms": _ms_since(started)},
                )
                raise
            log.info(
                "job %s finished",
                fn.__name__,
                extra={"job": fn.__name__, "duration_ms": _ms_since(started)},
            )
            return result

    return wrapper


def _ms_since(started: float) -> float:
    """Milliseconds since ``started`` (a ``time.monotonic()`` reading)."""
    return round((time.monotonic() - started) * 1000, 1)


def task(**options: Any) -> Callable:
    """Declare a task on the queue (run in the app context), enqueued by name with ``enqueue``."""

    def decorator(fn: Callable) -> Any:
        wrapped = huey.task(name=fn.__name__, **options)(in_app_context(fn))
        _tasks[fn.__name__] = wrapped
        return wrapped

    return decorator


def periodic_task(schedule: Callable, **options: Any) -> Callable:
    """Declare a periodic task (run in the app context). The one scheduler of ``deploy/``
    enqueues it (workers run with ``-n``), but any consumer without ``-n`` would too, so its
    body must claim its period (``server.jobs``)."""

    def decorator(fn: Callable) -> Any:
        wrapped = huey.periodic_task(schedule, name=fn.__name__, **options)(in_app_context(fn))
        _tasks[fn.__name__] = wrapped
        return wrapped

    return decorator


def enqueue(name: str, *args: Any, delay: int | None = None) -> bool:
    """Hand a task to the workers (or run it now in immediate mode). Returns False, logging why,
    when the broker refused it: callers enqueue after their commit, and the periodic re-queue
    finds the work in the database, so an outage must not fail the request."""
    wrapper = _tasks[name]
    rid = current_request_id()
    kwargs = {"request_id": rid} if rid else {}
    try:
        if delay:
            wrapper.schedule(args, kwargs, delay=delay)
        else:
            wrapper(*args, **kwargs)
    except Exception:  # any broker failure: Redis down, SQLite locked, ...
        log.warning(
            "enqueue of %s failed; the periodic re-queue will pick it up", name, exc_info=True
        )
        return False
    return True
