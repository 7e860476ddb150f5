"""S3Store specifics: presigned URLs against SeaweedFS and error mapping."""

from __future__ import annotations

import io
import socket
import threading
import time
from collections.abc import Iterator
from datetime import timedelta
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from types import SimpleNamespace

import pytest
import requests
from minio.error import S3Error

import storage.s3
from storage import (
    ObjectNotFound,
    S3Store,
    StorageAccessDenied,
    StorageError,
    StorageUnavailable,
)
from tests.support.seaweed import SeaweedS3


def flip_char(text: str, index: int) -> str:
    """Return ``text`` with the hex digit at ``index`` changed."""
    return text[:index] + ("0" if text[index] != "0" else "1") + text[index + 1 :]


def test_presigned_get_downloads(s3_store: S3Store) -> None:
    """A presigned GET URL works without credentials."""
    s3_store.put("media/a.txt", io.BytesIO(b"shared"), 6, "text/plain")
    response = requests.get(s3_store.presigned_get_url("media/a.txt", timedelta(minutes=1)))
    assert response.status_code == 200
    assert response.content == b"shared"
    assert response.headers["Content-Type"] == "text/plain"


def test_presigned_put_uploads(s3_store: S3Store) -> None:
    """A presigned PUT URL accepts an upload that the store then serves."""
    url = s3_store.presigned_put_url("uploads/u.bin", timedelta(minutes=1))
    assert requests.put(url, data=b"from the phone").status_code == 200
    assert s3_store.get("uploads/u.bin") == b"from the phone"


def test_tampered_urls_get_403(s3_store: S3Store) -> None:
    """Another key, one changed signature digit, or the wrong method: 403."""
    s3_store.put("a/b", io.BytesIO(b"1"), 1, "text/plain")
    s3_store.put("a/c", io.BytesIO(b"2"), 1, "text/plain")
    url = s3_store.presigned_get_url("a/b", timedelta(minutes=1))
    signature_at = url.index("X-Amz-Signature=") + len("X-Amz-Signature=")
    assert requests.get(url.replace("/a/b?", "/a/c?")).status_code == 403
    assert requests.get(flip_char(url, signature_at + 5)).status_code == 403
    put_url = s3_store.presigned_put_url("a/b", timedelta(minutes=1))
    assert requests.get(put_url).status_code == 403
    assert requests.put(url, data=b"overwrite").status_code == 403
    assert s3_store.get("a/b") == b"1"


def test_expired_url_gets_403(s3_store: S3Store) -> None:
    """After its expiry a presigned URL is refused (the one sleep of this suite)."""
    s3_store.put("soon", io.BytesIO(b"x"), 1, "text/plain")
    url = s3_store.presigned_get_url("soon", timedelta(seconds=1))
    put_url = s3_store.presigned_put_url("later", timedelta(seconds=1))
    # X-Amz-Date has one-second resolution: 2.2 s is past the deadline for sure.
    time.sleep(2.2)
    assert requests.get(url).status_code == 403
    assert requests.put(put_url, data=b"x").status_code == 403


@pytest.mark.parametrize("wrong", ["secret", "access"])
def test_wrong_credentials_are_access_denied(
    seaweed: SeaweedS3, s3_store: S3Store, wrong: str
) -> None:
    """Bad credentials raise StorageAccessDenied on every kind of call."""
    s3_store.put("k", io.BytesIO(b"x"), 1, "text/plain")
    access = seaweed.access_key + ("X" if wrong == "access" else "")
    secret = seaweed.secret_key + ("X" if wrong == "secret" else "")
    bad = S3Store(seaweed.endpoint, access, secret, s3_store.bucket, secure=False)
    with pytest.raises(StorageAccessDenied):
        bad.ping()
    with pytest.raises(StorageAccessDenied):
        bad.put("k2", io.BytesIO(b"x"), 1, "text/plain")
    for call in (bad.get, bad.stat, bad.exists, bad.delete):
        with pytest.raises(StorageAccessDenied):
            call("k")
    with pytest.raises(StorageAccessDenied):
        list(bad.list())
    assert s3_store.get("k") == b"x"


def test_missing_bucket(seaweed: SeaweedS3, seaweed_bucket: str) -> None:
    """Before ensure_ready the store is unavailable (not "object not found")."""
    store = S3Store(
        seaweed.endpoint, seaweed.access_key, seaweed.secret_key, seaweed_bucket, secure=False
    )
    with pytest.raises(StorageUnavailable, match="does not exist"):
        store.ping()
    with pytest.raises(StorageUnavailable):
        store.stat("k")
    store.ensure_ready()
    store.ensure_ready()
    store.ping()
    with pytest.raises(ObjectNotFound):
        store.stat("k")


def test_region_given_skips_location_lookup(seaweed: SeaweedS3, seaweed_bucket: str) -> None:
    """With a region, presigning needs no request; the URL still works."""
    store = S3Store(
        seaweed.endpoint,
        seaweed.access_key,
        seaweed.secret_key,
        seaweed_bucket,
        secure=False,
        region="us-east-1",
    )
    store.ensure_ready()
    store.put("r", io.BytesIO(b"regional"), 8, "text/plain")
    assert requests.get(store.presigned_get_url("r", timedelta(minutes=1))).content == b"regional"


@pytest.fixture
def closed_port() -> int:
    """A port nothing listens on."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def test_unreachable_server_fails_fast(closed_port: int) -> None:
    """Connection refused becomes StorageUnavailable within a few seconds."""
    store = S3Store(f"127.0.0.1:{closed_port}", "ak", "sk", "bucket", secure=False)
    calls = [
        store.ping,
        store.ensure_ready,
        lambda: store.put("k", io.BytesIO(b"x"), 1, "text/plain"),
        lambda: store.get("k"),
        lambda: store.exists("k"),
        lambda: list(store.list()),
        lambda: store.presigned_get_url("k", timedelta(minutes=1)),
    ]
    for call in calls:
        started = time.monotonic()
        with pytest.raises(StorageUnavailable):
            call()
        assert time.monotonic() - started < 5


def test_presign_offline_with_region(closed_port: int) -> None:
    """Presigning is local computation once the region is known."""
    store = S3Store(f"127.0.0.1:{closed_port}", "ak", "sk", "bucket", False, region="us-east-1")
    assert "X-Amz-Signature=" in store.presigned_get_url("k", timedelta(minutes=1))


@pytest.fixture
def stub_server() -> Iterator[SimpleNamespace]:
    """An HTTP server answering every request with a configurable status and body."""
    state = SimpleNamespace(status=503, body=b"", content_type="application/xml", requests=0)

    class Handler(BaseHTTPRequestHandler):
        """Answers every method the same way, from ``state``."""

        def _answer(self) -> None:
            """Send the configured status, content type and body."""
            state.requests += 1
            self.send_response(state.status)
            self.send_header("Content-Type", state.content_type)
            self.send_header("Content-Length", str(len(state.body)))
            self.end_headers()
            if self.command != "HEAD":
                self.wfile.write(state.body)

        do_GET = do_PUT = do_HEAD = do_DELETE = _answer

        def log_message(self, *args: object) -> None:
            """Keep the test output quiet."""

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=server.serve_forever, args=(0.05,), daemon=True)
    thread.start()
    state.endpoint = f"127.0.0.1:{server.server_address[1]}"
    yield state
    server.shutdown()
    server.server_close()


def test_server_errors_are_unavailable(stub_server: SimpleNamespace) -> None:
    """A 5xx answer (after the bounded retries) becomes StorageUnavailable, quickly."""
    store = S3Store(stub_server.endpoint, "ak", "sk", "bucket", False, region="us-east-1")
    started = time.monotonic()
    with pytest.raises(StorageUnavailable):
        store.stat("k")
    assert time.monotonic() - started < 5
    assert stub_server.requests == 1 + storage.s3.MAX_RETRIES


@pytest.mark.parametrize("content_type", ["text/html", "application/xml"])
def test_non_s3_answer_is_unavailable(stub_server: SimpleNamespace, content_type: str) -> None:
    """Something that is not an S3 server (e.g. a proxy error page) is unavailable."""
    stub_server.status, stub_server.body = 400, b"<html>bad gateway config</html>"
    stub_server.content_type = content_type
    store = S3Store(stub_server.endpoint, "ak", "sk", "bucket", False, region="us-east-1")
    with pytest.raises(StorageUnavailable):
        store.get("k")


def test_read_timeout_is_unavailable(monkeypatch: pytest.MonkeyPatch) -> None:
    """A server that accepts but never answers times out instead of hanging."""
    monkeypatch.setattr(storage.s3, "READ_TIMEOUT", 0.3)
    monkeypatch.setattr(storage.s3, "MAX_RETRIES", 0)
    with socket.socket() as silent:
        silent.bind(("127.0.0.1", 0))
        silent.listen(8)  # The kernel completes connections; nobody ever reads.
        endpoint = f"127.0.0.1:{silent.getsockname()[1]}"
        store = S3Store(endpoint, "ak", "sk", "bucket", False, region="us-east-1")
        started = time.monotonic()
        with pytest.raises(StorageUnavailable):
            store.ping()
        assert time.monotonic() - started < 3


@pytest.mark.parametrize(
    ("code", "status", "expected"),
    [
        ("NoSuchKey", 404, ObjectNotFound),
        ("NoSuchObject", 404, ObjectNotFound),
        ("NoSuchBucket", 404, StorageUnavailable),
        ("AccessDenied", 403, StorageAccessDenied),
        ("InvalidAccessKeyId", 403, StorageAccessDenied),
        ("SignatureDoesNotMatch", 403, StorageAccessDenied),
        ("SlowDown", 503, StorageUnavailable),
        ("SomethingNew", 500, StorageUnavailable),
        ("EntityTooLarge", 400, StorageError),
    ],
)
def test_s3_error_codes_map(code: str, status: int, expected: type[StorageError]) -> None:
    """Each S3 error code lands on the documented exception (and nothing more specific)."""
    error = S3Error(SimpleNamespace(status=status), code, "msg", "/b/k", "req", "host", "b", "k")
    mapped = storage.s3._map_s3_error(error, "k")
    assert type(mapped) is expected
