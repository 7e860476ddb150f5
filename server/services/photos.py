"""Photo uploads: process with Pillow, store the stripped copies, record the row — all or nothing.

Object keys are made from the original's SHA-256 only (``photos/<sha>/display.jpg``), never from
user input. Objects are written before the row is committed; if anything fails after the first
object was written, the objects this request wrote are deleted again, so there is never a row
without its objects nor an object without its row (the orphan sweep catches a crash in between).
"""

from __future__ import annotations

import io
from datetime import UTC, datetime, timedelta
from typing import BinaryIO

from flask import current_app
from sqlalchemy import Column, delete, exists, select
from sqlalchemy.exc import IntegrityError

from server import access
from server.clock import CHINA_TZ
from server.errors import ApiError
from server.extensions import db
from server.models import Photo, User, utcnow
from server.photos import PhotoLimits, PhotoRejected, ProcessedPhoto, process_photo
from server.services.references import referring_columns, unreferenced
from storage import ObjectStore, StorageError

URL_LIFETIME = timedelta(minutes=10)
ORPHAN_AGE = timedelta(days=1)
KEY_PREFIX = "photos/"
# Object keys checked against the rows per statement by the sweep of stray objects.
STRAY_CHUNK = 500


def _store() -> ObjectStore:
    """The app's object store."""
    return current_app.extensions["store"]


def _keys(sha256: str) -> tuple[str, str]:
    """The display and thumbnail keys of a photo (content-addressed)."""
    return f"{KEY_PREFIX}{sha256}/display.jpg", f"{KEY_PREFIX}{sha256}/thumb.jpg"


def _taken_at_utc(taken_at: datetime | None) -> datetime | None:
    """EXIF time without an offset is the camera's local time: in China, CST."""
    if taken_at is None:
        return None
    if taken_at.tzinfo is None:
        taken_at = taken_at.replace(tzinfo=CHINA_TZ)
    return taken_at.astimezone(UTC)


def _put_objects(processed: ProcessedPhoto) -> list[str]:
    """Store both copies unless already there; return the keys this call wrote."""
    store = _store()
    written: list[str] = []
    display_key, thumb_key = _keys(processed.sha256)
    try:
        for key, data in ((display_key, processed.display), (thumb_key, processed.thumb)):
            if not store.exists(key):
                store.put(key, io.BytesIO(data), len(data), "image/jpeg")
                written.append(key)
    except StorageError as exc:
        _delete_quietly(written)
        current_app.logger.warning("object store failed during upload: %s", exc)
        raise ApiError(503, "storage_unavailable", "Photo storage is unavailable.") from exc
    return written


def _delete_quietly(keys: list[str]) -> None:
    """Best-effort removal of objects written by a failed request."""
    for key in keys:
        try:
            _store().delete(key)
        except StorageError:
            current_app.logger.error("could not remove orphan object %s", key)


def upload_photo(
    user: User, stream: BinaryIO, filename: str | None, content_type: str | None
) -> tuple[Photo, bool]:
    """Process and store an upload; returns the photo and whether it was new for this user."""
    if not access.may_somewhere(user, "photo.upload"):
        # Photos document hazards and fixes; only staff report those.
        raise ApiError(403, "forbidden", "Only school and bureau staff upload photos.")
    limits = PhotoLimits(max_bytes=current_app.config["PHOTO_MAX_BYTES"])
    try:
        processed = process_photo(stream, filename, content_type, limits)
    except PhotoRejected as exc:
        raise ApiError(exc.status, exc.code, exc.message) from exc
    existing = db.session.scalars(
        select(Photo).where(Photo.uploader_id == user.id, Photo.sha256 == processed.sha256)
    ).first()
    if existing is not None and _store_has(existing):
        return existing, False
    written = _put_objects(processed)
    if existing is not None:
        return existing, False
    display_key, thumb_key = _keys(processed.sha256)
    photo = Photo(
        uploader_id=user.id,
        sha256=processed.sha256,
        original_format=processed.original_format,
        original_size=processed.original_size,
        width=processed.width,
        height=processed.height,
        taken_at=_taken_at_utc(processed.taken_at),
        exif_lat=processed.gps_lat,
        exif_lng=processed.gps_lng,
        display_key=display_key,
        thumb_key=thumb_key,
        phash=processed.phash,
    )
    db.session.add(photo)
    try:
        db.session.commit()
    except IntegrityError:
        # The same user uploaded the same photo twice at once: keep the other request's row.
        db.session.rollback()
        photo = db.session.scalars(
            select(Photo).where(Photo.uploader_id == user.id, Photo.sha256 == processed.sha256)
        ).one()
        return photo, False
    except Exception:
        db.session.rollback()
        _delete_quietly(written)
        raise
    return photo, True


def _store_has(photo: Photo) -> bool:
    """True when both objects of a known photo are in the store."""
    try:
        return _store().exists(photo.display_key) and _store().exists(photo.thumb_key)
    except StorageError as exc:
        raise ApiError(503, "storage_unavailable", "Photo storage is unavailable.") from exc


def thumb_url(photo: Photo) -> str:
    """A short-lived presigned URL of the thumbnail (callers checked the viewer's scope)."""
    return _store().presigned_get_url(photo.thumb_key, URL_LIFETIME)


def display_url(photo: Photo) -> str:
    """A short-lived presigned URL of the display copy (callers checked the viewer's scope)."""
    return _store().presigned_get_url(photo.display_key, URL_LIFETIME)


def own_photos(user: User, photo_ids: list[int]) -> list[Photo]:
    """The user's own photos with these ids, in the given order; 422 if any is not theirs."""
    photos = {
        p.id: p
        for p in db.session.scalars(
            select(Photo).where(Photo.id.in_(photo_ids), Photo.uploader_id == user.id)
        )
    }
    missing = [pid for pid in photo_ids if pid not in photos]
    if missing:
        raise ApiError(
            422,
            "validation_error",
            "Some photos are unknown or not yours.",
            {"photo_ids": [f"unknown photo {pid}" for pid in missing]},
        )
    return [photos[pid] for pid in photo_ids]


def photo_references() -> list[Column]:
    """Every column that refers to a photo (a foreign key to ``photos.id``)."""
    return referring_columns(Photo.__table__)


def _unreferenced():
    """A condition true for a photo no row refers to."""
    return unreferenced(Photo)


def sweep_orphans(now: datetime | None = None) -> int:
    """Delete photos older than a day that nothing refers to; returns how many.

    Each row is deleted on its own, by a DELETE that checks again that it is unreferenced, so a
    photo attached meanwhile stays. Objects are removed only after that deletion committed, and
    only when no other photo row (another uploader's copy) shares the content.
    """
    cutoff = (now or utcnow()) - ORPHAN_AGE
    orphans = db.session.execute(
        select(Photo.id, Photo.sha256, Photo.display_key, Photo.thumb_key)
        .where(Photo.created_at < cutoff, _unreferenced())
        .limit(1000)
    ).all()
    removed = 0
    for photo_id, sha256, *keys in orphans:
        try:
            gone = db.session.execute(
                delete(Photo).where(Photo.id == photo_id, _unreferenced()),
                execution_options={"synchronize_session": False},
            ).rowcount
            db.session.commit()
        except IntegrityError:
            # Attached by a transaction that committed after our check: the database's
            # foreign key refused the delete, and the photo stays.
            db.session.rollback()
            continue
        if not gone:
            continue
        removed += 1
        if not db.session.scalar(select(exists().where(Photo.sha256 == sha256))):
            _delete_quietly(keys)
    return removed


def _drop_strays(keys: list[str]) -> int:
    """Delete those of ``keys`` that no photo row names; returns how many."""
    owned = set(db.session.scalars(select(Photo.display_key).where(Photo.display_key.in_(keys))))
    owned |= set(db.session.scalars(select(Photo.thumb_key).where(Photo.thumb_key.in_(keys))))
    strays = [key for key in keys if key not in owned]
    _delete_quietly(strays)
    return len(strays)


def sweep_stray_objects(now: datetime | None = None) -> int:
    """Delete photo objects older than a day that no photo row names; returns how many.

    They are what an upload wrote before the store (or the database) failed it, when its own
    clean-up could not reach the store either, or the objects of a swept photo whose removal
    failed. A day's age keeps an upload in progress (objects written, row not yet committed)
    out of reach, as ``sweep_orphans`` does for rows.
    """
    cutoff = (now or utcnow()) - ORPHAN_AGE
    removed, keys = 0, []
    for info in _store().list(KEY_PREFIX):
        if info.last_modified is not None and info.last_modified > cutoff:
            continue
        keys.append(info.key)
        if len(keys) == STRAY_CHUNK:
            removed += _drop_strays(keys)
            keys = []
    if keys:
        removed += _drop_strays(keys)
    db.session.commit()  # end the read transaction
    return removed
