"""Dump and restore the database: ``pg_dump``/``pg_restore`` for PostgreSQL, the online backup API
for SQLite (a consistent copy while the service keeps writing)."""

from __future__ import annotations

import os
import shutil
import sqlite3
import subprocess
from pathlib import Path

from sqlalchemy import Engine, inspect, text
from sqlalchemy.engine import URL, make_url
from sqlalchemy.exc import SQLAlchemyError

from server.backup.errors import EXIT_ENVIRONMENT, BackupError

KINDS = ("postgresql", "sqlite")
DUMP_FILES = {"postgresql": "database.dump", "sqlite": "database.sqlite3"}


def database_kind(url: str) -> str:
    """ "postgresql" or "sqlite" for a SQLAlchemy URL; BackupError for anything else."""
    kind = make_url(url).get_backend_name()
    if kind not in KINDS:
        raise BackupError(f"cannot back up a {kind!r} database (PostgreSQL or SQLite only)")
    return kind


def _tool(name: str, bin_dir: str | None) -> str:
    """The path of a PostgreSQL client program, from ``bin_dir`` or PATH."""
    found = shutil.which(name, path=bin_dir) if bin_dir else shutil.which(name)
    if not found:
        where = f"in PG_BIN_DIR={bin_dir}" if bin_dir else "on PATH"
        raise BackupError(
            f"{name} not found {where}: install the PostgreSQL client programs "
            "(Debian: postgresql-client, the server's major version or newer) or set PG_BIN_DIR",
            EXIT_ENVIRONMENT,
        )
    return found


def _pg_connection(url: URL) -> tuple[list[str], dict[str, str]]:
    """Command-line options and environment that reach the URL's database.

    The password goes through PGPASSWORD, never the command line (visible in ``ps``).
    """
    args: list[str] = []
    host = url.host or url.query.get("host")
    if host:
        args.append(f"--host={host}")
    if url.port:
        args.append(f"--port={url.port}")
    if url.username:
        args.append(f"--username={url.username}")
    if not url.database:
        raise BackupError("DATABASE_URL names no database")
    args.append(f"--dbname={url.database}")
    env = {**os.environ, "PGCONNECT_TIMEOUT": os.environ.get("PGCONNECT_TIMEOUT", "10")}
    if url.password:
        env["PGPASSWORD"] = str(url.password)
    sslmode = url.query.get("sslmode")
    if isinstance(sslmode, str):
        env["PGSSLMODE"] = sslmode
    return args, env


def _run(command: list[str], env: dict[str, str], what: str) -> None:
    """Run a PostgreSQL client program; BackupError with its own words if it fails."""
    done = subprocess.run(command, env=env, capture_output=True, text=True, check=False)
    if done.returncode != 0:
        detail = (done.stderr or done.stdout).strip()[-2000:]
        raise BackupError(f"{what} failed (exit {done.returncode}): {detail}", EXIT_ENVIRONMENT)


def _sqlite_path(url: URL) -> Path:
    """The file of a SQLite URL (in-memory databases cannot be backed up or restored)."""
    if not url.database or url.database == ":memory:":
        raise BackupError("an in-memory SQLite database cannot be backed up or restored")
    return Path(url.database)


def dump(url: str, folder: Path, bin_dir: str | None) -> Path:
    """Write the database into ``folder`` and return the file written."""
    parsed = make_url(url)
    kind = database_kind(url)
    target = folder / DUMP_FILES[kind]
    if kind == "postgresql":
        args, env = _pg_connection(parsed)
        command = [_tool("pg_dump", bin_dir), "--format=custom", f"--file={target}", *args]
        _run(command, env, "pg_dump")
        return target
    source = _sqlite_path(parsed)
    if not source.is_file():
        raise BackupError(f"SQLite database {source} does not exist", EXIT_ENVIRONMENT)
    # Read-only: a backup must never create or change the live database.
    try:
        live = sqlite3.connect(source.resolve().as_uri() + "?mode=ro", uri=True)
        copy = sqlite3.connect(target)
        try:
            live.backup(copy)  # copies a consistent snapshot even while others write
        finally:
            copy.close()
            live.close()
    except sqlite3.Error as exc:
        raise BackupError(f"SQLite backup of {source} failed: {exc}", EXIT_ENVIRONMENT) from exc
    return target


def restore(url: str, dump_file: Path, bin_dir: str | None) -> None:
    """Load ``dump_file`` into the (empty) database of ``url``."""
    parsed = make_url(url)
    kind = database_kind(url)
    if kind == "postgresql":
        args, env = _pg_connection(parsed)
        # Owners and grants are the old server's: the restoring user owns everything instead.
        command = [_tool("pg_restore", bin_dir), "--no-owner", "--no-privileges"]
        command += ["--exit-on-error", "--single-transaction", *args, str(dump_file)]
        _run(command, env, "pg_restore")
        return
    target = _sqlite_path(parsed)
    target.parent.mkdir(parents=True, exist_ok=True)
    try:
        saved = sqlite3.connect(f"{dump_file.resolve().as_uri()}?mode=ro", uri=True)
        live = sqlite3.connect(target)
        try:
            saved.backup(live)  # replaces the whole content of the target
        finally:
            live.close()
            saved.close()
    except sqlite3.Error as exc:
        raise BackupError(f"SQLite restore into {target} failed: {exc}", EXIT_ENVIRONMENT) from exc


def table_names(engine: Engine) -> list[str]:
    """The tables the database already holds (a fresh database has none)."""
    try:
        return inspect(engine).get_table_names()
    except SQLAlchemyError as exc:
        raise BackupError(f"cannot reach the database: {exc}", EXIT_ENVIRONMENT) from exc


def empty_database(engine: Engine) -> None:
    """Remove every table (``restore --force``): PostgreSQL's public schema is made anew."""
    with engine.begin() as conn:
        if conn.dialect.name == "postgresql":
            conn.execute(text("DROP SCHEMA public CASCADE"))
            conn.execute(text("CREATE SCHEMA public"))
            return
    # SQLite: the backup API overwrites the whole file, so nothing needs dropping first.


def revision(engine: Engine) -> str | None:
    """The database's alembic revision, or None when it was never migrated."""
    if "alembic_version" not in table_names(engine):
        return None
    with engine.connect() as conn:
        return conn.execute(text("SELECT version_num FROM alembic_version")).scalar()
