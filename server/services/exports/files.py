"""The stored export files. Each is owned by its job row (``ExportJob.storage_key``): the sweep
deletes files under ``exports/`` that no row names (a build that crashed between storing its
file and recording it) and the files of exports older than ``KEEP_FILES``; the row stays as the
log, with ``file_deleted_at``."""

from __future__ import annotations

import io
import logging
import secrets
from datetime import datetime, timedelta
from typing import BinaryIO

from flask import current_app
from sqlalchemy import select, update

from server.errors import ApiError
from server.extensions import db
from server.models import ExportJob, utcnow
from server.models.exports import DONE, KEY_PREFIX
from server.services.exports import CONTENT_TYPES
from storage import ObjectNotFound, ObjectStore, StorageError

KEEP_FILES = timedelta(days=7)
# A build stores its file a moment before its row names it: younger files are left alone.
ORPHAN_AGE = timedelta(hours=1)
CHUNK = 500
log = logging.getLogger(__name__)


def _store() -> ObjectStore:
    """The app's object store."""
    return current_app.extensions["store"]


def store_file(job: ExportJob, data: bytes) -> str:
    """Store a built file under a fresh key of its job; returns the key."""
    key = f"{KEY_PREFIX}{job.id}/{secrets.token_hex(8)}.{job.format}"
    _store().put(key, io.BytesIO(data), len(data), CONTENT_TYPES[job.format].split(";")[0])
    return key


def unstore(key: str) -> None:
    """Delete a stored file, logging (not raising) a failure: the sweep retries orphans."""
    try:
        _store().delete(key)
    except StorageError:
        log.warning("could not delete export file %s; the sweep will", key, exc_info=True)


def open_file(key: str) -> BinaryIO:
    """A stored file as a stream (the response closes it), so a large ledger is not read into
    memory to be sent. 410 when the file is gone, 503 when the store is unreachable."""
    try:
        return _store().open(key)
    except ObjectNotFound as exc:
        raise ApiError(410, "expired", "The export's file is gone; export again.") from exc
    except StorageError as exc:
        raise ApiError(503, "storage_unavailable", "File storage is unavailable.") from exc


def _expire(now: datetime) -> int:
    """Delete the files of exports finished more than ``KEEP_FILES`` ago (rows stay)."""
    expired = db.session.scalars(
        select(ExportJob.id)
        .where(
            ExportJob.status == DONE,
            ExportJob.file_deleted_at.is_(None),
            ExportJob.finished_at < now - KEEP_FILES,
        )
        .order_by(ExportJob.id)
        .limit(1000)
    ).all()
    removed = 0
    for job_id in expired:
        key = db.session.scalar(select(ExportJob.storage_key).where(ExportJob.id == job_id))
        marked = db.session.execute(
            update(ExportJob)
            .where(ExportJob.id == job_id, ExportJob.file_deleted_at.is_(None))
            .values(file_deleted_at=now),
            execution_options={"synchronize_session": False},
        ).rowcount
        db.session.commit()
        if marked and key:
            unstore(key)
            removed += 1
    return removed


def _drop_orphans(candidates: list[str]) -> int:
    """Delete those of ``candidates`` that no live job row names."""
    owned = set(
        db.session.scalars(
            select(ExportJob.storage_key).where(
                ExportJob.storage_key.in_(candidates), ExportJob.file_deleted_at.is_(None)
            )
        )
    )
    orphans = [key for key in candidates if key not in owned]
    for key in orphans:
        unstore(key)
    return len(orphans)


def sweep_files(now: datetime | None = None) -> int:
    """Delete expired export files and files no job row owns; returns how many went."""
    now = now or utcnow()
    removed = _expire(now)
    candidates: list[str] = []
    for info in _store().list(KEY_PREFIX):
        if info.last_modified is not None and info.last_modified > now - ORPHAN_AGE:
            continue
        candidates.append(info.key)
        if len(candidates) == CHUNK:
            removed += _drop_orphans(candidates)
            candidates = []
    if candidates:
        removed += _drop_orphans(candidates)
    db.session.commit()
    return removed
