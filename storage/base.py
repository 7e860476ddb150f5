"""The object store interface shared by every backend, its exceptions and validators.

Keys, metadata, content types and expiry are validated here, once, so that every
backend accepts and rejects exactly the same input.
"""

from __future__ import annotations

import abc
import re
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import BinaryIO

MAX_KEY_LENGTH = 512
# Filesystems cap a file name at 255 bytes and the local store appends ".json"
# (and temp suffixes) to the last segment; 200 leaves room on every backend.
MAX_SEGMENT_LENGTH = 200
MIN_EXPIRY = timedelta(seconds=1)
# Seven days is the longest lifetime an S3 SigV4 presigned URL may have.
MAX_EXPIRY = timedelta(days=7)
# S3 limits user metadata to 2 KiB (keys plus values); enforcing it for every
# backend keeps the local store from accepting what S3 would refuse.
MAX_METADATA_BYTES = 2048
MAX_CONTENT_TYPE_LENGTH = 255
DEFAULT_CONTENT_TYPE = "application/octet-stream"

_KEY_CHARS = re.compile(r"[A-Za-z0-9._/-]+")
_META_KEY = re.compile(r"[A-Za-z0-9][A-Za-z0-9-]{0,127}")
# Printable ASCII only: S3 carries metadata in HTTP headers, and non-ASCII values
# make SeaweedFS answer with a misleading SignatureDoesNotMatch.
_HEADER_VALUE = re.compile(r"[\x20-\x7e]*")


class StorageError(Exception):
    """Base class of every error raised by the storage package."""


class ObjectNotFound(StorageError):
    """The requested key does not exist."""

    def __init__(self, key: str) -> None:
        """Remember the missing key so callers can report it."""
        super().__init__(f"object not found: {key!r}")
        self.key = key


class StorageUnavailable(StorageError):
    """The backend cannot be reached or failed on its side (network, 5xx, disk)."""


class StorageAccessDenied(StorageError):
    """The backend refused the credentials or the permission to act."""


class InvalidKey(StorageError):
    """A key (or list prefix) does not follow the key rules."""


class InvalidMetadata(StorageError):
    """User metadata or the content type cannot be stored faithfully."""


class SignatureInvalid(StorageError):
    """A signed local URL was tampered with, malformed, or signed for another method."""


class SignatureExpired(StorageError):
    """A signed local URL was genuine but its expiry time has passed."""


@dataclass(frozen=True)
class ObjectInfo:
    """What a backend knows about one stored object."""

    key: str
    size: int
    content_type: str
    etag: str | None
    last_modified: datetime | None
    metadata: dict[str, str] = field(default_factory=dict)


def validate_key(key: str) -> str:
    """Return ``key`` unchanged if it is a valid object key, else raise InvalidKey.

    Beyond the character set, empty segments ("a//b", "a/") and segments starting
    with a dot are refused: that rules out "." and "..", keeps keys free of
    filesystem aliases, and reserves dot-names for the local store's own files.
    Segments (the parts between slashes) are at most 200 characters.
    """
    if not isinstance(key, str) or not key:
        raise InvalidKey("key must be a non-empty string")
    if len(key) > MAX_KEY_LENGTH:
        raise InvalidKey(f"key longer than {MAX_KEY_LENGTH} characters")
    if key.startswith("/"):
        raise InvalidKey(f"key must not start with '/': {key!r}")
    if not _KEY_CHARS.fullmatch(key):
        raise InvalidKey(f"key may only contain A-Z a-z 0-9 . _ / -: {key!r}")
    for segment in key.split("/"):
        if not segment:
            raise InvalidKey(f"key has an empty path segment: {key!r}")
        if segment.startswith("."):
            raise InvalidKey(f"key segments must not start with '.': {key!r}")
        if len(segment) > MAX_SEGMENT_LENGTH:
            raise InvalidKey(f"key segment longer than {MAX_SEGMENT_LENGTH} characters")
    return key


def validate_prefix(prefix: str) -> str:
    """Return ``prefix`` if it can prefix a valid key ("" lists everything).

    The last segment may be partial or empty; the complete ones follow the key rules.
    """
    if not isinstance(prefix, str):
        raise InvalidKey("prefix must be a string")
    if not prefix:
        return prefix
    if len(prefix) > MAX_KEY_LENGTH:
        raise InvalidKey(f"prefix longer than {MAX_KEY_LENGTH} characters")
    if prefix.startswith("/") or not _KEY_CHARS.fullmatch(prefix):
        raise InvalidKey(f"invalid prefix: {prefix!r}")
    *complete, last = prefix.split("/")
    if last == "..":
        raise InvalidKey(f"prefix must not contain '..': {prefix!r}")
    for segment in complete:
        if not segment or segment.startswith("."):
            raise InvalidKey(f"invalid prefix segment in {prefix!r}")
    return prefix


def validate_expiry(expires: timedelta) -> int:
    """Return the expiry in whole seconds; ValueError outside 1 second .. 7 days."""
    if not isinstance(expires, timedelta):
        raise ValueError("expires must be a datetime.timedelta")
    if expires < MIN_EXPIRY or expires > MAX_EXPIRY:
        raise ValueError("expires must be between 1 second and 7 days")
    return int(expires.total_seconds())


def validate_length(length: int) -> int:
    """Return ``length`` if it is a non-negative int, else raise ValueError."""
    # bool is an int subclass; put(..., True, ...) is certainly a bug.
    if not isinstance(length, int) or isinstance(length, bool) or length < 0:
        raise ValueError("length must be a non-negative int")
    return length


def validate_content_type(content_type: str) -> str:
    """Return the content type if it survives an HTTP header round trip."""
    if (
        not isinstance(content_type, str)
        or not content_type
        or len(content_type) > MAX_CONTENT_TYPE_LENGTH
        or content_type != content_type.strip()
        or not _HEADER_VALUE.fullmatch(content_type)
    ):
        raise InvalidMetadata(f"invalid content type: {content_type!r}")
    return content_type


def normalize_metadata(metadata: Mapping[str, str] | None) -> dict[str, str]:
    """Validate user metadata and return it with lower-cased keys.

    Keys are lower-cased because S3 servers (SeaweedFS among them) do so anyway;
    values must be non-empty printable ASCII without surrounding spaces.
    """
    if not metadata:
        return {}
    result: dict[str, str] = {}
    total = 0
    for raw_key, value in metadata.items():
        if not isinstance(raw_key, str) or not _META_KEY.fullmatch(raw_key):
            raise InvalidMetadata(f"metadata key must match [A-Za-z0-9-]+: {raw_key!r}")
        if not isinstance(value, str) or not _HEADER_VALUE.fullmatch(value):
            raise InvalidMetadata(f"metadata value must be printable ASCII: {raw_key!r}")
        if not value or value != value.strip():
            # S3 servers drop empty values and strip spaces: refuse, not lose, them.
            raise InvalidMetadata(f"metadata value empty or space-padded: {raw_key!r}")
        key = raw_key.lower()
        if key in result:
            raise InvalidMetadata(f"duplicate metadata key (case-insensitive): {raw_key!r}")
        result[key] = value
        total += len(key) + len(value)
    if total > MAX_METADATA_BYTES:
        raise InvalidMetadata(f"metadata larger than {MAX_METADATA_BYTES} bytes")
    return result


def check_put(
    key: str, length: int, content_type: str, metadata: Mapping[str, str] | None
) -> dict[str, str]:
    """Validate the arguments of ObjectStore.put; return the normalized metadata."""
    validate_key(key)
    validate_length(length)
    validate_content_type(content_type)
    return normalize_metadata(metadata)


class SizedReader:
    """Reads exactly ``length`` bytes from a caller's stream, chunk by chunk.

    It stops at ``length`` even if the stream holds more, raises StorageError if
    the stream ends early, and remembers any exception the stream itself raised so
    that backends can let the caller's own error through instead of disguising it
    as a storage failure.
    """

    def __init__(self, stream: BinaryIO, length: int) -> None:
        """Wrap ``stream``, which must provide ``length`` bytes."""
        self._stream = stream
        self.length = length
        self.consumed = 0
        self.stream_error: BaseException | None = None

    def read(self, size: int = -1) -> bytes:
        """Return up to ``size`` bytes (never past ``length``); b"" at the end."""
        remaining = self.length - self.consumed
        if size is None or size < 0 or size > remaining:
            size = remaining
        if size == 0:
            return b""
        try:
            chunk = self._stream.read(size)
        except BaseException as exc:
            self.stream_error = exc
            raise
        if not chunk:
            raise StorageError(
                f"stream ended after {self.consumed} of {self.length} announced bytes"
            )
        # A misbehaving stream may return more than asked; never pass that on.
        chunk = chunk[:size]
        self.consumed += len(chunk)
        return chunk


class ObjectStore(abc.ABC):
    """A flat key -> bytes store with metadata and presigned URLs.

    ``get`` and ``exists`` are written once here on top of ``open`` and ``stat``.
    """

    @abc.abstractmethod
    def put(
        self,
        key: str,
        stream: BinaryIO,
        length: int,
        content_type: str,
        metadata: Mapping[str, str] | None = None,
    ) -> ObjectInfo:
        """Store exactly ``length`` bytes read from ``stream`` under ``key``."""

    def get(self, key: str) -> bytes:
        """Return the whole content of ``key`` (read through ``open``)."""
        with self.open(key) as handle:
            return handle.read()

    @abc.abstractmethod
    def open(self, key: str) -> BinaryIO:
        """Return a readable binary stream of ``key``; the caller closes it."""

    @abc.abstractmethod
    def stat(self, key: str) -> ObjectInfo:
        """Return size, content type, etag, modification time and metadata of ``key``."""

    def exists(self, key: str) -> bool:
        """Return whether ``key`` exists (``stat`` without ObjectNotFound)."""
        try:
            self.stat(key)
        except ObjectNotFound:
            return False
        return True

    @abc.abstractmethod
    def delete(self, key: str) -> None:
        """Delete ``key``; deleting a missing key is not an error."""

    @abc.abstractmethod
    def list(self, prefix: str = "") -> Iterator[ObjectInfo]:
        """Yield every object whose key starts with ``prefix``, sorted by key."""

    @abc.abstractmethod
    def presigned_get_url(self, key: str, expires: timedelta) -> str:
        """Return a URL that lets anyone download ``key`` until ``expires`` passes."""

    @abc.abstractmethod
    def presigned_put_url(self, key: str, expires: timedelta) -> str:
        """Return a URL that lets anyone upload ``key`` until ``expires`` passes."""

    @abc.abstractmethod
    def ping(self) -> None:
        """Raise StorageUnavailable (or StorageAccessDenied) if the store is unusable."""

    @abc.abstractmethod
    def ensure_ready(self) -> None:
        """Create the bucket or folder if it is missing."""
