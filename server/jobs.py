"""Background jobs on Huey: SQLite storage in the embedded default, Redis in production.

Run the worker with ``huey_consumer server.jobs.huey`` (see README). Periodic tasks run inside a
Flask app context built once per worker process.
"""

from __future__ import annotations

from functools import cache
from pathlib import Path

from flask import Flask
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


def run_escalation() -> int:
    """Escalate overdue hazards (inside an app context)."""
    from server.services.escalation import escalate_overdue

    with flask_app().app_context():
        return escalate_overdue()


def run_photo_sweep() -> int:
    """Delete photos never attached to a report (inside an app context)."""
    from server.services.photos import sweep_orphans

    with flask_app().app_context():
        return sweep_orphans()


@huey.periodic_task(crontab(minute="*/30"), retries=2, retry_delay=60)
def escalate_overdue_hazards() -> int:
    """Every half hour: overdue hazards climb school -> supervisor -> bureau."""
    return run_escalation()


@huey.periodic_task(crontab(minute="17"), retries=2, retry_delay=300)
def sweep_orphan_photos() -> int:
    """Every hour: uploads never attached to a report within a day are deleted."""
    return run_photo_sweep()
