"""The database part on its own: SQLite's online backup is a consistent snapshot while another
connection keeps writing; the setting that locates pg_dump."""

from __future__ import annotations

import sqlite3
import threading
import time
from pathlib import Path

import pytest

from server.backup import database
from server.backup.errors import EXIT_ENVIRONMENT, BackupError
from server.config import load_settings


def _writer(path: Path, stop: threading.Event, written: list[int]) -> None:
    """Insert pairs of rows, each pair in one transaction, until told to stop."""
    conn = sqlite3.connect(path, timeout=10)
    try:
        while not stop.is_set():
            with conn:
                conn.execute("INSERT INTO entries (body) VALUES (randomblob(512))")
                conn.execute("INSERT INTO entries (body) VALUES (randomblob(512))")
            written.append(2)
    finally:
        conn.close()


def test_sqlite_backup_is_consistent_while_the_service_writes(tmp_path):
    live = tmp_path / "live.db"
    with sqlite3.connect(live) as conn:
        conn.execute("CREATE TABLE entries (id INTEGER PRIMARY KEY, body BLOB)")
        conn.executemany("INSERT INTO entries (body) VALUES (randomblob(512))", [()] * 2000)
    conn.close()
    stop, written = threading.Event(), []
    thread = threading.Thread(target=_writer, args=(live, stop, written))
    thread.start()
    try:
        for _ in range(1000):  # the writer is under way before the backup starts (<= 10 s)
            if len(written) >= 5:
                break
            time.sleep(0.01)
        assert len(written) >= 5, "the writer did not start"
        folder = tmp_path / "backup"
        folder.mkdir()
        dump = database.dump(f"sqlite:///{live}", folder, None)
    finally:
        stop.set()
        thread.join(timeout=30)
    copy = sqlite3.connect(dump)
    try:
        assert copy.execute("PRAGMA integrity_check").fetchone() == ("ok",)
        count = copy.execute("SELECT count(*) FROM entries").fetchone()[0]
    finally:
        copy.close()
    assert count >= 2000 and count % 2 == 0  # whole transactions only, never half of one


def test_a_missing_sqlite_database_is_an_environment_error(tmp_path):
    with pytest.raises(BackupError, match="does not exist") as raised:
        database.dump(f"sqlite:///{tmp_path / 'absent.db'}", tmp_path, None)
    assert raised.value.exit_code == EXIT_ENVIRONMENT
    assert not (tmp_path / "absent.db").exists()  # read-only: never created by the backup


def test_only_postgresql_and_sqlite_are_backed_up():
    with pytest.raises(BackupError, match="PostgreSQL or SQLite only"):
        database.database_kind("mysql://u@h/db")


def test_pg_bin_dir_setting(monkeypatch, tmp_path):
    monkeypatch.setenv("DATA_DIR", str(tmp_path))
    monkeypatch.delenv("PG_BIN_DIR", raising=False)
    assert load_settings()["PG_BIN_DIR"] is None  # PATH
    monkeypatch.setenv("PG_BIN_DIR", "/usr/lib/postgresql/15/bin")
    assert load_settings()["PG_BIN_DIR"] == "/usr/lib/postgresql/15/bin"
