"""The object store down (its port closed) or slow (connections accepted, never answered):
a photo upload answers 503 ``storage_unavailable`` in the standard shape, no photo row is left
without its objects nor an object without its row, ``/readyz`` names the store, and the same
upload, retried once the store is back, succeeds and the report is filed."""

from __future__ import annotations

import io
from datetime import timedelta

import pytest
from minio import Minio
from sqlalchemy import func, select

import storage.s3
from server.extensions import db
from server.models import Hazard, Photo, utcnow
from server.services.photos import sweep_stray_objects
from tests.faults.conftest import error_code, faulty_app, on_postgresql
from tests.faults.proxy import TcpProxy
from tests.hazards.conftest import make_jpeg, report_body

pytestmark = on_postgresql
STAFF = "demo-school_admin"


@pytest.fixture
def store_proxy(seaweed) -> TcpProxy:
    """A proxy in front of the session's SeaweedFS S3 server."""
    host, port = seaweed.endpoint.split(":")
    with TcpProxy(host, int(port)) as proxy:
        yield proxy


def _s3_app(demo, fake_wechat, tmp_path, seaweed, seaweed_bucket, store_proxy):
    """The app with its photos in S3, reached through the proxy (a context manager)."""
    return faulty_app(
        demo,
        fake_wechat,
        tmp_path,
        STORAGE_BACKEND="s3",
        MINIO_ENDPOINT=store_proxy.address,
        MINIO_ACCESS_KEY=seaweed.access_key,
        MINIO_SECRET_KEY=seaweed.secret_key,
        MINIO_BUCKET=seaweed_bucket,
        MINIO_SECURE=False,
    )


@pytest.fixture
def s3_app(demo, fake_wechat, tmp_path, seaweed, seaweed_bucket, store_proxy):
    """The app with its photos in S3, reached through the proxy."""
    with _s3_app(demo, fake_wechat, tmp_path, seaweed, seaweed_bucket, store_proxy) as app:
        yield app


def _objects(seaweed, bucket: str) -> list[str]:
    """Every key in the bucket, read straight from SeaweedFS (not through the proxy)."""
    client = Minio(seaweed.endpoint, seaweed.access_key, seaweed.secret_key, secure=False)
    return sorted(o.object_name for o in client.list_objects(bucket, recursive=True))


def _upload(client, headers, data: bytes):
    """Upload ``data`` as a photo, as ``wx.uploadFile`` does."""
    return client.post(
        "/api/v1/photos",
        data={"file": (io.BytesIO(data), "photo.jpg")},
        headers=headers,
        content_type="multipart/form-data",
    )


def _photo_rows() -> int:
    """Photo rows in the database now."""
    db.session.rollback()
    return db.session.scalar(select(func.count()).select_from(Photo))


def _file_report(client, headers, photo_id: int):
    """File a report at 符离中心小学 with the photo."""
    return client.post("/api/v1/hazards", json=report_body([photo_id]), headers=headers)


def _readiness(client) -> tuple[int, dict]:
    """``/readyz``'s status and its checks."""
    response = client.get("/readyz")
    body = response.get_json()
    return response.status_code, body.get("checks") or body["error"]["details"]


def _assert_consistent(seaweed, bucket: str) -> None:
    """Every photo row has both objects and every object belongs to a row."""
    keys = set(_objects(seaweed, bucket))
    rows = db.session.execute(select(Photo.display_key, Photo.thumb_key)).all()
    owned = {key for row in rows for key in row}
    assert keys == owned


def test_store_down_then_back(s3_app, login, seaweed, seaweed_bucket, store_proxy):
    client, staff, data = s3_app.test_client(), login(STAFF), make_jpeg(1301)
    store_proxy.down()

    failed = _upload(client, staff, data)
    assert (failed.status_code, error_code(failed)) == (503, "storage_unavailable")
    assert _photo_rows() == 0 and _objects(seaweed, seaweed_bucket) == []
    status, checks = _readiness(client)
    assert status == 503 and checks["storage"].startswith("error")
    assert checks["database"] == "ok"

    store_proxy.up()  # the phone retries the same photo
    assert _readiness(client)[0] == 200
    retried = _upload(client, staff, data)
    assert retried.status_code == 201, retried.get_json()
    filed = _file_report(client, staff, retried.get_json()["id"])
    assert filed.status_code == 201, filed.get_json()
    assert _photo_rows() == 1 and db.session.scalar(select(func.count(Hazard.id))) == 1
    _assert_consistent(seaweed, seaweed_bucket)


def test_store_lost_between_the_two_objects(
    s3_app, login, seaweed, seaweed_bucket, store_proxy, monkeypatch
):
    """The store goes away after the display copy was written, before the thumbnail: the
    request answers 503 and leaves no row; the object it wrote is swept once the store is
    back and it is a day old, and the retried upload succeeds."""
    client, staff, data = s3_app.test_client(), login(STAFF), make_jpeg(1302)
    store = s3_app.extensions["store"]
    real_put, puts = store.put, []

    def put_then_fail(key, *args, **kwargs):
        """Write the first object; the store is gone before the second."""
        puts.append(key)
        if len(puts) == 2:
            store_proxy.down()
        return real_put(key, *args, **kwargs)

    monkeypatch.setattr(store, "put", put_then_fail)
    failed = _upload(client, staff, data)
    assert (failed.status_code, error_code(failed)) == (503, "storage_unavailable")
    assert _photo_rows() == 0
    # Its clean-up could not reach the store either: the first object stays, without a row.
    assert _objects(seaweed, seaweed_bucket) == [puts[0]]

    store_proxy.up()
    monkeypatch.setattr(store, "put", real_put)
    with s3_app.app_context():
        assert sweep_stray_objects() == 0  # not before it is a day old (an upload may be running)
        assert sweep_stray_objects(now=utcnow() + timedelta(days=2)) == 1  # the hourly sweep
    assert _objects(seaweed, seaweed_bucket) == []
    retried = _upload(client, staff, data)
    assert retried.status_code == 201, retried.get_json()
    _assert_consistent(seaweed, seaweed_bucket)


def test_store_slow_past_the_timeout(
    demo, login, fake_wechat, tmp_path, seaweed, seaweed_bucket, store_proxy, monkeypatch
):
    # Production waits 30 s per try; a second keeps the test short, the behaviour is the same.
    monkeypatch.setattr(storage.s3, "READ_TIMEOUT", 1.0)
    monkeypatch.setattr(storage.s3, "CONNECT_TIMEOUT", 1.0)
    with _s3_app(demo, fake_wechat, tmp_path, seaweed, seaweed_bucket, store_proxy) as app:
        client, staff, data = app.test_client(), login(STAFF), make_jpeg(1303)
        store_proxy.stall()
        store_proxy.cut()  # pooled connections too: every request meets the stall
        failed = _upload(client, staff, data)
        assert (failed.status_code, error_code(failed)) == (503, "storage_unavailable")
        assert _photo_rows() == 0
        assert _readiness(client)[0] == 503

        store_proxy.up()
        store_proxy.cut()  # the stalled connections are not reused
        retried = _upload(client, staff, data)
        assert retried.status_code == 201, retried.get_json()
        _assert_consistent(seaweed, seaweed_bucket)
