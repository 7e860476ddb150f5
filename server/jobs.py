"""The background jobs, declared on the queue of ``server/queue.py``.

Production runs one scheduler (a consumer without ``-n``) that enqueues the periodic tasks and
workers with ``-n`` (``deploy/``); but any consumer started without ``-n`` enqueues them too
(two schedulers during a rolling deploy, ``scripts/dev.sh``'s worker), so a periodic job first
claims its period (an INSERT into ``job_runs`` that only one worker wins). The jobs' own
per-row claims (a schedule's due time, a hazard's escalation level, a delivery's status) keep
even a hand-run ``flask jobs ...`` beside a worker from repeating anything.
"""

from __future__ import annotations

import logging
import os
import socket
from collections.abc import Callable
from datetime import UTC, datetime, timedelta

from huey import crontab
from sqlalchemy import delete, insert, update
from sqlalchemy.exc import IntegrityError

from server.extensions import db
from server.models import JobRun, utcnow
from server.queue import periodic_task, task
from server.services.bus_documents import raise_document_hazards
from server.services.content_decisions import retry_pending, submit_media_check
from server.services.delivery import backoff_seconds, dispatch, recover_lost_claims
from server.services.escalation import escalate_overdue
from server.services.exports import files as export_files
from server.services.exports import jobs as export_jobs
from server.services.notify import enqueue_deliveries, requeue_stale
from server.services.patrol_missed import run_rounds
from server.services.patrol_slots import make_upcoming_slots
from server.services.photos import sweep_orphans, sweep_stray_objects
from server.services.schedules import run_due

WORKER = f"{socket.gethostname()}:{os.getpid()}"[:64]
log = logging.getLogger(__name__)
KEEP_RUNS = timedelta(days=7)


def period_start(now: datetime, minutes: int) -> datetime:
    """The start of the ``minutes``-long period containing ``now`` (periods start at midnight
    UTC, so every worker computes the same one)."""
    midnight = now.astimezone(UTC).replace(hour=0, minute=0, second=0, microsecond=0)
    elapsed = int((now - midnight).total_seconds() // 60)
    return midnight + timedelta(minutes=elapsed - elapsed % minutes)


def claim_period(job: str, period: datetime) -> bool:
    """Claim one period of a job for this worker; False when another worker already has it."""
    try:
        db.session.execute(insert(JobRun).values(job=job, period=period, worker=WORKER))
        db.session.commit()
    except IntegrityError:
        db.session.rollback()
        return False
    return True


def run_once_per_period(job: str, minutes: int, body: Callable[[], int]) -> int | None:
    """Run ``body`` unless another worker ran this period of ``job``; returns its result, or
    None when skipped. A failed run gives its claim back so the task's retry may run it."""
    period = period_start(utcnow(), minutes)
    if not claim_period(job, period):
        return None
    try:
        result = body()
    except Exception:
        db.session.rollback()
        db.session.execute(delete(JobRun).where(JobRun.job == job, JobRun.period == period))
        db.session.commit()
        raise
    db.session.execute(
        update(JobRun)
        .where(JobRun.job == job, JobRun.period == period)
        .values(finished_at=utcnow())
    )
    db.session.commit()
    return result


@task()
def send_deliveries(delivery_ids: list[int]) -> dict:
    """Send a batch of pushes; transient failures come back later with backoff."""
    result = dispatch(delivery_ids)
    if result.retry:
        enqueue_deliveries(result.retry, delay=backoff_seconds(result.retry_attempts))
    return result.__dict__


def requeue() -> int:
    """Close claims whose worker died, then send deliveries whose enqueue was lost."""
    returned, uncertain = recover_lost_claims()
    if returned or uncertain:
        # Worth an operator's eye: a worker died mid-send (uncertain pushes are not retried).
        log.warning("recovered deliveries: %d back to pending, %d uncertain", returned, uncertain)
    return requeue_stale(timedelta(minutes=10))


@periodic_task(crontab(minute="*/5"))
def requeue_deliveries() -> int | None:
    """Every 5 minutes: lost claims are recovered; deliveries never enqueued are sent."""
    return run_once_per_period("requeue_deliveries", 5, requeue)


@periodic_task(crontab(minute="*"))
def run_due_schedules() -> int | None:
    """Every minute: scheduled pushes that are due go out."""
    return run_once_per_period("run_due_schedules", 1, run_due)


@periodic_task(crontab(minute="*/30"), retries=2, retry_delay=60)
def escalate_overdue_hazards() -> int | None:
    """Every half hour: overdue hazards climb school -> supervisor -> bureau."""
    return run_once_per_period("escalate_overdue_hazards", 30, escalate_overdue)


def sweep() -> int:
    """Delete orphan photos, photo objects no row names, and job-run records nobody needs."""
    db.session.execute(delete(JobRun).where(JobRun.started_at < utcnow() - KEEP_RUNS))
    db.session.commit()
    return sweep_orphans() + sweep_stray_objects()


@periodic_task(crontab(minute="17"), retries=2, retry_delay=300)
def sweep_orphan_photos() -> int | None:
    """Every hour: uploads never attached to a report within a day are deleted."""
    return run_once_per_period("sweep_orphan_photos", 60, sweep)


@task()
def start_media_checks(check_ids: list[int]) -> int:
    """Ask WeChat to check newly attached photos (the verdicts come through the callback)."""
    return sum(submit_media_check(check_id) for check_id in check_ids)


@periodic_task(crontab(minute="*/5"))
def retry_content_checks() -> int | None:
    """Every 5 minutes: texts WeChat never answered and photos whose verdict never came."""
    return run_once_per_period("retry_content_checks", 5, retry_pending)


@periodic_task(crontab(minute="*/15"), retries=2, retry_delay=60)
def make_patrol_slots() -> int | None:
    """Every quarter hour: today's and tomorrow's patrol slots of every active plan (made
    once each: the unique (plan, checkpoint, day) key skips those already there)."""
    return run_once_per_period("make_patrol_slots", 15, make_upcoming_slots)


@periodic_task(crontab(minute="*"))
def run_patrol_rounds() -> dict | None:
    """Every minute: reminders before slots open, then slots closed undone marked missed (the
    person told; runs of misses escalated)."""
    return run_once_per_period("run_patrol_rounds", 1, run_rounds)


@periodic_task(crontab(minute="5", hour="22"), retries=2, retry_delay=300)
def raise_bus_document_hazards() -> int | None:
    """Daily at 06:05 China time: bus agreements and drivers' licences expired or expiring
    within 30 days become hazards (each document and expiry date once: its claim's key)."""
    return run_once_per_period("raise_bus_document_hazards", 24 * 60, raise_document_hazards)


@task()
def build_export(job_id: int) -> bool:
    """Build one export file (claimed first: a second delivery of the task does nothing)."""
    return export_jobs.build(job_id)


@periodic_task(crontab(minute="*/5"))
def requeue_exports() -> int | None:
    """Every 5 minutes: exports whose worker went quiet for 10 minutes are built again."""
    return run_once_per_period("requeue_exports", 5, export_jobs.requeue_stale)


@periodic_task(crontab(minute="47"), retries=2, retry_delay=300)
def sweep_export_files() -> int | None:
    """Every hour: export files older than 7 days, and files no export row owns, are deleted
    (the rows stay as the export log)."""
    return run_once_per_period("sweep_export_files", 60, export_files.sweep_files)
