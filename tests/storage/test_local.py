"""LocalStore specifics: atomic writes, sidecars, folder handling, signed URLs."""

from __future__ import annotations

import io
import json
import types
from datetime import timedelta
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

import pytest

import storage.local
from storage import (
    LocalStore,
    SignatureExpired,
    SignatureInvalid,
    StorageError,
    StorageUnavailable,
)


class FailingStream(io.RawIOBase):
    """Hands out ``good`` bytes, then raises like a dropped client connection."""

    def __init__(self, good: int) -> None:
        """Fail after ``good`` bytes."""
        super().__init__()
        self.left = good

    def readable(self) -> bool:
        """This stream is readable."""
        return True

    def read(self, size: int = -1) -> bytes:
        """Return zeros until the budget is spent, then fail."""
        if self.left <= 0:
            raise ConnectionResetError("client went away")
        size = self.left if size is None or size < 0 else min(size, self.left)
        self.left -= size
        return b"\0" * size


URL_BASE = "https://school.example/media"
SECRET = "another-test-secret"


def all_files(root: Path) -> list[str]:
    """Every file and folder below ``root``, relative, sorted."""
    return sorted(str(p.relative_to(root)) for p in root.rglob("*"))


def url_parts(url: str) -> tuple[str, str, str]:
    """Split a local signed URL (under a ".../media" base) into key, expires, signature."""
    parts = urlsplit(url)
    query = parse_qs(parts.query)
    key = parts.path.split("/media/", 1)[1]
    return key, query["expires"][0], query["signature"][0]


def test_failed_write_leaves_nothing(local_store: LocalStore) -> None:
    """A stream dying mid-write leaves no file, no sidecar, no temp file, no folder."""
    before = all_files(local_store.root)
    with pytest.raises(ConnectionResetError):
        local_store.put("new/deep/file.bin", FailingStream(3_000_000), 5_000_000, "video/mp4")
    assert all_files(local_store.root) == before == [".meta"]


def test_failed_overwrite_keeps_old_version(local_store: LocalStore) -> None:
    """Replacing an object is all or nothing."""
    local_store.put("doc.txt", io.BytesIO(b"old"), 3, "text/plain", {"v": "1"})
    with pytest.raises(ConnectionResetError):
        local_store.put("doc.txt", FailingStream(10), 100, "application/pdf", {"v": "2"})
    assert local_store.get("doc.txt") == b"old"
    assert local_store.stat("doc.txt").metadata == {"v": "1"}
    assert all_files(local_store.root) == [".meta", ".meta/doc.txt.json", "doc.txt"]


def test_sidecar_layout(local_store: LocalStore) -> None:
    """Metadata lives in <root>/.meta/<key>.json, the bytes at <root>/<key>."""
    local_store.put("a/b.txt", io.BytesIO(b"hi"), 2, "text/plain", {"Owner": "x"})
    assert (local_store.root / "a" / "b.txt").read_bytes() == b"hi"
    sidecar = json.loads((local_store.root / ".meta" / "a" / "b.txt.json").read_text())
    assert sidecar["content_type"] == "text/plain"
    assert sidecar["metadata"] == {"owner": "x"}


def test_missing_sidecar_falls_back_to_defaults(local_store: LocalStore) -> None:
    """A file without sidecar (copied in by hand) is still a valid object."""
    (local_store.root / "manual.bin").write_bytes(b"abc")
    info = local_store.stat("manual.bin")
    assert (info.size, info.content_type, info.etag, info.metadata) == (
        3,
        "application/octet-stream",
        None,
        {},
    )


def test_delete_prunes_empty_folders(local_store: LocalStore) -> None:
    """Deleting the last object of a folder removes the folder, in both trees."""
    local_store.put("x/y/z", io.BytesIO(b"1"), 1, "text/plain")
    local_store.delete("x/y/z")
    assert all_files(local_store.root) == [".meta"]
    # ... so the name is free again for an object.
    local_store.put("x", io.BytesIO(b"2"), 1, "text/plain")
    assert local_store.get("x") == b"2"


def test_object_and_folder_of_same_name_collide(local_store: LocalStore) -> None:
    """A filesystem cannot hold "a" and "a/b"; the store says so clearly."""
    local_store.put("a", io.BytesIO(b"1"), 1, "text/plain")
    with pytest.raises(StorageError, match="collides"):
        local_store.put("a/b", io.BytesIO(b"2"), 1, "text/plain")
    local_store.put("c/d", io.BytesIO(b"3"), 1, "text/plain")
    with pytest.raises(StorageError, match="collides"):
        local_store.put("c", io.BytesIO(b"4"), 1, "text/plain")
    assert [i.key for i in local_store.list()] == ["a", "c/d"]


def test_list_skips_hidden_and_temp_files(local_store: LocalStore) -> None:
    """Leftovers of a crash (.tmp files) never show up as objects."""
    local_store.put("k", io.BytesIO(b"1"), 1, "text/plain")
    (local_store.root / ".abc123.tmp").write_bytes(b"partial")
    assert [i.key for i in local_store.list()] == ["k"]


def test_ping_before_ensure_ready(tmp_path: Path) -> None:
    """ping() reports a missing folder; ensure_ready() creates it."""
    store = LocalStore(tmp_path / "not-yet", URL_BASE, SECRET)
    with pytest.raises(StorageUnavailable):
        store.ping()
    store.ensure_ready()
    store.ping()


def test_ensure_ready_fails_on_a_file(tmp_path: Path) -> None:
    """A root that is a file cannot be made ready."""
    (tmp_path / "file").write_text("x")
    with pytest.raises(StorageUnavailable):
        LocalStore(tmp_path / "file", URL_BASE, SECRET).ensure_ready()


def test_empty_secret_is_refused(tmp_path: Path) -> None:
    """Unsigned URLs are not an option."""
    with pytest.raises(ValueError):
        LocalStore(tmp_path, URL_BASE, "")


def test_signed_get_url_round_trip(local_store: LocalStore) -> None:
    """A GET URL has the documented shape and verifies; then the bytes are served."""
    local_store.put("media/p.png", io.BytesIO(b"png"), 3, "image/png")
    url = local_store.presigned_get_url("media/p.png", timedelta(minutes=5))
    assert url.startswith(f"{local_store.url_base}/media/p.png?expires=")
    key, expires, signature = url_parts(url)
    assert key == "media/p.png"
    local_store.verify_signature("GET", key, expires, signature)
    local_store.verify_signature("HEAD", key, expires, signature)  # HEAD rides on GET.
    assert local_store.get(key) == b"png"


def test_signed_put_url_only_for_put(local_store: LocalStore) -> None:
    """PUT and GET signatures are not interchangeable."""
    put_key, put_exp, put_sig = url_parts(local_store.presigned_put_url("u", timedelta(hours=1)))
    local_store.verify_signature("PUT", put_key, put_exp, put_sig)
    with pytest.raises(SignatureInvalid):
        local_store.verify_signature("GET", put_key, put_exp, put_sig)
    get_key, get_exp, get_sig = url_parts(local_store.presigned_get_url("u", timedelta(hours=1)))
    with pytest.raises(SignatureInvalid):
        local_store.verify_signature("PUT", get_key, get_exp, get_sig)


def test_tampered_urls_are_rejected(local_store: LocalStore) -> None:
    """Changing the key, the expiry or one signature character breaks the URL."""
    key, expires, signature = url_parts(local_store.presigned_get_url("a/b", timedelta(hours=1)))
    flipped = ("0" if signature[10] != "0" else "1").join((signature[:10], signature[11:]))
    attempts = [
        ("a/c", expires, signature),
        (key, str(int(expires) + 3600), signature),
        (key, expires, flipped),
        (key, expires, signature.upper()),
        (key, expires, ""),
        ("../etc/passwd", expires, signature),
        (key, "soon", signature),
        (key, "-1", signature),
    ]
    for attempt in attempts:
        with pytest.raises(SignatureInvalid):
            local_store.verify_signature("GET", *attempt)
    with pytest.raises(SignatureInvalid):
        local_store.verify_signature("DELETE", key, expires, signature)


def test_other_secret_does_not_verify(local_store: LocalStore, tmp_path: Path) -> None:
    """A URL signed with another secret is invalid."""
    other = LocalStore(tmp_path / "o", URL_BASE, SECRET)
    with pytest.raises(SignatureInvalid):
        local_store.verify_signature("GET", *url_parts(other.presigned_get_url("k", timedelta(1))))


def test_expired_url(local_store: LocalStore, monkeypatch: pytest.MonkeyPatch) -> None:
    """A genuine URL past its deadline is SignatureExpired; a forged one stays Invalid."""
    key, expires, signature = url_parts(local_store.presigned_get_url("k", timedelta(seconds=2)))
    local_store.verify_signature("GET", key, expires, signature)
    # Move the store's clock instead of sleeping.
    later = types.SimpleNamespace(time=lambda: int(expires) + 1)
    monkeypatch.setattr(storage.local, "time", later)
    with pytest.raises(SignatureExpired):
        local_store.verify_signature("GET", key, expires, signature)
    with pytest.raises(SignatureInvalid):
        local_store.verify_signature("GET", key, expires, "0" * 64)
