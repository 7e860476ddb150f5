"""Build the configured ObjectStore from a plain settings mapping."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

from storage.base import ObjectStore
from storage.local import LocalStore
from storage.s3 import S3Store

_TRUE = {"1", "true", "yes", "on"}
_FALSE = {"0", "false", "no", "off"}


def _require(settings: Mapping[str, Any], backend: str, names: tuple[str, ...]) -> None:
    """Raise ValueError naming every required setting that is missing or empty."""
    missing = [name for name in names if settings.get(name) in (None, "")]
    if missing:
        raise ValueError(f"storage backend {backend!r} needs settings: {', '.join(missing)}")


def _as_bool(value: Any, name: str) -> bool:
    """Accept a bool, or a string from an environment variable such as "false"."""
    if isinstance(value, bool):
        return value
    if isinstance(value, str) and value.strip().lower() in _TRUE | _FALSE:
        return value.strip().lower() in _TRUE
    # bool("false") is True: refuse to guess rather than silently enable TLS.
    raise ValueError(f"storage setting {name!r} must be a boolean, got {value!r}")


def _make_local(settings: Mapping[str, Any]) -> ObjectStore:
    """Build a LocalStore from root, url_base and secret."""
    _require(settings, "local", ("root", "url_base", "secret"))
    return LocalStore(
        root=settings["root"], url_base=str(settings["url_base"]), secret=str(settings["secret"])
    )


def _make_s3(settings: Mapping[str, Any]) -> ObjectStore:
    """Build an S3Store from endpoint, access_key, secret_key, bucket, secure, region."""
    _require(settings, "s3", ("endpoint", "access_key", "secret_key", "bucket", "secure"))
    return S3Store(
        endpoint=str(settings["endpoint"]),
        access_key=str(settings["access_key"]),
        secret_key=str(settings["secret_key"]),
        bucket=str(settings["bucket"]),
        secure=_as_bool(settings["secure"], "secure"),
        region=settings.get("region") or None,
    )


BACKENDS: dict[str, Callable[[Mapping[str, Any]], ObjectStore]] = {
    "local": _make_local,
    "s3": _make_s3,
}


def create_store(settings: Mapping[str, Any]) -> ObjectStore:
    """Return the store named by ``settings["backend"]``, configured from ``settings``.

    Settings not used by the chosen backend are ignored, so one mapping may hold
    the configuration of both.
    """
    backend = settings.get("backend")
    factory = BACKENDS.get(backend) if isinstance(backend, str) else None
    if factory is None:
        known = ", ".join(sorted(BACKENDS))
        raise ValueError(f"unknown storage backend {backend!r}; known backends: {known}")
    return factory(settings)
