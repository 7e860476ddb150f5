"""Periodic jobs claim their period: however many workers' schedulers enqueue a job, one runs
it; a failed run gives the period back for its retry. And the queue follows the app's settings."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from huey.storage import MemoryStorage, RedisStorage, SqliteStorage
from sqlalchemy import func, select

from server import create_app, jobs
from server.extensions import db
from server.models import JobRun
from server.queue import huey, init_queue
from tests.conftest import _overrides


def test_period_start_is_the_same_for_every_worker():
    at = datetime(2026, 5, 1, 9, 44, 59, tzinfo=UTC)
    assert jobs.period_start(at, 30) == datetime(2026, 5, 1, 9, 30, tzinfo=UTC)
    assert jobs.period_start(at, 1) == datetime(2026, 5, 1, 9, 44, tzinfo=UTC)
    assert jobs.period_start(at, 60) == datetime(2026, 5, 1, 9, 0, tzinfo=UTC)


def test_a_period_runs_once(app):
    calls = []
    assert jobs.run_once_per_period("demo_job", 5, lambda: calls.append(1) or 7) == 7
    assert jobs.run_once_per_period("demo_job", 5, lambda: calls.append(1) or 7) is None
    assert calls == [1]
    run = db.session.scalars(select(JobRun)).one()
    assert run.job == "demo_job" and run.finished_at is not None


def test_a_failed_run_gives_its_period_back(app):
    def boom() -> int:
        raise RuntimeError("database went away")

    with pytest.raises(RuntimeError):
        jobs.run_once_per_period("flaky_job", 5, boom)
    assert db.session.scalar(select(func.count()).select_from(JobRun)) == 0
    assert jobs.run_once_per_period("flaky_job", 5, lambda: 1) == 1  # the retry runs


def test_the_periodic_tasks_claim_before_running(app):
    assert jobs.run_due_schedules.call_local() == 0
    assert jobs.run_due_schedules.call_local() is None  # same minute: another worker's turn


def test_the_queue_follows_the_app_settings(app, tmp_path):
    settings = _overrides(app.config["SQLALCHEMY_DATABASE_URI"], tmp_path, "http://x/")
    try:
        create_app({**settings, "JOBS_IMMEDIATE": False, "DATA_DIR": str(tmp_path)})
        assert isinstance(huey.storage, SqliteStorage) and not huey.immediate
        assert (tmp_path / "huey.db").exists()
        create_app({**settings, "JOBS_IMMEDIATE": False, "REDIS_URL": "redis://127.0.0.1:1/0"})
        assert isinstance(huey.storage, RedisStorage)
    finally:
        init_queue(app)
    assert huey.immediate and isinstance(huey.storage, MemoryStorage)


def test_the_jobs_cli_beside_the_workers(app, runner, fake_wechat, templates):
    from datetime import timedelta

    from server.models import Delivery, utcnow
    from tests.jobs.conftest import parents_with_pushes

    [did] = parents_with_pushes(fake_wechat, templates["notice"], 1, prefix="cli")
    row = db.session.get(Delivery, did)
    row.status, row.claimed_by, row.claimed_at = "claimed", "dead-worker", utcnow()
    db.session.commit()
    result = runner.invoke(args=["jobs", "recover", "--minutes", "0"])
    assert result.exit_code == 0, result.output
    assert "1 returned to pending, 0 uncertain, 1 re-queued" in result.output
    assert db.session.get(Delivery, did).status == "sent"  # immediate mode sends it here
    assert runner.invoke(args=["jobs", "run-schedules"]).output.strip() == "0 schedule(s) fired"
    assert utcnow() - db.session.get(Delivery, did).finished_at < timedelta(minutes=1)


def test_the_status_shows_the_jobs_and_the_pushes_nothing_will_send_again(
    app, runner, fake_wechat, templates
):
    from server.models import Delivery
    from tests.jobs.conftest import parents_with_pushes

    empty = runner.invoke(args=["jobs", "status"])
    assert empty.exit_code == 0, empty.output
    assert "none yet: is the scheduler running?" in empty.output
    assert "pushes of the last 7 day(s): none" in empty.output

    jobs.run_once_per_period("run_due_schedules", 1, lambda: 0)
    first, second, third = parents_with_pushes(fake_wechat, templates["notice"], 3, prefix="st")
    for did, state, code in ((first, "uncertain", None), (second, "failed", 43101)):
        row = db.session.get(Delivery, did)
        row.status, row.errcode, row.errmsg = state, code, "user refused" if code else None
    db.session.commit()
    shown = runner.invoke(args=["jobs", "status", "--limit", "5"])
    assert shown.exit_code == 0, shown.output
    [line] = [line for line in shown.output.splitlines() if "run_due_schedules" in line]
    assert "running or failed" not in line
    assert "pending 1" in shown.output and "uncertain 1" in shown.output
    assert "failed 1" in shown.output
    assert f"#{first} uncertain" in shown.output
    assert f"#{second} failed" in shown.output and "43101 user refused" in shown.output
    assert f"#{third} " not in shown.output  # still pending: it will be sent
    assert "--limit" in runner.invoke(args=["jobs", "status", "--limit", "0"]).output
