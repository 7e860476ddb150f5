"""The worker's side: a job is built once however many workers claim it, a job whose worker
died is built again, a stalled build cannot overwrite the new one, and the sweep keeps live
export files while deleting orphans and expired ones."""

from __future__ import annotations

import io
from datetime import timedelta

from flask import current_app
from sqlalchemy import select, update

from server.extensions import db
from server.models import ExportJob, User, utcnow
from server.models.exports import DONE, FAILED, QUEUED, RUNNING
from server.services.exports import files, jobs
from tests.hazards.conftest import unit_by_code
from tests.jobs.conftest import hold_first_claim, require_postgresql, two_workers


def _queued(kind: str = "hazard_ledger", fmt: str = "csv") -> int:
    """A queued job of the demo school admin at 符离中心小学, not handed to any worker."""
    user = db.session.scalars(select(User).where(User.openid == "demo-school_admin")).one()
    job = ExportJob(
        user_id=user.id,
        unit_id=unit_by_code("YQ101").id,
        kind=kind,
        format=fmt,
        params={"from": "2026-01-01", "to": "2026-12-31"},
        status=QUEUED,
        progress=0,
        contains_personal_data=True,
    )
    db.session.add(job)
    db.session.commit()
    return job.id


def _files() -> list[str]:
    """The keys of every stored export file."""
    return [info.key for info in current_app.extensions["store"].list("exports/")]


def test_a_job_is_built_once(people):
    job_id = _queued()
    assert jobs.build(job_id) is True
    assert jobs.build(job_id) is False  # the task delivered twice
    job = db.session.get(ExportJob, job_id)
    assert job.status == DONE and job.progress == 100 and job.finished_at is not None
    assert _files() == [job.storage_key]


def test_two_workers_at_once_build_it_once(app, people, monkeypatch):
    require_postgresql()
    job_id = _queued()
    hold_first_claim(monkeypatch, jobs, "claim")
    results = two_workers(app, lambda: jobs.build(job_id))
    assert sorted(results) == [False, True]
    assert _files() == [db.session.get(ExportJob, job_id).storage_key]


def test_a_stale_running_job_is_built_again(people):
    job_id = _queued()
    stalled = jobs.claim(job_id)
    assert stalled is not None
    assert jobs.requeue_stale() == 0  # running for a moment only: left alone
    assert db.session.get(ExportJob, job_id).status == RUNNING
    # Started long ago but still reporting progress: a long build, left alone.
    long_ago = utcnow() - timedelta(minutes=30)
    db.session.execute(update(ExportJob).where(ExportJob.id == job_id).values(started_at=long_ago))
    db.session.commit()
    assert jobs.requeue_stale() == 0
    # No sign of life for eleven minutes: its worker died.
    quiet = utcnow() - timedelta(minutes=11)
    db.session.execute(update(ExportJob).where(ExportJob.id == job_id).values(heartbeat_at=quiet))
    db.session.commit()
    # Re-queued and (the queue runs tasks at once in the tests) built by another worker.
    assert jobs.requeue_stale() == 1
    db.session.expire_all()
    job = db.session.get(ExportJob, job_id)
    assert job.status == DONE and job.storage_key in _files()
    # The stalled build wakes up: it can neither report progress nor finish the job.
    assert jobs._claimed(job_id, stalled, progress=50) is False
    assert jobs._claimed(job_id, stalled, status=FAILED) is False
    db.session.expire_all()
    assert db.session.get(ExportJob, job_id).status == DONE


def test_a_failed_build_says_so(people, monkeypatch):
    job_id = _queued()

    def broken(*args):
        raise RuntimeError("disk full")

    monkeypatch.setattr(files, "_store", lambda: type("S", (), {"put": broken})())
    assert jobs.build(job_id) is False
    job = db.session.get(ExportJob, job_id)
    assert job.status == FAILED and "导出失败" in job.error and "disk" not in job.error


def test_the_sweep_keeps_live_files_and_deletes_orphans(people):
    job_id = _queued()
    jobs.build(job_id)
    live = db.session.get(ExportJob, job_id).storage_key
    store = current_app.extensions["store"]
    orphan = "exports/999999/0123456789abcdef.csv"
    store.put(orphan, io.BytesIO(b"x"), 1, "text/csv")
    # A fresh orphan may be a build about to record its file: left alone for an hour.
    assert files.sweep_files() == 0
    assert sorted(_files()) == sorted([live, orphan])
    assert files.sweep_files(utcnow() + timedelta(hours=2)) == 1
    assert _files() == [live]
    # After seven days the file goes; the row stays as the log, saying so.
    assert files.sweep_files(utcnow() + timedelta(days=8)) == 1
    assert _files() == []
    db.session.expire_all()
    job = db.session.get(ExportJob, job_id)
    assert job.file_deleted_at is not None and job.rows is not None and job.status == DONE
