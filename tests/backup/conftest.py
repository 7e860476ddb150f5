"""Fixtures for the backup tests: a service with a hazard (two photos), a notice with an
attachment and signed-in users, built through the API; and a second, fresh service to restore
into (its own database and store)."""

from __future__ import annotations

import contextlib
import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import urlparse

import pytest
import requests
from flask import Flask
from minio import Minio

from server import create_app
from server.extensions import db
from storage import S3Store
from tests.conftest import _overrides
from tests.hazards.conftest import report, unit_by_code, upload  # noqa: F401  (fixtures)
from tests.support.content import pass_media
from tests.support.databases import postgres_database


@dataclass
class Built:
    """What the API made: who made it, and what the service answered about it."""

    teacher: dict[str, str]
    school: dict[str, str]
    hazard: dict[str, Any]
    notice: dict[str, Any]


def download(client, url: str) -> bytes:
    """Fetch a link: local media through the app, S3 links from the S3 server."""
    parsed = urlparse(url)
    if parsed.path.startswith("/media/"):
        response = client.get(parsed.path + "?" + parsed.query)
        assert response.status_code == 200
        return response.data
    response = requests.get(url, timeout=10)
    assert response.status_code == 200, response.text
    return response.content


def photo_links(hazard: dict[str, Any]) -> list[str]:
    """Every display and thumbnail link of a hazard's photos."""
    links = [p[k] for p in hazard["photos"] for k in ("url", "thumb_url")]
    assert links and all(links)
    return links


@pytest.fixture
def s3(request, app, database_url) -> S3Store | None:
    """On PostgreSQL the service keeps its objects on the S3 server (SeaweedFS); on SQLite in
    the local folder. Returns the S3 store, or None for the local one."""
    if database_url.startswith("sqlite"):
        return None
    seaweed = request.getfixturevalue("seaweed")
    bucket = request.getfixturevalue("seaweed_bucket")
    store = S3Store(seaweed.endpoint, seaweed.access_key, seaweed.secret_key, bucket, False)
    store.ensure_ready()
    app.extensions["store"] = store
    return store


@pytest.fixture
def built(demo, s3, client, login, report, upload, fake_wechat) -> Built:  # noqa: F811
    """A hazard with two photos, a notice with an attachment, made through the API."""
    login("demo-parent")
    teacher, school = login("demo-teacher"), login("demo-school_admin")
    photos = [upload(teacher)["id"], upload(teacher)["id"]]
    made, _ = report(teacher, photo_ids=photos)
    assert made.status_code == 201, made.get_json()
    attachment = upload(school)["id"]
    notice = client.post(
        "/api/v1/notices",
        json={
            "unit_id": unit_by_code("YQ101").id,
            "title": "暑期防溺水致家长的一封信",
            "body": "各位家长:暑假将至,请做到“六不一会”。",
            "unit_ids": [unit_by_code("YQ101").id],
            "attachment_photo_id": attachment,
        },
        headers=school,
    )
    assert notice.status_code == 201, notice.get_json()
    pass_media(client, fake_wechat)
    hazard = client.get(f"/api/v1/hazards/{made.get_json()['id']}", headers=teacher)
    assert hazard.status_code == 200
    return Built(
        teacher, school, hazard.get_json(), issued(client, school, notice.get_json()["id"])
    )


def issued(client, headers: dict[str, str], notice_id: int) -> dict[str, Any]:
    """A notice as its issuer sees it in the list of notices issued."""
    response = client.get("/api/v1/notices", headers=headers)
    assert response.status_code == 200, response.get_json()
    (notice,) = [n for n in response.get_json()["notices"] if n["id"] == notice_id]
    assert notice["attachment_url"]
    return notice


@pytest.fixture
def fresh(request, database_url, s3, fake_wechat, tmp_path) -> Iterator[Flask]:
    """A second service on an empty database and an empty store of the same kinds."""
    with contextlib.ExitStack() as stack:
        if database_url.startswith("sqlite"):
            url = f"sqlite:///{tmp_path / 'restored.db'}"
        else:
            url = stack.enter_context(postgres_database())
        overrides = _overrides(url, tmp_path / "restored-media", fake_wechat.url)
        bucket = None
        if s3 is not None:
            seaweed = request.getfixturevalue("seaweed")
            bucket = f"restored-{uuid.uuid4().hex[:16]}"
            overrides |= {
                "STORAGE_BACKEND": "s3",
                "MINIO_ENDPOINT": seaweed.endpoint,
                "MINIO_ACCESS_KEY": seaweed.access_key,
                "MINIO_SECRET_KEY": seaweed.secret_key,
                "MINIO_BUCKET": bucket,
                "MINIO_SECURE": False,
            }
        restored = create_app(overrides)
        try:
            yield restored
        finally:
            with restored.app_context():
                db.session.remove()
                db.engine.dispose()
            if bucket:
                _drop_bucket(overrides, bucket)


def _drop_bucket(settings: dict[str, Any], bucket: str) -> None:
    """Remove a test bucket and its objects from the S3 server."""
    client = Minio(
        settings["MINIO_ENDPOINT"],
        settings["MINIO_ACCESS_KEY"],
        settings["MINIO_SECRET_KEY"],
        secure=False,
    )
    with contextlib.suppress(Exception):
        client.remove_bucket(bucket)


def backups(root: Path) -> list[Path]:
    """The backups in a destination, oldest first (not its lock or unfinished ones)."""
    return sorted(p for p in root.iterdir() if p.is_dir() and not p.name.startswith("."))


@pytest.fixture
def backup_root(tmp_path: Path) -> Path:
    """Where the tests' backups go."""
    return tmp_path / "backups"
