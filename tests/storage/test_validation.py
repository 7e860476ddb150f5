"""Input validation, identical on every backend: keys, prefixes, metadata, expiry."""

from __future__ import annotations

import io
from datetime import timedelta

import pytest

from storage import InvalidKey, InvalidMetadata, ObjectStore, validate_key

BAD_KEYS = [
    "",
    "/absolute",
    "..",
    "a/../b",
    "a/./b",
    "a\\b",
    "white space",
    "ümlaut",
    "a//b",
    "trailing/",
    ".hidden",
    "a/.meta",
    "query?x=1",
    "x" * 513,
    "x" * 201,
]


@pytest.mark.parametrize("key", BAD_KEYS)
def test_invalid_keys_are_rejected(store: ObjectStore, key: str) -> None:
    """Every method refuses a malformed key before touching the backend."""
    with pytest.raises(InvalidKey):
        store.put(key, io.BytesIO(b"x"), 1, "text/plain")
    for call in (store.get, store.open, store.stat, store.exists, store.delete):
        with pytest.raises(InvalidKey):
            call(key)
    for presign in (store.presigned_get_url, store.presigned_put_url):
        with pytest.raises(InvalidKey):
            presign(key, timedelta(minutes=5))


def test_longest_valid_key(store: ObjectStore) -> None:
    """512 characters in segments of up to 200 are fine."""
    key = "/".join(["s" * 200, "t" * 200, "u" * 110])
    assert len(key) == 512
    store.put(key, io.BytesIO(b"deep"), 4, "text/plain")
    assert store.get(key) == b"deep"


@pytest.mark.parametrize("prefix", ["/a", "../", "a/../", "a b", "a//"])
def test_invalid_list_prefix(store: ObjectStore, prefix: str) -> None:
    """list() validates its prefix too."""
    with pytest.raises(InvalidKey):
        list(store.list(prefix))


@pytest.mark.parametrize(
    ("content_type", "metadata"),
    [
        ("", None),
        ("text/plain\r\nX-Injected: 1", None),
        ("text/plain", {"name": "Zoë"}),
        ("text/plain", {"under_score": "v"}),
        ("text/plain", {"name": ""}),
        ("text/plain", {"name": " padded "}),
        ("text/plain", {"Same": "1", "same": "2"}),
        ("text/plain", {"big": "v" * 3000}),
    ],
)
def test_invalid_metadata_is_rejected(
    store: ObjectStore, content_type: str, metadata: dict[str, str] | None
) -> None:
    """Metadata that S3 would mangle or drop is refused up front, on every backend."""
    with pytest.raises(InvalidMetadata):
        store.put("k", io.BytesIO(b"x"), 1, content_type, metadata)
    assert not store.exists("k")


@pytest.mark.parametrize(
    "expires",
    [timedelta(0), timedelta(milliseconds=999), timedelta(days=7, seconds=1), timedelta(-1), 60],
)
def test_expiry_out_of_bounds(store: ObjectStore, expires: timedelta) -> None:
    """Presigned URLs live between 1 second and 7 days."""
    with pytest.raises(ValueError):
        store.presigned_get_url("k", expires)
    with pytest.raises(ValueError):
        store.presigned_put_url("k", expires)


def test_expiry_bounds_inclusive(store: ObjectStore) -> None:
    """Exactly 1 second and exactly 7 days are accepted."""
    assert store.presigned_get_url("k", timedelta(seconds=1))
    assert store.presigned_put_url("k", timedelta(days=7))


def test_invalid_length(store: ObjectStore) -> None:
    """A negative length is a programming error."""
    with pytest.raises(ValueError):
        store.put("k", io.BytesIO(b""), -1, "text/plain")


@pytest.mark.parametrize("key", ["a", "A-Z_0.9", "reports/2024/03/photo-1.jpg", "x" * 200])
def test_valid_keys_pass_unchanged(key: str) -> None:
    """validate_key returns valid keys as they are."""
    assert validate_key(key) == key
