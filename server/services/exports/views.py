"""Export jobs as the API shows them, who may see them, and the export log."""

from __future__ import annotations

from typing import Any
from urllib.parse import quote

from sqlalchemy import select
from sqlalchemy.orm import selectinload

from server import access
from server.errors import ApiError
from server.extensions import db
from server.models import ExportJob, Unit, User
from server.models.exports import DONE
from server.services.exports import CONTENT_TYPES, KINDS

LOG = "export.log"


def title(job: ExportJob, unit: Unit) -> str:
    """The printed title: unit, kind, period ("符离中心小学 隐患台账 2026-11-01至2026-11-30")."""
    return f"{unit.name} {KINDS[job.kind].title} {job.params['from']}至{job.params['to']}"


def file_name(job: ExportJob, unit: Unit) -> str:
    """The download's name: the title with underscores, and the format's extension."""
    return f"{title(job, unit).replace(' ', '_')}.{job.format}"


def content_disposition(name: str, job_id: int) -> str:
    """An attachment header with an ASCII fallback name and the Chinese one per RFC 5987."""
    extension = name.rsplit(".", 1)[-1]
    return f"attachment; filename=\"export-{job_id}.{extension}\"; filename*=UTF-8''{quote(name)}"


def job_view(job: ExportJob) -> dict[str, Any]:
    """One job as the API answers it (the unit and user loaded with it)."""
    return {
        "id": job.id,
        "kind": job.kind,
        "kind_name": KINDS[job.kind].title,
        "format": job.format,
        "unit": {"id": job.unit.id, "name": job.unit.name},
        "user": {"id": job.user.id, "display_name": job.user.display_name},
        "params": {"from": job.params.get("from"), "to": job.params.get("to")},
        "status": job.status,
        "progress": job.progress,
        "rows": job.rows,
        "contains_personal_data": job.contains_personal_data,
        "file_size": job.file_size,
        "error": job.error,
        "created_at": job.created_at,
        "started_at": job.started_at,
        "finished_at": job.finished_at,
        "file_deleted_at": job.file_deleted_at,
    }


def load_visible(user: User, job_id: int) -> ExportJob:
    """A job the caller may see: their own, or any at a unit where they hold export.log."""
    job = db.session.get(ExportJob, job_id)
    if job is None:
        raise access.not_found("export")
    if job.user_id != user.id and not access.may(user, LOG, job.unit):
        raise access.not_found("export")
    return job


def download(user: User, job_id: int) -> tuple[ExportJob, str, str]:
    """The caller's own finished export: the job, its storage key and its file name (404 for
    another's, 409 while not built, 410 once its file expired)."""
    job = db.session.get(ExportJob, job_id)
    if job is None or job.user_id != user.id:
        raise access.not_found("export")
    if job.status != DONE or job.storage_key is None:
        raise ApiError(409, "not_ready", "The export is not ready.", {"status": job.status})
    if job.file_deleted_at is not None:
        raise ApiError(410, "expired", "The export's file has expired; export again.")
    return job, job.storage_key, file_name(job, job.unit)


def content_type(job: ExportJob) -> str:
    """The file's media type."""
    return CONTENT_TYPES[job.format]


def log_page(
    user: User, unit_id: int, before_id: int | None, limit: int
) -> tuple[list[dict[str, Any]], int | None]:
    """The export log at the unit and below, newest first (export.log there): a page of jobs
    and the id to ask before for the next (None at the end). Three statements a page."""
    unit = access.load_unit(user, unit_id, LOG)
    query = (
        select(ExportJob)
        .where(ExportJob.unit_id.in_(access.unit_ids_below([unit.path])))
        .options(selectinload(ExportJob.user), selectinload(ExportJob.unit))
        .order_by(ExportJob.id.desc())
        .limit(limit + 1)
    )
    if before_id is not None:
        query = query.where(ExportJob.id < before_id)
    jobs = db.session.scalars(query).all()
    more = len(jobs) > limit
    jobs = jobs[:limit]
    return [job_view(job) for job in jobs], jobs[-1].id if more else None


def own_jobs(user: User, limit: int = 20) -> list[ExportJob]:
    """The user's latest exports, newest first (their unit loaded with them)."""
    query = (
        select(ExportJob)
        .where(ExportJob.user_id == user.id)
        .options(selectinload(ExportJob.unit))
        .order_by(ExportJob.id.desc())
        .limit(limit)
    )
    return list(db.session.scalars(query))
