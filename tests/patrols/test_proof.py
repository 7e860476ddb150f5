"""Photos as proof of a round: the perceptual hash made at upload (real photos), a photo taken
before the scan refused, a photo used before flagged for the supervisor."""

from __future__ import annotations

import io
from datetime import UTC, datetime, timedelta
from itertools import combinations

import imagehash
from sqlalchemy import func, select, update

from server.extensions import db
from server.models import Hazard, Photo
from server.models.patrols import Patrol
from server.photos import process_photo
from server.services.patrol_proof import PHASH_MAX_DISTANCE
from tests.patrols import support_submit as support
from tests.patrols.support_submit import jpeg_of, raw_photo, round_body, stamp, upload_bytes

# The support module's fixtures, made visible to pytest here (P1 owns tests/patrols/conftest.py).
staff, canteen = support.staff, support.canteen


def _phash(data: bytes) -> imagehash.ImageHash:
    """The perceptual hash the pipeline computes for these bytes."""
    return imagehash.hex_to_hash(process_photo(io.BytesIO(data), "p.jpg", "image/jpeg").phash)


def _post(client, headers, body):
    """Submit a round."""
    return client.post("/api/v1/patrols", json=body, headers=headers)


def test_the_same_picture_re_encoded_or_resized_hashes_alike():
    original = _phash(raw_photo("DSCN0010.jpg"))
    for scale, quality in ((1.0, 90), (0.5, 60), (0.25, 40)):
        assert original - _phash(jpeg_of("DSCN0010.jpg", scale, quality)) <= PHASH_MAX_DISTANCE
    # The same scene under every EXIF orientation: the pipeline hashes the upright picture.
    turned = [_phash(raw_photo(f"landscape_{n}.jpg")) for n in range(1, 9)]
    assert all(a - b <= PHASH_MAX_DISTANCE for a, b in combinations(turned, 2))


def test_different_pictures_do_not_match():
    names = ["DSCN0010.jpg", "image01137.jpg", "canon_hdr_quarter.jpg", "landscape_1.jpg"]
    hashes = [_phash(raw_photo(name)) for name in names]
    assert all(a - b > PHASH_MAX_DISTANCE * 2 for a, b in combinations(hashes, 2))


def test_the_upload_stores_the_hash(client, staff):
    photo_id = upload_bytes(client, staff["teacher"], raw_photo("image01137.jpg"))
    stored = db.session.get(Photo, photo_id).phash
    assert stored is not None and len(stored) == 16
    assert imagehash.hex_to_hash(stored) == _phash(raw_photo("image01137.jpg"))


def test_a_photo_taken_before_the_scan_is_refused(client, staff, canteen):
    teacher = staff["teacher"]
    # The camera says 2008.
    old = upload_bytes(client, teacher, raw_photo("DSCN0010.jpg"))
    response = _post(client, teacher, round_body(canteen, fails={0: [old]}))
    assert response.status_code == 422
    error = response.get_json()["error"]
    assert error["code"] == "photo_too_old"
    assert error["details"]["photo_ids"] == [old]
    assert db.session.scalar(select(func.count(Patrol.id))) == 0
    assert db.session.scalar(select(func.count(Hazard.id))) == 0


def test_the_five_minutes_before_the_scan(client, staff, canteen):
    teacher = staff["teacher"]
    scanned = datetime.now(UTC) - timedelta(minutes=1)
    photo = upload_bytes(client, teacher, jpeg_of("canon_hdr_quarter.jpg"))

    def taken(minutes_before: int) -> None:
        """Pretend the camera took the photo this long before the scan."""
        moment = scanned - timedelta(minutes=minutes_before)
        db.session.execute(update(Photo).where(Photo.id == photo).values(taken_at=moment))
        db.session.commit()

    taken(6)
    body = round_body(canteen, fails={1: [photo]}, scanned_at=stamp(scanned))
    assert _post(client, teacher, body).get_json()["error"]["code"] == "photo_too_old"
    taken(4)
    assert _post(client, teacher, body).status_code == 201


def test_reused_photos_are_flagged_not_refused(client, staff, canteen):
    teacher, guard = staff["teacher"], staff["guard"]
    first_photo = upload_bytes(client, teacher, jpeg_of("DSCN0010.jpg"))
    first = _post(client, teacher, round_body(canteen, fails={0: [first_photo]})).get_json()
    assert first["flags"] == []

    # The same picture, shrunk and re-encoded: nearly the same picture.
    resized = upload_bytes(client, teacher, jpeg_of("DSCN0010.jpg", 0.5, 60))
    second = _post(client, teacher, round_body(canteen, fails={0: [resized]}))
    assert second.status_code == 201
    [flag] = second.get_json()["flags"]
    assert flag["kind"] == "photo_reused" and flag["photo_id"] == resized
    assert flag["detail"]["patrol_id"] == first["id"]
    assert flag["detail"]["match"] == "similar_picture"

    # The very same upload attached again.
    again = _post(client, teacher, round_body(canteen, fails={3: [first_photo]})).get_json()
    assert again["flags"][0]["detail"]["match"] == "same_photo"
    # The same bytes uploaded by someone else (another photo row, the same SHA-256).
    copy = upload_bytes(client, guard, jpeg_of("DSCN0010.jpg"))
    assert copy != first_photo
    theirs = _post(client, guard, round_body(canteen, fails={0: [copy]})).get_json()
    assert theirs["flags"][0]["detail"]["match"] == "same_photo"

    # A different picture is no reuse.
    other = upload_bytes(client, teacher, raw_photo("image01137.jpg"))
    fresh = _post(client, teacher, round_body(canteen, fails={0: [other]})).get_json()
    assert fresh["flags"] == []

    # The supervisor sees the flags on the record.
    seen = client.get(f"/api/v1/patrols/{second.get_json()['id']}", headers=staff["supervisor"])
    assert seen.status_code == 200 and seen.get_json()["flags"] == [flag]


def test_a_photo_of_an_earlier_report_is_flagged_with_the_report(client, staff, canteen):
    teacher = staff["teacher"]
    photo = upload_bytes(client, teacher, jpeg_of("landscape_1.jpg"))
    report = {
        "client_uuid": "3f0c1d2e-0000-4000-8000-000000000001",
        "focus_problem": "fire.patrol",
        "description": "走廊灭火器缺失",
        "severity": "general",
        "lat": 33.7712,
        "lng": 116.9593,
        "accuracy": 10,
        "coord_system": "gcj02",
        "photo_ids": [photo],
    }
    hazard = client.post("/api/v1/hazards", json=report, headers=teacher).get_json()
    # The same scene with another orientation tag: other bytes, the same picture upright.
    turned = upload_bytes(client, teacher, raw_photo("landscape_6.jpg"))
    made = _post(client, teacher, round_body(canteen, fails={2: [turned]})).get_json()
    [flag] = made["flags"]
    assert flag["detail"]["hazard_id"] == hazard["id"]
    assert flag["photo_id"] == turned
