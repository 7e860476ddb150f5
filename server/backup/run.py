"""Create, verify, restore and prune backups: a database dump and a mirror of the object store
in ``DEST/<UTC timestamp>/``, described by ``manifest.json``."""

from __future__ import annotations

import fcntl
import os
import shutil
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from sqlalchemy import Engine

from server.backup import database, manifest, objects
from server.backup.errors import EXIT_ENVIRONMENT, EXIT_INVALID, EXIT_NOT_EMPTY, BackupError
from server.backup.objects import file_sha256
from storage import ObjectStore

NAME_FORMAT = "%Y-%m-%dT%H%M%SZ"
LOCK_FILE = ".lock"


def _free_name(destination: Path, now: datetime) -> str:
    """A folder name from the time, with a suffix if a backup of the same second exists."""
    base = now.astimezone(UTC).strftime(NAME_FORMAT)
    name, number = base, 1
    while (destination / name).exists():
        name, number = f"{base}-{number}", number + 1
    return name


def _previous(destination: Path) -> dict[str, Any] | None:
    """The newest complete backup's objects, for the incremental mirror (None if unusable)."""
    for folder in reversed(manifest.backups_in(destination)):
        try:
            items = manifest.read(folder)["objects"]["items"]
        except BackupError:
            continue  # a damaged backup is simply not reused
        return {"folder": folder, "items": {item["key"]: item for item in items}}
    return None


def create(
    url: str,
    engine: Engine,
    store: ObjectStore,
    destination: Path,
    bin_dir: str | None = None,
    incremental: bool = True,
) -> tuple[Path, dict[str, Any]]:
    """Back up the database and every object into a new folder of ``destination``.

    The folder is built under a dot-name and renamed when complete, so an interrupted backup
    is never taken for a good one. The database is dumped first: every object a row of the dump
    refers to is then still in the store when it is mirrored.
    """
    now = datetime.now(UTC)
    with _exclusive(destination):
        return _create(url, engine, store, destination, bin_dir, incremental, now)


@contextmanager
def _exclusive(destination: Path) -> Iterator[None]:
    """Hold the destination's lock: one backup at a time writes there.

    Under the lock, leftovers of a run that was killed (``.*.partial``) are removed.
    """
    try:
        destination.mkdir(parents=True, exist_ok=True)
        handle = open(destination / LOCK_FILE, "a")  # noqa: SIM115 - closed below
    except OSError as exc:
        raise BackupError(f"cannot write to {destination}: {exc}", EXIT_ENVIRONMENT) from exc
    try:
        try:
            fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except OSError as exc:
            raise BackupError(
                f"another backup is writing to {destination}", EXIT_ENVIRONMENT
            ) from exc
        for leftover in destination.glob(".*.partial"):
            shutil.rmtree(leftover, ignore_errors=True)
        yield
    finally:
        handle.close()  # closing releases the lock


def _create(
    url: str,
    engine: Engine,
    store: ObjectStore,
    destination: Path,
    bin_dir: str | None,
    incremental: bool,
    now: datetime,
) -> tuple[Path, dict[str, Any]]:
    """``create`` with the destination locked."""
    name = _free_name(destination, now)
    work = destination / f".{name}.partial"
    try:
        work.mkdir()
        revision = database.revision(engine)
        if revision is None:
            raise BackupError("the database was never migrated: run `flask db upgrade` first")
        dump_file = database.dump(url, work, bin_dir)
        items = objects.mirror(store, work, _previous(destination) if incremental else None)
        record = {
            "format": manifest.FORMAT,
            "created_at": now.isoformat(timespec="seconds"),
            "alembic_revision": revision,
            "database": {
                "kind": database.database_kind(url),
                "file": dump_file.name,
                "size": dump_file.stat().st_size,
                "sha256": file_sha256(dump_file),
            },
            "store": {"backend": type(store).__name__},
            "objects": {
                "count": len(items),
                "bytes": sum(item["size"] for item in items),
                "items": items,
            },
        }
        manifest.write(work, record)
        final = destination / name
        os.rename(work, final)
    except OSError as exc:
        shutil.rmtree(work, ignore_errors=True)
        raise BackupError(f"cannot write the backup: {exc}", EXIT_ENVIRONMENT) from exc
    except BaseException:
        shutil.rmtree(work, ignore_errors=True)
        raise
    return final, record


def verify(source: Path) -> tuple[Path, dict[str, Any]]:
    """Check a backup without restoring it: manifest, schema revision, every file's SHA-256.

    Returns the backup folder (the newest one when ``source`` is a destination) and manifest.
    """
    folder = manifest.resolve(source)
    record = manifest.read(folder)
    manifest.check_revision(record["alembic_revision"])
    problems: list[str] = []
    dump = record["database"]
    dump_path = folder / dump["file"]
    if not dump_path.is_file():
        problems.append(f"database dump {dump['file']}: missing")
    elif dump_path.stat().st_size != dump["size"] or file_sha256(dump_path) != dump["sha256"]:
        problems.append(f"database dump {dump['file']}: does not match its SHA-256 (corrupt)")
    problems.extend(objects.check(folder, record["objects"]["items"]))
    if problems:
        shown = problems[:20] + ([f"... and {len(problems) - 20} more"] if problems[20:] else [])
        raise BackupError(f"backup {folder} is damaged:\n  " + "\n  ".join(shown), EXIT_INVALID)
    return folder, record


def restore(
    source: Path,
    url: str,
    engine: Engine,
    store: ObjectStore,
    bin_dir: str | None = None,
    force: bool = False,
) -> tuple[Path, dict[str, Any]]:
    """Verify the backup, then load it into an empty database and an empty store.

    A database with tables or a store with objects is refused unless ``force``: then the
    database is emptied first and same-key objects are overwritten (others are left alone).
    Objects go first and the database last, so the service never sees rows whose photos are
    not there yet.
    """
    folder, record = verify(source)
    kind = database.database_kind(url)
    if record["database"]["kind"] != kind:
        raise BackupError(
            f"a {record['database']['kind']} backup cannot be restored into {kind}", EXIT_INVALID
        )
    tables = database.table_names(engine)
    objects.make_ready(store)
    key = objects.any_object(store)
    if (tables or key) and not force:
        held = []
        if tables:
            held.append(f"the database has {len(tables)} tables ({', '.join(sorted(tables)[:3])}…)")
        if key:
            held.append(f"the object store is not empty ({key!r}…)")
        raise BackupError(
            "refusing to restore: " + "; ".join(held) + ". Restore into a fresh database and "
            "an empty store, or pass --force to replace the database's content",
            EXIT_NOT_EMPTY,
        )
    engine.dispose()  # no pooled connection may hold the old schema or the SQLite file
    if tables:
        database.empty_database(engine)
        engine.dispose()
    objects.put_back(store, folder, record["objects"]["items"])
    database.restore(url, folder / record["database"]["file"], bin_dir)
    engine.dispose()
    return folder, record


def prune(destination: Path, keep_days: int, keep: Path) -> list[Path]:
    """Delete the backups older than ``keep_days`` days (never ``keep``); returns those removed.

    Incremental backups share files by hard links, so removing an old one frees only what no
    newer backup still links.
    """
    limit = datetime.now(UTC) - timedelta(days=keep_days)
    removed = []
    for folder in manifest.backups_in(destination):
        if folder == keep:
            continue
        try:
            made = manifest.created_at(manifest.read(folder))
        except (BackupError, ValueError):
            continue  # not ours to judge: leave unreadable folders to the operator
        if made < limit:
            shutil.rmtree(folder)
            removed.append(folder)
    return removed
