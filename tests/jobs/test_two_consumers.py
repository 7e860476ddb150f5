"""Two real ``huey_consumer`` processes, both started without ``-n`` (two schedulers, as during
a rolling deploy or with the README's worker started by hand beside the scheduler), sharing one
queue and PostgreSQL: on the next minute both queue the minutely schedules job, one claims the
period, and every due schedule fires once."""

from __future__ import annotations

import subprocess
import time
from collections import Counter
from datetime import timedelta

from sqlalchemy import func, select

from server.extensions import db
from server.models import JobRun, Notification, utcnow
from tests.jobs.conftest import (
    HUEY_CONSUMER,
    ROOT,
    consumer_env,
    due_water_reminders,
    require_postgresql,
)

# The consumers' schedulers queue periodic jobs on the minute: wait out one whole minute, plus
# the start of two processes on a busy machine.
WAIT_SECONDS = 150


def _fired(made: list[int]) -> Counter:
    """How many scheduled messages each of ``made`` has produced so far."""
    db.session.rollback()  # a fresh snapshot: the consumers commit beside this session
    notes = db.session.scalars(select(Notification).where(Notification.kind == "scheduled"))
    return Counter(n.data["schedule_id"] for n in notes if n.data["schedule_id"] in made)


def test_two_schedulers_fire_each_due_schedule_once(demo, login, fake_wechat, tmp_path):
    require_postgresql()
    login("demo-water_patrol")
    made = due_water_reminders(3, utcnow() - timedelta(minutes=1))
    db.session.remove()  # no open transaction beside the consumers
    env = consumer_env(demo, fake_wechat.url, tmp_path)  # one queue file for both
    consumers = [
        subprocess.Popen(
            [HUEY_CONSUMER, "server.worker.huey", "-k", "thread", "-w", "2", "-q"],
            cwd=ROOT,
            env=env,
        )
        for _ in range(2)
    ]
    try:
        deadline = time.monotonic() + WAIT_SECONDS
        while set(_fired(made)) != set(made):
            assert all(c.poll() is None for c in consumers), "a consumer exited"
            assert time.monotonic() < deadline, f"no schedule fired within {WAIT_SECONDS} s"
            time.sleep(0.5)
        claimed = db.session.scalar(
            select(func.min(JobRun.period)).where(JobRun.job == "run_due_schedules")
        )
        # Give the losing scheduler's copy of that minute's job time to run (and find the
        # period claimed), then look again.
        while time.monotonic() < deadline:
            db.session.rollback()
            runs = db.session.scalars(
                select(JobRun).where(JobRun.job == "run_due_schedules", JobRun.period == claimed)
            ).all()
            if all(run.finished_at is not None for run in runs):
                break
            time.sleep(0.5)
        time.sleep(3)
    finally:
        for consumer in consumers:
            consumer.terminate()
        for consumer in consumers:
            consumer.wait(timeout=30)

    assert _fired(made) == dict.fromkeys(made, 1)
    assert len(runs) == 1 and runs[0].finished_at is not None
