"""Object store on any S3-compatible server (MinIO, SeaweedFS, AWS) via the minio SDK."""

from __future__ import annotations

import io
import os
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from datetime import UTC, timedelta
from typing import Any, BinaryIO, cast

import certifi
import urllib3
from minio import Minio
from minio.error import InvalidResponseError, MinioException, S3Error, ServerError
from minio.helpers import check_bucket_name

from storage.base import (
    DEFAULT_CONTENT_TYPE,
    ObjectInfo,
    ObjectNotFound,
    ObjectStore,
    SizedReader,
    StorageAccessDenied,
    StorageError,
    StorageUnavailable,
    check_put,
    validate_expiry,
    validate_key,
    validate_prefix,
)

# The SDK's defaults (5 min timeouts, 5 retries) make a dead server hang requests
# and /healthz for minutes; fail fast instead.
CONNECT_TIMEOUT = 5.0
READ_TIMEOUT = 30.0
MAX_RETRIES = 2

_META_PREFIX = "x-amz-meta-"
_NOT_FOUND = {"NoSuchKey", "NoSuchObject", "NoSuchVersion"}
_DENIED = {"AccessDenied", "InvalidAccessKeyId", "SignatureDoesNotMatch", "AllAccessDisabled"}
_DENIED |= {"ExpiredToken", "InvalidToken", "AccountProblem"}
_UNAVAILABLE = {"InternalError", "ServiceUnavailable", "SlowDown", "RequestTimeout"}


def _http_client(secure: bool) -> urllib3.PoolManager:
    """Build the urllib3 pool the SDK uses, with short timeouts and few retries."""
    retries = urllib3.Retry(
        total=MAX_RETRIES,
        backoff_factor=0.2,
        status_forcelist=[500, 502, 503, 504],
        # A server answering "Retry-After: 3600" must not park a request for an hour.
        respect_retry_after_header=False,
    )
    # Same CA handling as the SDK's own default client.
    ca_certs = os.environ.get("SSL_CERT_FILE") or certifi.where()
    tls = {"cert_reqs": "CERT_REQUIRED", "ca_certs": ca_certs} if secure else {}
    return urllib3.PoolManager(
        timeout=urllib3.Timeout(connect=CONNECT_TIMEOUT, read=READ_TIMEOUT),
        retries=retries,
        maxsize=10,
        **(tls if secure else {}),
    )


class _ResponseReader(io.RawIOBase):
    """Raw stream over a minio GET response that maps errors and frees the connection."""

    def __init__(self, response: Any, key: str) -> None:
        """Wrap an un-preloaded urllib3 response for ``key``."""
        super().__init__()
        self._response = response
        self._key = key

    def readable(self) -> bool:
        """Report that this stream can be read."""
        return True

    def readinto(self, buffer: Any) -> int:
        """Fill ``buffer`` from the response body; 0 means end of object."""
        with _translate(self._key):
            data = self._response.read(len(buffer))
        buffer[: len(data)] = data
        return len(data)

    def close(self) -> None:
        """Close the response and hand its connection back to the pool."""
        if not self.closed:
            try:
                self._response.close()
                self._response.release_conn()
            finally:
                super().close()


def _map_s3_error(exc: S3Error, key: str | None) -> StorageError:
    """Translate an S3 error response into the package's exceptions."""
    code = exc.code or ""
    status = getattr(exc.response, "status", 0) or 0
    if code in _NOT_FOUND:
        return ObjectNotFound(key or "")
    if code == "NoSuchBucket":
        # Not ObjectNotFound: a missing bucket is a deployment problem, not a key.
        return StorageUnavailable(f"bucket missing ({exc.bucket_name}); run ensure_ready")
    if code in _DENIED:
        return StorageAccessDenied(f"S3 refused access ({code}): {exc.message}")
    if not code or code in _UNAVAILABLE or status >= 500:
        # No code at all means the endpoint is not behaving like an S3 server.
        return StorageUnavailable(f"S3 server error ({code or status}): {exc.message}")
    return StorageError(f"S3 error ({code}): {exc.message}")


@contextmanager
def _translate(key: str | None = None, reader: SizedReader | None = None) -> Iterator[None]:
    """Re-raise SDK, urllib3 and socket errors as StorageError subclasses.

    StorageError passes through, and so does whatever the caller's own stream
    (wrapped in ``reader``) raised while the SDK was reading it.
    """
    try:
        yield
    except StorageError:
        raise
    except S3Error as exc:
        raise _map_s3_error(exc, key) from exc
    except BaseException as exc:
        if reader is not None and exc is reader.stream_error:
            raise
        if isinstance(exc, ServerError | InvalidResponseError):
            raise StorageUnavailable(f"S3 endpoint answered badly: {exc}") from exc
        if isinstance(exc, urllib3.exceptions.HTTPError | OSError):
            # MaxRetryError, timeouts, refused/reset connections, TLS failures.
            raise StorageUnavailable(f"S3 endpoint unreachable: {exc}") from exc
        if isinstance(exc, MinioException):
            raise StorageError(str(exc)) from exc
        raise


class S3Store(ObjectStore):
    """ObjectStore keeping objects in one S3 bucket."""

    def __init__(
        self,
        endpoint: str,
        access_key: str,
        secret_key: str,
        bucket: str,
        secure: bool,
        region: str | None = None,
    ) -> None:
        """Configure the client; no request is made before the first call.

        ``endpoint`` is "host:port" without scheme; ``secure`` selects https.
        Passing ``region`` saves a GetBucketLocation round trip per bucket.
        """
        # ValueError now, at configuration time, rather than on the first request;
        # strict: lower-case DNS-style names, which every S3 server accepts.
        check_bucket_name(bucket, strict=True)
        self.endpoint = endpoint
        self.bucket = bucket
        self.region = region
        self._client = Minio(
            endpoint,
            access_key=access_key,
            secret_key=secret_key,
            secure=secure,
            region=region,
            http_client=_http_client(secure),
        )

    def __repr__(self) -> str:
        """Show where the store points but never the credentials."""
        return f"S3Store(endpoint={self.endpoint!r}, bucket={self.bucket!r})"

    def put(
        self,
        key: str,
        stream: BinaryIO,
        length: int,
        content_type: str,
        metadata: Mapping[str, str] | None = None,
    ) -> ObjectInfo:
        """Upload ``length`` bytes from ``stream`` (multipart above 5 MiB parts).

        The SDK holds at most a few parts in memory; an exception raised by
        ``stream`` itself is re-raised unchanged.
        """
        meta = check_put(key, length, content_type, metadata)
        reader = SizedReader(stream, length)
        # Prefixing ourselves stops the SDK from sending keys such as
        # "cache-control" as real headers instead of user metadata.
        headers = {f"{_META_PREFIX}{name}": value for name, value in meta.items()}
        with _translate(key, reader):
            self._client.put_object(
                self.bucket, key, reader, length, content_type=content_type, metadata=headers
            )
        return self.stat(key)

    def open(self, key: str) -> BinaryIO:
        """Start a download and return it as a buffered stream."""
        validate_key(key)
        with _translate(key):
            response = self._client.get_object(self.bucket, key)
        raw = _ResponseReader(response, key)
        return cast(BinaryIO, io.BufferedReader(raw, buffer_size=64 * 1024))

    def stat(self, key: str) -> ObjectInfo:
        """HEAD the object and convert its headers."""
        return self._stat(validate_key(key))

    def _stat(self, key: str) -> ObjectInfo:
        """stat() without key validation, for names that come from a listing."""
        with _translate(key):
            obj = self._client.stat_object(self.bucket, key)
        metadata = {
            name.lower()[len(_META_PREFIX) :]: value
            for name, value in (obj.metadata or {}).items()
            if name.lower().startswith(_META_PREFIX)
        }
        modified = obj.last_modified
        return ObjectInfo(
            key=key,
            size=int(obj.size or 0),
            content_type=obj.content_type or DEFAULT_CONTENT_TYPE,
            etag=(obj.etag or "").strip('"') or None,
            last_modified=modified.astimezone(UTC) if modified else None,
            metadata=metadata,
        )

    def delete(self, key: str) -> None:
        """Delete the object; S3 already treats missing keys as success."""
        validate_key(key)
        try:
            with _translate(key):
                self._client.remove_object(self.bucket, key)
        except ObjectNotFound:
            pass  # Some servers do answer NoSuchKey; deletion is still idempotent.

    def list(self, prefix: str = "") -> Iterator[ObjectInfo]:
        """Yield objects under ``prefix`` sorted by key, stat-ing each one.

        Names are collected and sorted first because servers differ: SeaweedFS
        walks folders depth-first ("a/b/c" before "a/b-"), not in key order. The
        per-object HEAD supplies content type and metadata, which listings lack.
        """
        validate_prefix(prefix)
        with _translate():
            names = sorted(
                obj.object_name
                for obj in self._client.list_objects(
                    self.bucket, prefix=prefix or None, recursive=True
                )
                if obj.object_name and not obj.is_dir and not obj.object_name.endswith("/")
            )
        for name in names:
            try:
                yield self._stat(name)
            except ObjectNotFound:
                continue  # Deleted while we were listing.

    def _presign(self, method: str, key: str, expires: timedelta) -> str:
        """Return a SigV4 presigned URL for ``method`` on ``key``."""
        validate_key(key)
        lifetime = timedelta(seconds=validate_expiry(expires))
        # Without a configured region the SDK asks the server for it first.
        with _translate(key):
            return self._client.get_presigned_url(method, self.bucket, key, expires=lifetime)

    def presigned_get_url(self, key: str, expires: timedelta) -> str:
        """Return a SigV4 presigned GET URL."""
        return self._presign("GET", key, expires)

    def presigned_put_url(self, key: str, expires: timedelta) -> str:
        """Return a SigV4 presigned PUT URL (content type is not bound)."""
        return self._presign("PUT", key, expires)

    def ping(self) -> None:
        """Raise unless the bucket exists and the credentials are accepted."""
        with _translate():
            found = self._client.bucket_exists(self.bucket)
        if not found:
            raise StorageUnavailable(f"bucket {self.bucket!r} does not exist")

    def ensure_ready(self) -> None:
        """Create the bucket if missing (racing creators are fine)."""
        with _translate():
            if self._client.bucket_exists(self.bucket):
                return
            try:
                self._client.make_bucket(self.bucket, location=self.region)
            except S3Error as exc:
                # Lost a creation race against ourselves: fine. Anything else,
                # including a name owned by someone else, is a real error.
                already = {"BucketAlreadyOwnedByYou", "BucketAlreadyExists"}
                if exc.code not in already or not self._client.bucket_exists(self.bucket):
                    raise
