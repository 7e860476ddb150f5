"""``flask calendar``: load school-year calendar files and list what is loaded."""

from __future__ import annotations

from pathlib import Path

import click
from sqlalchemy import select

from server.extensions import db
from server.models import SchoolCalendarRecord
from server.services.calendars import (
    CALENDAR_DIR,
    CalendarFileError,
    load_calendar,
    read_calendar_file,
)


@click.group("calendar")
def group() -> None:
    """School-year calendars: terms, breaks, days off and make-up working days (调休)."""


@group.command("load")
@click.argument("files", nargs=-1, type=click.Path(exists=True, dir_okay=False, path_type=Path))
def load(files: tuple[Path, ...]) -> None:
    """Load calendar files (default: every file the project ships); a file whose code is loaded
    already replaces it. Every file is checked before any is loaded."""
    paths = list(files) or sorted(CALENDAR_DIR.glob("*.json"))
    if not paths:
        raise click.ClickException(f"no calendar files in {CALENDAR_DIR}")
    try:
        parsed = [read_calendar_file(path) for path in paths]
    except CalendarFileError as exc:
        raise click.ClickException(str(exc)) from exc
    for path, data in zip(paths, parsed, strict=True):
        row = load_calendar(data)
        click.echo(f"loaded {row.code} from {path.name}: {row.starts_on}..{row.ends_on}")


@group.command("list")
def list_calendars() -> None:
    """List the loaded calendars with their dates."""
    rows = db.session.scalars(select(SchoolCalendarRecord).order_by(SchoolCalendarRecord.id))
    for row in rows:
        click.echo(f"{row.code}\t{row.name}\t{row.starts_on}..{row.ends_on}")
