"""Photo uploads through the API, on the local store and on S3 (SeaweedFS): real phone photos,
bad files, store failures, presigned URLs by scope, and the orphan sweep."""

from __future__ import annotations

import io
from datetime import timedelta
from pathlib import Path
from urllib.parse import parse_qs, urlparse

import pytest
import requests
from PIL import Image
from sqlalchemy import func, select

from server.extensions import db
from server.models import Photo, utcnow
from server.services.photos import sweep_orphans
from storage import S3Store, StorageUnavailable
from tests.hazards.conftest import make_jpeg
from tests.support.content import pass_media

PHOTOS = Path(__file__).resolve().parent.parent / "fixtures" / "photos"
GPS_PHOTO = PHOTOS / "DSCN0010.jpg"
PHONE_PHOTO = PHOTOS / "canon_hdr_quarter.jpg"


@pytest.fixture(params=["local", "s3"])
def store(request, app):
    """The app's store: the local folder, or a fresh bucket on SeaweedFS."""
    if request.param == "s3":
        seaweed = request.getfixturevalue("seaweed")
        bucket = request.getfixturevalue("seaweed_bucket")
        s3 = S3Store(seaweed.endpoint, seaweed.access_key, seaweed.secret_key, bucket, False)
        s3.ensure_ready()
        app.extensions["store"] = s3
    return app.extensions["store"]


def fetch(client, url: str) -> bytes:
    """Fetch a presigned URL: local links through the app, S3 links from SeaweedFS."""
    parsed = urlparse(url)
    if parsed.path.startswith("/media/"):
        response = client.get(parsed.path + "?" + parsed.query)
        assert response.status_code == 200
        return response.data
    response = requests.get(url, timeout=10)
    assert response.status_code == 200, response.text
    return response.content


def photo_rows() -> int:
    return db.session.scalar(select(func.count()).select_from(Photo))


def objects(store) -> list[str]:
    return [info.key for info in store.list("photos/")]


def test_real_photo_is_stored_stripped_and_served(demo, store, client, login, upload):
    staff = login("demo-teacher")
    body = upload(staff, GPS_PHOTO.read_bytes(), name="wxfile_tmp_123.jpg")
    assert body["has_gps"] is True and body["taken_at"]
    row = db.session.get(Photo, body["id"])
    assert row.exif_lat and row.exif_lng  # read into the database...
    display = fetch(client, body["url"])
    image = Image.open(io.BytesIO(display))
    assert image.format == "JPEG" and not image.getexif()  # ...and gone from what is stored
    assert b"Exif\x00\x00" not in display and b"GPS" not in display
    thumb = Image.open(io.BytesIO(fetch(client, body["thumb_url"])))
    assert max(thumb.size) <= 320
    expiry = parse_qs(urlparse(body["url"]).query)
    assert expiry  # signed and expiring
    assert len(objects(store)) == 2 and all(body["id"] for _ in objects(store))
    assert all("wxfile" not in key for key in objects(store))  # no user input in keys


def test_phone_photo_display_size(demo, store, client, login, upload):
    body = upload(login("demo-teacher"), PHONE_PHOTO.read_bytes())
    display = Image.open(io.BytesIO(fetch(client, body["url"])))
    # The Canon sample is 512x384 with orientation 6: stored upright, and never upscaled.
    assert display.size == (body["width"], body["height"]) == (384, 512)


def test_same_photo_twice_is_stored_once(demo, store, client, login, upload):
    staff = login("demo-teacher")
    data = make_jpeg(7)
    first = upload(staff, data, status=(201,))
    second = upload(staff, data, status=(200,))
    assert first["id"] == second["id"]
    other = upload(login("demo-guard"), data, status=(201,))  # another person: own row...
    assert other["id"] != first["id"]
    assert photo_rows() == 2 and len(objects(store)) == 2  # ...same objects


def _truncated() -> bytes:
    data = GPS_PHOTO.read_bytes()
    return data[: len(data) // 2]


def _huge_png() -> bytes:
    import struct
    import zlib

    raw = io.BytesIO()
    Image.new("RGB", (1, 1)).save(raw, "PNG")
    data = bytearray(raw.getvalue())
    ihdr = struct.pack(">II", 50000, 50000) + bytes(data[24:29])
    data[16:29] = ihdr
    data[29:33] = struct.pack(">I", zlib.crc32(b"IHDR" + ihdr) & 0xFFFFFFFF)
    return bytes(data)


def _png_named_jpg() -> bytes:
    raw = io.BytesIO()
    Image.new("RGB", (20, 20), "red").save(raw, "PNG")
    return raw.getvalue()


@pytest.mark.parametrize(
    ("data", "name", "status", "code"),
    [
        (b"hello, not a photo", "photo.jpg", 415, "photo_unsupported_type"),
        (b"GIF89a" + b"\x00" * 40, "a.gif", 415, "photo_unsupported_type"),
        (_png_named_jpg(), "photo.jpg", 415, "photo_type_mismatch"),
        (_truncated(), "photo.jpg", 422, "photo_damaged"),
        (_huge_png(), "bomb.png", 413, "photo_too_many_pixels"),
        (b"", "empty.jpg", 422, "photo_empty"),
    ],
)
def test_bad_files_are_refused_and_leave_nothing(
    demo, store, client, login, upload, data, name, status, code
):
    body = upload(login("demo-teacher"), data, name=name, status=(status,))
    assert body["error"]["code"] == code
    assert photo_rows() == 0 and objects(store) == []


def test_too_many_bytes_is_413(demo, app, store, client, login, upload):
    app.config["PHOTO_MAX_BYTES"] = 64 * 1024
    noisy = make_jpeg(5, size=(400, 300))
    assert len(noisy) > 64 * 1024
    body = upload(login("demo-teacher"), noisy, status=(413,))
    assert body["error"]["code"] in ("photo_too_large", "payload_too_large")
    assert photo_rows() == 0 and objects(store) == []


def test_missing_file_parents_and_strangers(demo, client, login):
    staff = login("demo-teacher")
    no_file = client.post(
        "/api/v1/photos", data={}, headers=staff, content_type="multipart/form-data"
    )
    assert no_file.status_code == 422
    parent = client.post(
        "/api/v1/photos",
        data={"file": (io.BytesIO(make_jpeg(1)), "a.jpg")},
        headers=login("demo-parent"),
        content_type="multipart/form-data",
    )
    assert parent.status_code == 403
    anonymous = client.post(
        "/api/v1/photos",
        data={"file": (io.BytesIO(make_jpeg(1)), "a.jpg")},
        content_type="multipart/form-data",
    )
    assert anonymous.status_code == 401
    assert photo_rows() == 0


def test_store_failure_midway_is_503_and_leaves_nothing(
    demo, store, client, login, upload, monkeypatch
):
    real_put = store.put
    calls = []

    def failing_put(key, *args, **kwargs):
        calls.append(key)
        if len(calls) == 2:
            raise StorageUnavailable("the store went away")
        return real_put(key, *args, **kwargs)

    monkeypatch.setattr(store, "put", failing_put)
    body = upload(login("demo-teacher"), make_jpeg(3), status=(503,))
    assert body["error"]["code"] == "storage_unavailable"
    assert photo_rows() == 0 and objects(store) == []  # the first object was removed again


def test_database_failure_after_store_removes_the_objects(
    demo, store, client, login, upload, monkeypatch
):
    from server.services import photos as service

    def broken_commit():
        raise RuntimeError("database went away")

    headers = login("demo-teacher")
    monkeypatch.setattr(service.db.session, "commit", broken_commit)
    response = client.post(
        "/api/v1/photos",
        data={"file": (io.BytesIO(make_jpeg(4)), "a.jpg")},
        headers=headers,
        content_type="multipart/form-data",
    )
    monkeypatch.undo()
    assert response.status_code == 500
    assert photo_rows() == 0 and objects(store) == []


def test_photo_urls_only_within_scope(demo, store, client, login, report, fake_wechat):
    hazard = report(login("demo-teacher"))[0].get_json()
    held = client.get(f"/api/v1/hazards/{hazard['id']}", headers=login("demo-bureau_admin"))
    assert held.get_json()["photos"][0]["url"] is None  # until WeChat's media verdict
    assert pass_media(client, fake_wechat) == 1
    seen = client.get(f"/api/v1/hazards/{hazard['id']}", headers=login("demo-bureau_admin"))
    assert seen.get_json()["photos"][0]["url"]
    sibling = login("sibling-admin")
    from tests.hazards.conftest import grant_role

    grant_role("sibling-admin", "school_admin", "YQ201")
    assert client.get(f"/api/v1/hazards/{hazard['id']}", headers=sibling).status_code == 404


def test_orphan_sweep(demo, store, client, login, upload, report):
    staff = login("demo-teacher")
    old = upload(staff, make_jpeg(11))
    fresh = upload(staff, make_jpeg(12))
    report(staff, photo_ids=[upload(staff, make_jpeg(13))["id"]])
    for photo in db.session.scalars(select(Photo)):
        photo.created_at = utcnow() - timedelta(days=2)
    db.session.get(Photo, fresh["id"]).created_at = utcnow() - timedelta(hours=1)
    db.session.commit()
    assert sweep_orphans() == 1
    assert db.session.get(Photo, old["id"]) is None
    assert db.session.get(Photo, fresh["id"]) is not None
    assert photo_rows() == 2 and len(objects(store)) == 4
