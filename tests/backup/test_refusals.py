"""What a backup refuses to do: restore a corrupt backup or into a service that holds data,
restore a schema this code does not know, back up without pg_dump; and what it keeps: unchanged
objects linked from the previous backup, old backups pruned."""

from __future__ import annotations

import fcntl
import io
import json
import os
from pathlib import Path

import pytest
from sqlalchemy import func, inspect, select

from server.extensions import db
from server.models import Unit
from tests.backup.conftest import backups

SQLITE_ONLY = pytest.mark.parametrize("database_url", ["sqlite"], indirect=True)
CONTENT = {"photos/a/display.jpg": b"display bytes", "photos/a/thumb.jpg": b"thumb"}


def put_objects(store) -> None:
    """A few objects in the service's store."""
    for key, data in CONTENT.items():
        store.put(key, io.BytesIO(data), len(data), "image/jpeg", {"sha256": "x"})


def invoke(app, *args: str):
    """Run ``flask backup ...`` against ``app`` (its context made current)."""
    with app.app_context():
        return app.test_cli_runner().invoke(args=["backup", *args])


@pytest.fixture
def made(app, backup_root) -> Path:
    """A backup of a migrated, empty service whose store holds two objects."""
    put_objects(app.extensions["store"])
    result = invoke(app, "create", str(backup_root))
    assert result.exit_code == 0, result.output
    (folder,) = backups(backup_root)
    return folder


def manifest_of(folder: Path) -> dict:
    """The backup's manifest."""
    return json.loads((folder / "manifest.json").read_text(encoding="utf-8"))


def object_file(folder: Path, key: str) -> Path:
    """The backup's file holding ``key``."""
    (item,) = [i for i in manifest_of(folder)["objects"]["items"] if i["key"] == key]
    return folder / "objects" / item["sha256"][:2] / item["sha256"]


def is_empty(app) -> bool:
    """Whether a service has no tables and no objects."""
    with app.app_context():
        return not inspect(db.engine).get_table_names() and not list(app.extensions["store"].list())


@SQLITE_ONLY
def test_a_corrupt_object_is_found_by_verify_and_stops_the_restore(made, fresh):
    path = object_file(made, "photos/a/thumb.jpg")
    os.chmod(path, 0o600)
    path.write_bytes(b"thumB")  # same size, other content
    checked = invoke(fresh, "verify", str(made))
    assert checked.exit_code == 1
    assert "'photos/a/thumb.jpg'" in checked.output and "corrupt" in checked.output
    assert "display.jpg" not in checked.output
    restored = invoke(fresh, "restore", str(made), "--yes")
    assert restored.exit_code == 1 and "corrupt" in restored.output
    assert is_empty(fresh)  # checked before anything was written


@SQLITE_ONLY
def test_a_damaged_dump_or_a_missing_object_is_found(made, fresh):
    object_file(made, "photos/a/display.jpg").unlink()
    with open(made / "database.sqlite3", "r+b") as dump:
        dump.seek(4096 + 100)  # inside the second page, past the header
        dump.write(b"\xa5" * 16)
    checked = invoke(fresh, "verify", str(made))
    assert checked.exit_code == 1
    assert "database.sqlite3: does not match its SHA-256" in checked.output
    assert "'photos/a/display.jpg': missing" in checked.output


@SQLITE_ONLY
def test_restore_into_a_database_with_tables_is_refused(app, made):
    units = db.session.scalar(select(func.count()).select_from(Unit))
    refused = invoke(app, "restore", str(made), "--yes")
    assert refused.exit_code == 4
    assert "refusing to restore: the database has" in refused.output
    assert "--force" in refused.output
    assert db.session.scalar(select(func.count()).select_from(Unit)) == units
    assert invoke(app, "restore", str(made)).exit_code == 2  # --yes is required


@SQLITE_ONLY
def test_restore_into_a_store_with_objects_is_refused_and_force_overrides(made, fresh):
    put_objects(fresh.extensions["store"])
    refused = invoke(fresh, "restore", str(made), "--yes")
    assert refused.exit_code == 4
    assert "the object store is not empty" in refused.output
    assert "database has" not in refused.output
    forced = invoke(fresh, "restore", str(made), "--yes", "--force")
    assert forced.exit_code == 0, forced.output
    with fresh.app_context():
        assert "alembic_version" in inspect(db.engine).get_table_names()
        assert fresh.extensions["store"].get("photos/a/thumb.jpg") == b"thumb"


@SQLITE_ONLY
def test_a_schema_revision_this_code_does_not_know_is_refused(made, fresh):
    manifest = manifest_of(made)
    manifest["alembic_revision"] = "9999_from_the_future"
    (made / "manifest.json").write_text(json.dumps(manifest), encoding="utf-8")
    for command in (["verify", str(made)], ["restore", str(made), "--yes"]):
        result = invoke(fresh, *command)
        assert result.exit_code == 1
        assert "'9999_from_the_future' is unknown to this code" in result.output
    assert is_empty(fresh)


def test_not_a_backup_is_said_so(app, tmp_path):
    result = invoke(app, "verify", str(tmp_path))
    assert result.exit_code == 1 and "no backup at" in result.output


@pytest.mark.parametrize("database_url", ["postgresql"], indirect=True)
def test_without_pg_dump_the_backup_fails_clearly_and_leaves_nothing(app, backup_root, tmp_path):
    app.config["PG_BIN_DIR"] = str(tmp_path)  # an empty folder: no pg_dump in it
    result = invoke(app, "create", str(backup_root))
    assert result.exit_code == 3
    assert "pg_dump not found in PG_BIN_DIR=" in result.output
    assert backups(backup_root) == []  # no backup...
    assert not list(backup_root.glob(".*.partial"))  # ...and no half-made one


@SQLITE_ONLY
def test_unchanged_objects_are_linked_and_old_backups_pruned(app, made, backup_root):
    first = manifest_of(made)
    first["created_at"] = "2020-01-01T00:00:00+00:00"  # pretend it is years old
    (made / "manifest.json").write_text(json.dumps(first), encoding="utf-8")
    result = invoke(app, "create", str(backup_root), "--keep-days", "7")
    assert result.exit_code == 0, result.output
    assert f"removed old backup: {made}" in result.output
    (second,) = backups(backup_root)
    assert second != made
    again = object_file(second, "photos/a/display.jpg")
    assert again.stat().st_nlink == 1  # its hard-linked twin went with the pruned backup
    assert again.read_bytes() == CONTENT["photos/a/display.jpg"]
    assert invoke(app, "verify", str(backup_root)).exit_code == 0


@SQLITE_ONLY
def test_an_unchanged_object_is_not_copied_again(app, made, backup_root):
    result = invoke(app, "create", str(backup_root))
    assert result.exit_code == 0, result.output
    second = backups(backup_root)[-1]
    for key in CONTENT:
        assert object_file(second, key).stat().st_ino == object_file(made, key).stat().st_ino
    full = invoke(app, "create", str(backup_root), "--full")
    assert full.exit_code == 0, full.output
    third = backups(backup_root)[-1]
    assert object_file(third, "photos/a/thumb.jpg").stat().st_nlink == 1


def test_force_replaces_a_database_that_has_rows(app, made):
    db.session.add(Unit(code="ZZ999", name="after the backup", kind="bureau"))
    db.session.commit()
    db.session.remove()  # the restore drops what this session would otherwise hold locks on
    forced = invoke(app, "restore", str(made), "--yes", "--force")
    assert forced.exit_code == 0, forced.output
    assert db.session.scalar(select(func.count()).select_from(Unit)) == 0  # as backed up
    assert app.extensions["store"].get("photos/a/display.jpg") == CONTENT["photos/a/display.jpg"]


@SQLITE_ONLY
def test_one_backup_at_a_time_and_a_killed_runs_leftovers_go(app, made, backup_root):
    leftover = backup_root / ".2020-01-01T000000Z.partial"
    leftover.mkdir()
    with open(backup_root / ".lock", "a") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX | fcntl.LOCK_NB)  # another run holds the destination
        busy = invoke(app, "create", str(backup_root))
        assert busy.exit_code == 3 and "another backup is writing to" in busy.output
    assert invoke(app, "create", str(backup_root)).exit_code == 0
    assert not leftover.exists()
    assert len(backups(backup_root)) == 2
