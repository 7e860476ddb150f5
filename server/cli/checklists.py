"""``flask checklists``: load checklist template files and list the templates."""

from __future__ import annotations

from pathlib import Path

import click
from sqlalchemy import select

from server.extensions import db
from server.models.patrols import ChecklistTemplate
from server.services.checklists import CHECKLIST_DIR, ChecklistFileError, load_checklists


@click.group("checklists")
def group() -> None:
    """Checklist templates: the daily fire patrol, water points, the bus, the gate."""


@group.command("load")
@click.argument("files", nargs=-1, type=click.Path(exists=True, dir_okay=False, path_type=Path))
def load(files: tuple[Path, ...]) -> None:
    """Load checklist files (default: every file the project ships). Unchanged content changes
    nothing; changed content makes the next version (patrols keep the version they used).
    Every file and focus problem is checked before anything is loaded."""
    if not files and not any(CHECKLIST_DIR.glob("*.json")):
        raise click.ClickException(f"no checklist files in {CHECKLIST_DIR}")
    try:
        loaded = load_checklists(list(files) or None)
    except ChecklistFileError as exc:
        db.session.rollback()
        raise click.ClickException(str(exc)) from exc
    for code, version, changed in loaded:
        click.echo(f"{code}: {'loaded version' if changed else 'unchanged, version'} {version}")


@group.command("list")
def list_templates() -> None:
    """List the current versions: code, kind, version, whose (shipped or a unit), items."""
    rows = db.session.scalars(
        select(ChecklistTemplate)
        .where(ChecklistTemplate.is_current)
        .order_by(ChecklistTemplate.code, ChecklistTemplate.unit_id.is_not(None))
    )
    for row in rows:
        owner = "shipped" if row.unit is None else f"{row.unit.code} {row.unit.name}"
        click.echo(
            f"{row.code}\t{row.kind}\tv{row.version}\t{owner}\t{len(row.items)} items\t{row.name}"
        )
