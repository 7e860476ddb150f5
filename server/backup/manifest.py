"""The manifest of a backup (``manifest.json``), finding backups in a destination, and the check
that a backup's schema revision is one this code knows."""

from __future__ import annotations

import json
import os
from datetime import datetime
from pathlib import Path
from typing import Any

from alembic.script import ScriptDirectory

from server.backup.database import DUMP_FILES, KINDS
from server.backup.errors import EXIT_INVALID, BackupError
from server.config import REPO_ROOT

MANIFEST = "manifest.json"
FORMAT = 1
MIGRATIONS_DIR = REPO_ROOT / "migrations"


def write(folder: Path, manifest: dict[str, Any]) -> None:
    """Write the manifest atomically (a half-written manifest must never look valid)."""
    temp = folder / f".{MANIFEST}.tmp"
    temp.write_text(json.dumps(manifest, indent=2, ensure_ascii=False), encoding="utf-8")
    os.replace(temp, folder / MANIFEST)


def read(folder: Path) -> dict[str, Any]:
    """Load and sanity-check a manifest; BackupError saying what is wrong."""
    path = folder / MANIFEST
    try:
        manifest = json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError as exc:
        raise BackupError(f"{path} is missing: not a backup, or an unfinished one") from exc
    except (OSError, ValueError) as exc:
        raise BackupError(f"{path} cannot be read: {exc}") from exc
    try:
        if manifest["format"] != FORMAT:
            raise BackupError(f"{path}: backup format {manifest['format']!r}, expected {FORMAT}")
        database, objects = manifest["database"], manifest["objects"]
        if database["kind"] not in KINDS or database["file"] != DUMP_FILES[database["kind"]]:
            raise BackupError(f"{path}: unknown database kind or file")
        # Presence checks: a KeyError below names what is missing.
        _ = database["size"], database["sha256"], manifest["alembic_revision"]
        items = objects["items"]
        if objects["count"] != len(items) or objects["bytes"] != sum(i["size"] for i in items):
            raise BackupError(f"{path}: object count or total bytes disagree with the items")
        for item in items:
            if not (isinstance(item["key"], str) and len(item["sha256"]) == 64):
                raise BackupError(f"{path}: malformed object entry {item!r}")
    except (KeyError, TypeError) as exc:
        raise BackupError(f"{path} is malformed (missing {exc})") from exc
    return manifest


def backups_in(destination: Path) -> list[Path]:
    """The complete backups in a destination, oldest first (names are UTC timestamps)."""
    if not destination.is_dir():
        return []
    return sorted(
        entry
        for entry in destination.iterdir()
        if entry.is_dir() and not entry.name.startswith(".") and (entry / MANIFEST).is_file()
    )


def resolve(source: Path) -> Path:
    """A backup folder itself, or the newest backup in a destination folder."""
    if (source / MANIFEST).is_file():
        return source
    found = backups_in(source)
    if not found:
        raise BackupError(f"no backup at {source} (no {MANIFEST} there or in its folders)")
    return found[-1]


def created_at(manifest: dict[str, Any]) -> datetime:
    """When the backup was made (timezone-aware)."""
    return datetime.fromisoformat(manifest["created_at"])


def _scripts() -> ScriptDirectory:
    """The project's migration scripts."""
    return ScriptDirectory(str(MIGRATIONS_DIR))


def head_revision() -> str | None:
    """The newest revision of this code's migrations."""
    return _scripts().get_current_head()


def check_revision(revision: str | None) -> None:
    """Refuse a backup whose schema this code does not know (made by newer code, or unmigrated)."""
    if not revision:
        raise BackupError("the backup has no schema revision (its database was never migrated)")
    try:
        known = _scripts().get_revision(revision) is not None
    except Exception:  # alembic raises several resolution errors for unknown ids
        known = False
    if not known:
        raise BackupError(
            f"the backup's schema revision {revision!r} is unknown to this code "
            f"(head {head_revision()!r}): restore it with the release that made it",
            EXIT_INVALID,
        )
