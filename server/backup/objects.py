"""Mirror the object store into a backup folder and put it back, through the storage interface.

Objects are kept by content: ``objects/<sha[:2]>/<sha256>``. Keys never become file names, so
keys such as "a" and "a/b" (both legal on S3) cannot collide, and equal content is stored once.
"""

from __future__ import annotations

import hashlib
import os
import tempfile
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from server.backup.errors import EXIT_ENVIRONMENT, EXIT_INVALID, BackupError
from storage import ObjectStore, StorageError

OBJECTS_DIR = "objects"
_CHUNK = 1024 * 1024


def object_path(folder: Path, sha256: str) -> Path:
    """Where the content with this SHA-256 lives in a backup folder."""
    return folder / OBJECTS_DIR / sha256[:2] / sha256


def _copy_from_store(store: ObjectStore, key: str, folder: Path) -> tuple[str, int]:
    """Stream one object into the backup, hashing as it goes; returns (sha256, size)."""
    staging = folder / OBJECTS_DIR
    staging.mkdir(parents=True, exist_ok=True)
    digest, size = hashlib.sha256(), 0
    fd, temp = tempfile.mkstemp(dir=staging, prefix=".", suffix=".tmp")
    try:
        with os.fdopen(fd, "wb") as out, store.open(key) as source:
            while chunk := source.read(_CHUNK):
                digest.update(chunk)
                out.write(chunk)
                size += len(chunk)
        final = object_path(folder, digest.hexdigest())
        final.parent.mkdir(exist_ok=True)
        os.replace(temp, final)  # same content under the same name: replacing is harmless
    finally:
        Path(temp).unlink(missing_ok=True)
    return digest.hexdigest(), size


def _reuse(previous: dict[str, Any] | None, info, folder: Path) -> dict[str, Any] | None:
    """Hard-link an unchanged object from the previous backup instead of downloading it.

    Unchanged means the same key, size and etag (an MD5 of the content on both backends);
    without an etag the object is always downloaded again.
    """
    if not previous or not info.etag:
        return None
    item = previous["items"].get(info.key)
    if not item or item.get("etag") != info.etag or item["size"] != info.size:
        return None
    source = object_path(previous["folder"], item["sha256"])
    target = object_path(folder, item["sha256"])
    if not source.is_file() or source.stat().st_size != info.size:
        return None
    target.parent.mkdir(parents=True, exist_ok=True)
    if not target.exists():
        try:
            os.link(source, target)
        except OSError:
            return None  # another filesystem, or no hard links: download it instead
    return item


def mirror(store: ObjectStore, folder: Path, previous: dict[str, Any] | None) -> list[dict]:
    """Copy every object of ``store`` into ``folder``; returns the manifest's items.

    ``previous`` is ``{"folder": Path, "items": {key: item}}`` of the last complete backup in
    the same destination, or None for a full copy.
    """
    items: list[dict] = []
    try:
        for info in store.list(""):
            reused = _reuse(previous, info, folder)
            if reused:
                sha256, size = reused["sha256"], reused["size"]
            else:
                sha256, size = _copy_from_store(store, info.key, folder)
            items.append(
                {
                    "key": info.key,
                    "size": size,
                    "sha256": sha256,
                    "etag": info.etag,
                    "content_type": info.content_type,
                    "metadata": dict(info.metadata),
                }
            )
    except StorageError as exc:
        raise BackupError(
            f"object store failed during the backup: {exc}", EXIT_ENVIRONMENT
        ) from exc
    return items


def file_sha256(path: Path) -> str:
    """The SHA-256 of a file, read in chunks."""
    digest = hashlib.sha256()
    with open(path, "rb") as handle:
        while chunk := handle.read(_CHUNK):
            digest.update(chunk)
    return digest.hexdigest()


def check(folder: Path, items: list[dict]) -> Iterator[str]:
    """Yield one problem per object whose file is missing, of another size or another hash."""
    verified: dict[str, str | None] = {}  # sha256 -> problem (equal contents are read once)
    for item in items:
        sha256 = item["sha256"]
        if sha256 not in verified:
            path = object_path(folder, sha256)
            if not path.is_file():
                verified[sha256] = "missing"
            elif path.stat().st_size != item["size"]:
                verified[sha256] = f"{path.stat().st_size} bytes instead of {item['size']}"
            elif file_sha256(path) != sha256:
                verified[sha256] = "content does not match its SHA-256 (corrupt)"
            else:
                verified[sha256] = None
        if verified[sha256]:
            yield f"object {item['key']!r}: {verified[sha256]}"


def make_ready(store: ObjectStore) -> None:
    """Create the bucket or folder of a fresh deployment (an empty store for the restore)."""
    try:
        store.ensure_ready()
    except StorageError as exc:
        raise BackupError(f"cannot prepare the object store: {exc}", EXIT_ENVIRONMENT) from exc


def any_object(store: ObjectStore) -> str | None:
    """The first key in the store, or None when it is empty."""
    try:
        for info in store.list(""):
            return info.key
    except StorageError as exc:
        raise BackupError(f"cannot list the object store: {exc}", EXIT_ENVIRONMENT) from exc
    return None


def put_back(store: ObjectStore, folder: Path, items: list[dict]) -> None:
    """Upload every object of the backup with its content type and metadata."""
    try:
        for item in items:
            with open(object_path(folder, item["sha256"]), "rb") as handle:
                store.put(
                    item["key"],
                    handle,
                    item["size"],
                    item.get("content_type") or "application/octet-stream",
                    item.get("metadata") or None,
                )
    except OSError as exc:
        raise BackupError(f"cannot read the backup: {exc}", EXIT_INVALID) from exc
    except StorageError as exc:
        raise BackupError(
            f"object store failed during the restore: {exc}. The database was not restored; "
            "once the store works, run the restore again with --force",
            EXIT_ENVIRONMENT,
        ) from exc
