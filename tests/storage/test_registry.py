"""create_store(): building a backend from settings, and the package's boundaries."""

from __future__ import annotations

import io
import subprocess
import sys
from datetime import timedelta
from pathlib import Path

import pytest

from storage import BACKENDS, LocalStore, S3Store, create_store
from tests.support.seaweed import SeaweedS3

S3_SETTINGS = {
    "backend": "s3",
    "endpoint": "127.0.0.1:9000",
    "access_key": "ak",
    "secret_key": "sk",
    "bucket": "school-safety",
    "secure": False,
}


def test_known_backends() -> None:
    """Exactly the two documented backends are registered."""
    assert set(BACKENDS) == {"local", "s3"}


@pytest.mark.parametrize("settings", [{"backend": "ftp"}, {"backend": None}, {}])
def test_unknown_backend(settings: dict[str, object]) -> None:
    """An unknown or missing backend names the known ones."""
    with pytest.raises(ValueError, match="known backends: local, s3"):
        create_store(settings)


def test_local_from_settings(tmp_path: Path) -> None:
    """The local backend takes root, url_base and secret; extra settings are ignored."""
    store = create_store(
        {
            "backend": "local",
            "root": str(tmp_path / "media"),
            "url_base": "https://example.org/media/",
            "secret": "s3cret",
            "bucket": "ignored",
        }
    )
    assert isinstance(store, LocalStore)
    assert store.root == tmp_path / "media"
    store.ensure_ready()
    store.put("k", io.BytesIO(b"v"), 1, "text/plain")
    assert store.get("k") == b"v"


def test_local_missing_settings() -> None:
    """Missing settings are all named at once."""
    with pytest.raises(ValueError, match="root, secret"):
        create_store({"backend": "local", "url_base": "/media", "secret": ""})


def test_s3_from_settings() -> None:
    """The s3 backend takes endpoint, keys, bucket, secure and an optional region."""
    store = create_store({**S3_SETTINGS, "region": "eu-central-1"})
    assert isinstance(store, S3Store)
    assert (store.endpoint, store.bucket, store.region) == (
        "127.0.0.1:9000",
        "school-safety",
        "eu-central-1",
    )
    assert create_store({**S3_SETTINGS, "region": None}).region is None
    assert "sk" not in repr(store)


@pytest.mark.parametrize(("value", "scheme"), [(True, "https"), ("false", "http"), ("1", "https")])
def test_s3_secure_flag(value: object, scheme: str) -> None:
    """secure accepts booleans and boolean-looking strings (from the environment)."""
    store = create_store({**S3_SETTINGS, "secure": value, "region": "us-east-1"})
    url = store.presigned_get_url("k", timedelta(minutes=1))
    assert url.startswith(f"{scheme}://")


@pytest.mark.parametrize(
    "override",
    [{"secure": "maybe"}, {"secure": None}, {"bucket": "Not_A_Bucket"}, {"endpoint": ""}],
)
def test_s3_bad_settings(override: dict[str, object]) -> None:
    """Unusable settings fail at construction, with ValueError."""
    with pytest.raises(ValueError):
        create_store({**S3_SETTINGS, **override})


def test_s3_from_settings_against_seaweed(seaweed: SeaweedS3, seaweed_bucket: str) -> None:
    """A store built from settings talks to a real S3 server."""
    store = create_store(
        {
            "backend": "s3",
            "endpoint": seaweed.endpoint,
            "access_key": seaweed.access_key,
            "secret_key": seaweed.secret_key,
            "bucket": seaweed_bucket,
            "secure": "false",
        }
    )
    store.ensure_ready()
    store.put("hello.txt", io.BytesIO(b"hi"), 2, "text/plain")
    assert store.get("hello.txt") == b"hi"


def test_storage_does_not_import_flask() -> None:
    """The storage package stays usable outside the web app."""
    code = "import sys, storage; sys.exit('flask' in sys.modules)"
    result = subprocess.run([sys.executable, "-c", code], cwd=Path(__file__).parents[2])
    assert result.returncode == 0
