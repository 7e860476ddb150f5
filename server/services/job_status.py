"""What the background jobs have done, for the operator (``flask jobs status``).

Two questions an operator asks when pushes seem not to arrive: are the periodic jobs running
(the scheduler enqueues them, a worker claims each period in ``job_runs``), and what became of
the pushes. A push a killed worker had in flight is ``uncertain``: WeChat may have delivered it,
so it is never sent again, and this is where it is seen, beside the failed ones.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import func, select

from server.extensions import db
from server.models import Delivery, JobRun, utcnow
from server.models.notifications import FAILED, UNCERTAIN

# The states an operator should look at: nothing will send these again.
TROUBLED = (UNCERTAIN, FAILED)


@dataclass(frozen=True)
class LastRun:
    """The latest claimed period of one periodic job."""

    job: str
    period: datetime
    worker: str
    finished_at: datetime | None


@dataclass(frozen=True)
class TroubledDelivery:
    """A push that ended uncertain or failed."""

    id: int
    user_id: int
    template_id: str
    status: str
    created_at: datetime
    errcode: int | None
    errmsg: str | None


def last_runs() -> list[LastRun]:
    """The latest period each periodic job claimed, by job name (one grouped read; the job
    runs table keeps a week, see ``server/jobs.sweep``)."""
    latest = (
        select(JobRun.job, func.max(JobRun.period).label("period")).group_by(JobRun.job).subquery()
    )
    rows = db.session.execute(
        select(JobRun.job, JobRun.period, JobRun.worker, JobRun.finished_at)
        .join(latest, (JobRun.job == latest.c.job) & (JobRun.period == latest.c.period))
        .order_by(JobRun.job)
    )
    return [LastRun(*row) for row in rows]


def delivery_counts(since: timedelta) -> dict[str, int]:
    """How many pushes made in the last ``since`` are in each state."""
    rows = db.session.execute(
        select(Delivery.status, func.count())
        .where(Delivery.created_at >= utcnow() - since)
        .group_by(Delivery.status)
        .order_by(Delivery.status)
    )
    return dict(rows.tuples().all())


def troubled_deliveries(since: timedelta, limit: int) -> list[TroubledDelivery]:
    """The newest pushes of the last ``since`` that ended uncertain or failed, at most
    ``limit`` (the status index serves the filter)."""
    rows = db.session.execute(
        select(
            Delivery.id,
            Delivery.user_id,
            Delivery.template_id,
            Delivery.status,
            Delivery.created_at,
            Delivery.errcode,
            Delivery.errmsg,
        )
        .where(Delivery.status.in_(TROUBLED), Delivery.created_at >= utcnow() - since)
        .order_by(Delivery.created_at.desc(), Delivery.id.desc())
        .limit(limit)
    )
    return [TroubledDelivery(*row) for row in rows]
