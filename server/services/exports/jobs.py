"""Export jobs: asked for through the API, built once by whichever worker claims them, and
re-queued when their worker went quiet.

A build claims its job with a conditional UPDATE (queued -> running with a fresh token), so two
workers never build one job; every later update of the build names that token, so a build that
was re-queued meanwhile (no progress from it for ``STALE_AFTER``) can neither report progress
nor finish the job: its file is deleted again instead.
"""

from __future__ import annotations

import logging
import secrets
from datetime import date, datetime, timedelta
from typing import Any

from sqlalchemy import update

from server import access
from server.clock import local_today
from server.errors import ApiError
from server.extensions import db
from server.models import ExportJob, Unit, User, utcnow
from server.models.exports import DONE, FAILED, QUEUED, RUNNING
from server.queue import enqueue
from server.read_replica import replica_reads
from server.services.exports import KINDS
from server.services.exports.files import store_file, unstore
from server.services.exports.views import job_view, title
from server.services.exports.writers import write_csv, write_geojson, write_xlsx

STALE_AFTER = timedelta(minutes=10)
DEFAULT_SPAN = timedelta(days=30)
MAX_SPAN = timedelta(days=400)
log = logging.getLogger(__name__)
# What the owner reads; the cause goes to the log (it may name internals).
FAILED_TEXT = "导出失败,请重试;仍失败请联系管理员。"


def _period(data: dict[str, Any]) -> tuple[date, date]:
    """The period asked for: the last 30 days by default, at most 400 days, from <= to."""
    end = data.get("to") or local_today()
    start = data.get("from") or end - DEFAULT_SPAN
    if start > end:
        raise ApiError(
            422, "invalid_period", "The period starts after it ends.", {"from": "after to"}
        )
    if end - start > MAX_SPAN:
        raise ApiError(422, "invalid_period", "A period is at most 400 days.", {"to": "too far"})
    return start, end


def create(user: User, data: dict[str, Any]) -> dict[str, Any]:
    """Queue an export (export.create at the unit) and hand it to a worker after the commit;
    returns the job as it stood when queued."""
    unit = access.load_unit(user, data["unit_id"], "export.create")
    kind = KINDS[data["kind"]]
    if data["format"] not in kind.formats:
        raise ApiError(
            422,
            "format_not_offered",
            "This export is not offered in that format.",
            {"format": list(kind.formats)},
        )
    start, end = _period(data)
    if kind.check is not None:
        kind.check(start, end)
    job = ExportJob(
        user_id=user.id,
        unit_id=unit.id,
        kind=data["kind"],
        format=data["format"],
        params={"from": start.isoformat(), "to": end.isoformat()},
        status=QUEUED,
        progress=0,
        contains_personal_data=kind.personal,
    )
    db.session.add(job)
    db.session.commit()
    queued = job_view(job)
    enqueue("build_export", job.id)
    return queued


def _claimed(job_id: int, token: str, **values: Any) -> bool:
    """Update the job if this build still holds it; True when it did (committed)."""
    done = db.session.execute(
        update(ExportJob)
        .where(ExportJob.id == job_id, ExportJob.status == RUNNING, ExportJob.claim_token == token)
        .values(**values),
        execution_options={"synchronize_session": False},
    ).rowcount
    db.session.commit()
    return bool(done)


def claim(job_id: int) -> str | None:
    """Take a queued job for this build: its token, or None when another has it or it is done."""
    token, now = secrets.token_hex(16), utcnow()
    taken = db.session.execute(
        update(ExportJob)
        .where(ExportJob.id == job_id, ExportJob.status == QUEUED)
        .values(status=RUNNING, claim_token=token, started_at=now, heartbeat_at=now, progress=0),
        execution_options={"synchronize_session": False},
    ).rowcount
    db.session.commit()
    return token if taken else None


def _write(job: ExportJob, unit: Unit, token: str) -> tuple[bytes, int]:
    """Build the job's table and write it in its format, reporting progress as it goes."""
    start, end = (date.fromisoformat(job.params[k]) for k in ("from", "to"))
    table = KINDS[job.kind].build(unit, start, end)
    total = max(table.total, 1)
    seen = {"percent": 0}

    def progress(count: int) -> None:
        """Store the percentage when it moved (never 100 before the file is stored)."""
        percent = min(99, count * 100 // total)
        if percent > seen["percent"]:
            seen["percent"] = percent
            _claimed(job.id, token, progress=percent, heartbeat_at=utcnow())

    if job.format == "xlsx":
        return write_xlsx(table, title(job, unit), progress)
    if job.format == "csv":
        return write_csv(table, progress)
    return write_geojson(table, progress)


def build(job_id: int) -> bool:
    """Claim and build one export; False when it was not this build's to make (or lost)."""
    token = claim(job_id)
    if token is None:
        return False
    job = db.session.get(ExportJob, job_id)
    session = db.session()
    # Progress commits mid-build; keeping loaded rows unexpired spares a reload per row.
    session.expire_on_commit = False
    try:
        # The table is read from the replica when there is one; progress is written to the
        # primary (server/read_replica.py sends writes there even inside the block).
        with replica_reads():
            data, rows = _write(job, db.session.get(Unit, job.unit_id), token)
        key = store_file(job, data)
    except Exception:
        db.session.rollback()
        log.exception("export %s failed", job_id)
        _claimed(job_id, token, status=FAILED, error=FAILED_TEXT, finished_at=utcnow())
        return False
    finally:
        session.expire_on_commit = True
    finished = _claimed(
        job_id,
        token,
        status=DONE,
        progress=100,
        rows=rows,
        storage_key=key,
        file_size=len(data),
        finished_at=utcnow(),
    )
    if not finished:
        unstore(key)  # re-queued meanwhile: the other build's file is the one kept
    return finished


def requeue_stale(now: datetime | None = None) -> int:
    """Jobs whose build gave no sign of life for ``STALE_AFTER`` (their worker died) go back to
    the queue, and queued jobs that long unclaimed (their enqueue was lost) are enqueued again."""
    cutoff = (now or utcnow()) - STALE_AFTER
    stale = db.session.scalars(
        db.select(ExportJob.id).where(ExportJob.status == RUNNING, ExportJob.heartbeat_at < cutoff)
    ).all()
    for job_id in stale:
        db.session.execute(
            update(ExportJob)
            .where(
                ExportJob.id == job_id,
                ExportJob.status == RUNNING,
                ExportJob.heartbeat_at < cutoff,
            )
            .values(status=QUEUED, claim_token=None, progress=0),
            execution_options={"synchronize_session": False},
        )
    db.session.commit()
    waiting = db.session.scalars(
        db.select(ExportJob.id)
        .where(ExportJob.status == QUEUED, ExportJob.created_at < cutoff)
        .order_by(ExportJob.id)
    ).all()
    for job_id in sorted(set(waiting) | set(stale)):
        enqueue("build_export", job_id)
    return len(stale)
