"""Fixtures for the storage tests: a store of each kind (``seaweed`` and ``seaweed_bucket``
live in tests/conftest.py, shared with the app tests)."""

from __future__ import annotations

from pathlib import Path

import pytest

from storage import LocalStore, ObjectStore, S3Store
from tests.support.seaweed import SeaweedS3

LOCAL_URL_BASE = "http://testserver/media"
LOCAL_SECRET = "test-local-store-secret"


@pytest.fixture
def local_store(tmp_path: Path) -> LocalStore:
    """A ready LocalStore in a temp dir."""
    store = LocalStore(tmp_path / "objects", url_base=LOCAL_URL_BASE, secret=LOCAL_SECRET)
    store.ensure_ready()
    return store


@pytest.fixture
def s3_store(seaweed: SeaweedS3, seaweed_bucket: str) -> S3Store:
    """A ready S3Store on a fresh SeaweedFS bucket."""
    store = S3Store(
        seaweed.endpoint, seaweed.access_key, seaweed.secret_key, seaweed_bucket, secure=False
    )
    store.ensure_ready()
    return store


@pytest.fixture(params=["local", "s3"])
def store(request: pytest.FixtureRequest) -> ObjectStore:
    """Each implementation in turn; the S3 one is skipped when SeaweedFS is missing."""
    # getfixturevalue keeps the SeaweedFS server out of local-only runs.
    return request.getfixturevalue(f"{request.param}_store")
