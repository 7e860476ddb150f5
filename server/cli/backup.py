"""``flask backup``: back up the database and the object store, verify a backup, restore one."""

from __future__ import annotations

from pathlib import Path

import click
from flask import current_app

from server.backup import run
from server.backup.errors import BackupError
from server.backup.manifest import head_revision
from server.extensions import db

_FOLDER = click.Path(file_okay=False, path_type=Path)


class _Failed(click.ClickException):
    """A BackupError shown to the operator, ending the command with its exit code."""

    def __init__(self, error: BackupError) -> None:
        """Carry the error's message and exit code."""
        super().__init__(str(error))
        self.exit_code = error.exit_code


def _database_url() -> str:
    """The running configuration's database URL."""
    return current_app.config["SQLALCHEMY_DATABASE_URI"]


def _size(count: int) -> str:
    """A byte count for people (MiB with one decimal)."""
    return f"{count / (1024 * 1024):.1f} MiB"


@click.group("backup")
def group() -> None:
    """Back up the database and the object store; verify and restore backups."""


@group.command("create")
@click.argument("destination", type=_FOLDER)
@click.option(
    "--keep-days",
    type=click.IntRange(1),
    help="Afterwards delete the backups in DESTINATION older than this many days.",
)
@click.option(
    "--full", is_flag=True, help="Copy every object, even those unchanged since the last backup."
)
def create_command(destination: Path, keep_days: int | None, full: bool) -> None:
    """Dump the database and mirror the store into DESTINATION/<UTC timestamp>/.

    Objects unchanged since the newest backup in DESTINATION (same key, size and etag) are
    hard-linked from it instead of downloaded again, unless --full.
    """
    try:
        folder, record = run.create(
            _database_url(),
            db.engine,
            current_app.extensions["store"],
            destination,
            current_app.config.get("PG_BIN_DIR"),
            incremental=not full,
        )
        removed = run.prune(destination, keep_days, folder) if keep_days else []
    except BackupError as exc:
        raise _Failed(exc) from exc
    objects = record["objects"]
    click.echo(f"backup written: {folder}")
    click.echo(
        f"database: {record['database']['kind']} at revision {record['alembic_revision']}, "
        f"{_size(record['database']['size'])}"
    )
    click.echo(f"objects: {objects['count']} ({_size(objects['bytes'])})")
    for old in removed:
        click.echo(f"removed old backup: {old}")


@group.command("verify")
@click.argument("source", type=_FOLDER)
def verify_command(source: Path) -> None:
    """Check a backup (SOURCE, or the newest backup in it) without restoring it.

    Every object's and the dump's SHA-256 is compared with the manifest; the schema revision
    must be one this code knows.
    """
    try:
        folder, record = run.verify(source)
    except BackupError as exc:
        raise _Failed(exc) from exc
    click.echo(
        f"backup {folder} is intact: {record['objects']['count']} objects, "
        f"database at revision {record['alembic_revision']}, made {record['created_at']}"
    )


@group.command("restore")
@click.argument("source", type=_FOLDER)
@click.option("--yes", is_flag=True, help="Confirm: load the backup into this configuration.")
@click.option(
    "--force",
    is_flag=True,
    help="Restore even into a database with tables (emptied first) or a store with objects.",
)
def restore_command(source: Path, yes: bool, force: bool) -> None:
    """Restore a backup (SOURCE, or the newest backup in it) into a fresh database and store.

    The backup is verified first. A database with tables or a store with objects is refused
    unless --force. Stop the web service and the workers before restoring.
    """
    if not yes:
        raise click.UsageError("restore writes into the configured database and store: add --yes")
    # A session left in a transaction would hold locks that dropping the old schema waits on.
    db.session.remove()
    try:
        folder, record = run.restore(
            source,
            _database_url(),
            db.engine,
            current_app.extensions["store"],
            current_app.config.get("PG_BIN_DIR"),
            force=force,
        )
    except BackupError as exc:
        raise _Failed(exc) from exc
    click.echo(
        f"restored {folder}: database at revision {record['alembic_revision']}, "
        f"{record['objects']['count']} objects"
    )
    if record["alembic_revision"] != head_revision():
        click.echo("the backup predates this code's schema: run `flask db upgrade` next")
