"""Object storage behind one interface: local filesystem or S3, chosen by settings.

Typical use::

    store = create_store({"backend": "local", "root": "/srv/files",
                          "url_base": "/files", "secret": "..."})
    store.ensure_ready()
    store.put("reports/1.pdf", stream, length, "application/pdf")
"""

from storage.base import (
    MAX_EXPIRY,
    MAX_KEY_LENGTH,
    MAX_SEGMENT_LENGTH,
    MIN_EXPIRY,
    InvalidKey,
    InvalidMetadata,
    ObjectInfo,
    ObjectNotFound,
    ObjectStore,
    SignatureExpired,
    SignatureInvalid,
    StorageAccessDenied,
    StorageError,
    StorageUnavailable,
    validate_key,
)
from storage.local import LocalStore
from storage.registry import BACKENDS, create_store
from storage.s3 import S3Store

__all__ = [
    "BACKENDS",
    "MAX_EXPIRY",
    "MAX_KEY_LENGTH",
    "MAX_SEGMENT_LENGTH",
    "MIN_EXPIRY",
    "InvalidKey",
    "InvalidMetadata",
    "LocalStore",
    "ObjectInfo",
    "ObjectNotFound",
    "ObjectStore",
    "S3Store",
    "SignatureExpired",
    "SignatureInvalid",
    "StorageAccessDenied",
    "StorageError",
    "StorageUnavailable",
    "create_store",
    "validate_key",
]
