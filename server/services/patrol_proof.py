"""Photos as proof of a round: new (taken after the scan, give or take a few minutes, where the
camera says when) and not already used as the proof of an earlier patrol or report.

A photo used before is accepted but flagged on the patrol for the supervisor: the same bytes
(SHA-256) or nearly the same picture (a perceptual hash, ``imagehash.phash``, within
``PHASH_MAX_DISTANCE`` bits), or the very same upload attached again. Exact matches (same
bytes, same hash, same row) are looked up everywhere through indexes; near matches among the
photos of the school's records of the last ``NEAR_LOOKBACK`` (a bounded scan, newest first):
a photo reused at another school is the rarer, less useful fraud.
"""

from __future__ import annotations

from datetime import datetime, timedelta

import imagehash
from sqlalchemy import or_, select

from server.errors import ApiError
from server.extensions import db
from server.models import Hazard, HazardPhoto, Photo
from server.models.patrols import Patrol, PatrolAnswer, PatrolPhoto

# A photo whose camera time is more than this before the scan was not taken on this round.
MAX_TAKEN_BEFORE_SCAN = timedelta(minutes=5)
# Bits of 64 that may differ for two photos to count as the same picture: a resize or
# re-encode moves phash by 0-4 bits; different scenes differ by ~32.
PHASH_MAX_DISTANCE = 6
NEAR_LOOKBACK = timedelta(days=180)
NEAR_LIMIT = 2000


def check_new(photos: list[Photo], scanned_at: datetime) -> None:
    """422 ``photo_too_old`` when a photo's EXIF capture time is well before the scan."""
    old = [
        photo.id
        for photo in photos
        if photo.taken_at is not None and photo.taken_at < scanned_at - MAX_TAKEN_BEFORE_SCAN
    ]
    if old:
        raise ApiError(
            422,
            "photo_too_old",
            "A photo was taken before this round; take a new one at the checkpoint.",
            {"photo_ids": old},
        )


def _close(a: str | None, b: str | None) -> bool:
    """Whether two perceptual hashes (hex) are within PHASH_MAX_DISTANCE bits."""
    if a is None or b is None:
        return False
    return imagehash.hex_to_hash(a) - imagehash.hex_to_hash(b) <= PHASH_MAX_DISTANCE


def _used(photos: list[Photo], school_id: int, now: datetime) -> list[tuple[int, str, str, dict]]:
    """Photos of earlier records that may match: (photo id, sha256, phash, record ref), at most
    two bounded statements (hazards' photos, patrols' photos)."""
    ids = [p.id for p in photos]
    shas = [p.sha256 for p in photos]
    hashes = [p.phash for p in photos if p.phash is not None]
    exact = [Photo.id.in_(ids), Photo.sha256.in_(shas)]
    if hashes:
        exact.append(Photo.phash.in_(hashes))
    since = now - NEAR_LOOKBACK
    hazard_rows = db.session.execute(
        select(Photo.id, Photo.sha256, Photo.phash, HazardPhoto.hazard_id)
        .join(HazardPhoto, HazardPhoto.photo_id == Photo.id)
        .join(Hazard, Hazard.id == HazardPhoto.hazard_id)
        .where(
            or_(
                *exact,
                (Hazard.school_id == school_id)
                & (Hazard.reported_at >= since)
                & Photo.phash.is_not(None),
            )
        )
        .order_by(HazardPhoto.id.desc())
        .limit(NEAR_LIMIT)
    ).all()
    patrol_rows = db.session.execute(
        select(Photo.id, Photo.sha256, Photo.phash, PatrolAnswer.patrol_id)
        .join(PatrolPhoto, PatrolPhoto.photo_id == Photo.id)
        .join(PatrolAnswer, PatrolAnswer.id == PatrolPhoto.answer_id)
        .join(Patrol, Patrol.id == PatrolAnswer.patrol_id)
        .where(
            or_(
                *exact,
                (Patrol.school_id == school_id)
                & (Patrol.received_at >= since)
                & Photo.phash.is_not(None),
            )
        )
        .order_by(PatrolPhoto.id.desc())
        .limit(NEAR_LIMIT)
    ).all()
    return [(r[0], r[1], r[2], {"patrol_id": r[3]}) for r in patrol_rows] + [
        (r[0], r[1], r[2], {"hazard_id": r[3]}) for r in hazard_rows
    ]


def reuse_flags(photos: list[Photo], school_id: int, now: datetime) -> list[dict]:
    """A ``photo_reused`` flag for each photo already used by an earlier patrol or report
    (the first match found: patrols, then reports)."""
    if not photos:
        return []
    used = _used(photos, school_id, now)
    flags = []
    for photo in photos:
        same = [u for u in used if u[0] == photo.id or u[1] == photo.sha256]
        similar = [u for u in used if _close(photo.phash, u[2])]
        # The strongest evidence first: the same bytes, then nearly the same picture.
        for match, found in (("same_photo", same), ("similar_picture", similar)):
            if found:
                other_id, _sha, _phash, record = found[0]
                detail = {**record, "match": match, "other_photo_id": other_id}
                flags.append({"kind": "photo_reused", "photo_id": photo.id, "detail": detail})
                break
    return flags
