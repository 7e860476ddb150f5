"""Background jobs on Huey: SQLite storage in the embedded default, Redis in production.

Run the worker with ``huey_consumer server.jobs.huey`` (see README). Periodic tasks run inside a
Flask app context built once per worker process.
"""

from __future__ import annotations

from contextlib import contextmanager
from datetime import timedelta
from functools import cache
from pathlib import Path

from flask import Flask, current_app, has_app_context
from huey import MemoryHuey, RedisHuey, SqliteHuey, crontab

from server.config import env_bool, load_settings

QUEUE_NAME = "school-safety"


def _make_huey():
    """The queue chosen by the environment: Redis when REDIS_URL is set, else a SQLite file."""
    if env_bool("HUEY_IMMEDIATE", False):
        # Tests: run tasks at once, in memory, without a worker.
        return MemoryHuey(QUEUE_NAME, immediate=True)
    settings = load_settings()
    if settings["REDIS_URL"]:
        return RedisHuey(QUEUE_NAME, url=settings["REDIS_URL"])
    data_dir = Path(settings["DATA_DIR"])
    data_dir.mkdir(parents=True, exist_ok=True)
    return SqliteHuey(QUEUE_NAME, filename=str(data_dir / "huey.db"))


huey = _make_huey()


@cache
def flask_app() -> Flask:
    """One app per worker process, for the jobs' database and store access."""
    from server import create_app

    return create_app()


@contextmanager
def app_context():
    """The caller's app context when there is one (tests run tasks in-process), else the
    worker's own app."""
    if has_app_context():
        yield current_app
    else:
        with flask_app().app_context():
            yield current_app


def run_escalation() -> int:
    """Escalate overdue hazards, then hand their pushes to the sender."""
    from server.services.escalation import escalate_overdue

    with app_context():
        return escalate_overdue()


def run_photo_sweep() -> int:
    """Delete photos never attached to a report (inside an app context)."""
    from server.services.photos import sweep_orphans

    with app_context():
        return sweep_orphans()


@huey.task(context=True)
def send_deliveries(delivery_ids: list[int], task=None) -> dict:
    """Send a batch of pushes; transient failures come back later with backoff."""
    from server.services.delivery import backoff_seconds, dispatch

    with app_context():
        result = dispatch(delivery_ids)
        if result.retry:
            from server.extensions import db
            from server.models import Delivery

            attempts = max(db.session.get(Delivery, i).attempts for i in result.retry)
            if huey.immediate:
                # Tests: no clock to wait on; the caller drives retries explicitly.
                return result.__dict__
            send_deliveries.schedule((result.retry,), delay=backoff_seconds(attempts))
        return result.__dict__


@huey.periodic_task(crontab(minute="*/5"))
def requeue_deliveries() -> int:
    """Every 5 minutes: deliveries whose enqueue was lost are sent; lost claims are closed."""
    from server.services.delivery import abandon_lost_claims, stale_pending
    from server.services.notify import enqueue_deliveries

    with app_context():
        abandon_lost_claims()
        ids = stale_pending(timedelta(minutes=10))
        enqueue_deliveries(ids)
        return len(ids)


@huey.periodic_task(crontab(minute="*"))
def run_due_schedules() -> int:
    """Every minute: scheduled pushes that are due go out."""
    from server.services.schedules import run_due

    with app_context():
        return run_due()


@huey.periodic_task(crontab(minute="*/30"), retries=2, retry_delay=60)
def escalate_overdue_hazards() -> int:
    """Every half hour: overdue hazards climb school -> supervisor -> bureau."""
    return run_escalation()


@huey.periodic_task(crontab(minute="17"), retries=2, retry_delay=300)
def sweep_orphan_photos() -> int:
    """Every hour: uploads never attached to a report within a day are deleted."""
    return run_photo_sweep()
