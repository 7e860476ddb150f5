"""The ObjectStore contract, run against LocalStore and against S3Store on SeaweedFS."""

from __future__ import annotations

import hashlib
import io
import os
from datetime import UTC, datetime, timedelta

import pytest

from storage import (
    ObjectInfo,
    ObjectNotFound,
    ObjectStore,
    StorageError,
)

MIB = 1024 * 1024


class TrackingStream(io.RawIOBase):
    """A stream over ``data`` that records how it was read and can fail midway."""

    def __init__(self, data: bytes, fail_after: int | None = None) -> None:
        """Serve ``data``; raise Boom once ``fail_after`` bytes were handed out."""
        super().__init__()
        self._data = memoryview(data)
        self._pos = 0
        self.fail_after = fail_after
        self.sizes: list[int] = []

    def readable(self) -> bool:
        """This stream is readable."""
        return True

    def read(self, size: int = -1) -> bytes:
        """Return the next ``size`` bytes, remembering ``size``."""
        self.sizes.append(size)
        if self.fail_after is not None and self._pos >= self.fail_after:
            raise Boom("client went away")
        end = len(self._data) if size is None or size < 0 else self._pos + size
        if self.fail_after is not None:
            end = min(end, self.fail_after)  # Hand out the good part, then fail.
        chunk = bytes(self._data[self._pos : end])
        self._pos += len(chunk)
        return chunk


class Boom(OSError):
    """The caller's stream failing, e.g. a client disconnecting mid-upload."""


def put_bytes(store: ObjectStore, key: str, data: bytes, **kwargs: object) -> ObjectInfo:
    """Store ``data`` under ``key`` with a default content type."""
    kwargs.setdefault("content_type", "application/octet-stream")
    return store.put(key, io.BytesIO(data), len(data), **kwargs)  # type: ignore[arg-type]


def test_put_get_round_trip(store: ObjectStore) -> None:
    """What goes in comes out, and put reports what it stored."""
    info = put_bytes(store, "reports/2024/one.txt", b"hello world", content_type="text/plain")
    assert info.key == "reports/2024/one.txt"
    assert info.size == 11
    assert info.content_type == "text/plain"
    assert store.get("reports/2024/one.txt") == b"hello world"


def test_open_returns_readable_stream(store: ObjectStore) -> None:
    """open() streams the content in chunks and the caller closes it."""
    data = os.urandom(200_000)
    put_bytes(store, "blob.bin", data)
    handle = store.open("blob.bin")
    try:
        chunks = iter(lambda: handle.read(65536), b"")
        assert b"".join(chunks) == data
    finally:
        handle.close()
    assert handle.closed


def test_stat_fields_and_metadata_round_trip(store: ObjectStore) -> None:
    """stat() gives size, type, md5 etag, a UTC time and metadata with lower-cased keys."""
    before = datetime.now(UTC) - timedelta(seconds=5)
    put_bytes(
        store,
        "a/photo.jpg",
        b"\xff\xd8jpeg",
        content_type="image/jpeg",
        metadata={"Uploaded-By": "teacher-42", "school": "No. 3 Middle School"},
    )
    info = store.stat("a/photo.jpg")
    assert info.size == 6
    assert info.content_type == "image/jpeg"
    assert info.etag == hashlib.md5(b"\xff\xd8jpeg").hexdigest()
    assert info.last_modified is not None and info.last_modified.tzinfo is not None
    assert before <= info.last_modified <= datetime.now(UTC) + timedelta(seconds=5)
    assert info.metadata == {"uploaded-by": "teacher-42", "school": "No. 3 Middle School"}
    assert store.put("x", io.BytesIO(b""), 0, "text/plain").metadata == {}


def test_content_type_with_parameters_is_kept(store: ObjectStore) -> None:
    """Parameters of the content type survive."""
    put_bytes(store, "page.html", b"<p>", content_type="text/html; charset=utf-8")
    assert store.stat("page.html").content_type == "text/html; charset=utf-8"


def test_overwrite_replaces_content_and_metadata(store: ObjectStore) -> None:
    """A second put replaces bytes, type and metadata entirely."""
    put_bytes(store, "doc", b"first version", content_type="text/plain", metadata={"v": "1"})
    put_bytes(store, "doc", b"2nd", content_type="application/pdf", metadata={"w": "2"})
    info = store.stat("doc")
    assert (info.size, info.content_type, info.metadata) == (3, "application/pdf", {"w": "2"})
    assert store.get("doc") == b"2nd"


def test_empty_object(store: ObjectStore) -> None:
    """Zero-length objects are objects too."""
    put_bytes(store, "empty", b"")
    assert store.exists("empty")
    assert store.get("empty") == b""
    assert store.stat("empty").size == 0


def test_exists_and_idempotent_delete(store: ObjectStore) -> None:
    """delete() removes the object and never complains about missing keys."""
    put_bytes(store, "dir/gone.txt", b"bye")
    assert store.exists("dir/gone.txt")
    store.delete("dir/gone.txt")
    assert not store.exists("dir/gone.txt")
    store.delete("dir/gone.txt")
    store.delete("never/existed")


def test_list_is_recursive_sorted_and_filtered(store: ObjectStore) -> None:
    """list() yields full ObjectInfo in byte order of keys, also across folders."""
    # SeaweedFS itself lists "a/b/c" before "a/b-"; the store must sort.
    keys = ["b", "a/z/y/x", "a0", "a/b/c", "A", "a.txt", "a-c", "a/b-", "ab"]
    for key in keys:
        put_bytes(store, key, key.encode(), content_type="text/plain", metadata={"k": key})
    listed = list(store.list())
    assert [i.key for i in listed] == sorted(keys)
    assert all(i.content_type == "text/plain" and i.metadata == {"k": i.key} for i in listed)
    assert [i.size for i in listed] == [len(k) for k in sorted(keys)]
    assert [i.key for i in store.list("a/")] == ["a/b-", "a/b/c", "a/z/y/x"]
    assert [i.key for i in store.list("a/b")] == ["a/b-", "a/b/c"]
    assert [i.key for i in store.list("a")] == sorted(k for k in keys if k.startswith("a"))
    assert list(store.list("nothing/here")) == []


def test_missing_key_raises_object_not_found(store: ObjectStore) -> None:
    """Reads of a missing key raise ObjectNotFound carrying the key."""
    for read in (store.get, store.open, store.stat):
        with pytest.raises(ObjectNotFound) as caught:
            read("no/such/key")
        assert caught.value.key == "no/such/key"
    assert not store.exists("no/such/key")


def test_folder_is_not_an_object(store: ObjectStore) -> None:
    """A prefix that only exists as a folder of other keys is not an object."""
    put_bytes(store, "folder/child", b"x")
    assert not store.exists("folder")
    with pytest.raises(ObjectNotFound):
        store.get("folder")


def test_large_stream_is_streamed(store: ObjectStore) -> None:
    """6 MiB go through in bounded reads (never "read everything") and intact."""
    data = os.urandom(6 * MIB)
    stream = TrackingStream(data)
    info = store.put("big/video.mp4", stream, len(data), "video/mp4")
    assert info.size == len(data)
    assert all(size is not None and 0 < size < len(data) for size in stream.sizes)
    digest = hashlib.sha256()
    with store.open("big/video.mp4") as handle:
        for chunk in iter(lambda: handle.read(MIB), b""):
            digest.update(chunk)
    assert digest.hexdigest() == hashlib.sha256(data).hexdigest()


def test_only_length_bytes_are_stored(store: ObjectStore) -> None:
    """A stream longer than ``length`` is cut at ``length``."""
    store.put("cut", io.BytesIO(b"0123456789"), 4, "text/plain")
    assert store.get("cut") == b"0123"


def test_short_stream_fails_and_stores_nothing(store: ObjectStore) -> None:
    """A stream shorter than announced is an error, not a truncated object."""
    with pytest.raises(StorageError, match="announced"):
        store.put("short", io.BytesIO(b"12345"), 10, "text/plain")
    assert not store.exists("short")


@pytest.mark.parametrize("size", [1000, 6 * MIB], ids=["small", "multipart"])
def test_stream_error_propagates_and_stores_nothing(store: ObjectStore, size: int) -> None:
    """The caller's own stream error surfaces unchanged and nothing is published."""
    stream = TrackingStream(os.urandom(size), fail_after=size // 2 + 1)
    with pytest.raises(Boom):
        store.put("broken", stream, size, "application/octet-stream")
    assert not store.exists("broken")
    assert [i.key for i in store.list()] == []


def test_ping_and_ensure_ready_are_idempotent(store: ObjectStore) -> None:
    """A ready store pings fine, and ensure_ready can run again."""
    store.ping()
    store.ensure_ready()
    store.ping()
