"""``flask units``: import a bureau's schools and classes from a spreadsheet."""

from __future__ import annotations

from pathlib import Path

import click
from flask import current_app

from server.extensions import db
from server.services.unit_import import ImportFileError, import_units


@click.group("units")
def group() -> None:
    """Units (bureau, center schools, schools, kindergartens) and their classes."""


@group.command("import")
@click.argument("file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
def import_command(file: Path) -> None:
    """Import units and classes from an .xlsx or .csv file.

    Columns: 单位代码, 单位名称, 单位类型 (教育局/中心校/集团校/学校/幼儿园), 办学性质 (公办/民办),
    上级单位代码, 年级, 班级. One row per class. If any row is bad, nothing is imported.
    """
    try:
        report = import_units(file, current_app.config["MAX_IMPORT_ROWS"])
    except ImportFileError as exc:
        db.session.rollback()
        raise click.ClickException(f"{file.name}: {exc}") from exc
    if report.errors:
        for line, message in report.errors:
            click.echo(f"{file.name}:{line}: {message}", err=True)
        raise click.ClickException(
            f"{len(report.errors)} bad row(s); nothing was imported. Fix them and run again."
        )
    click.echo(
        f"imported {file.name}: {report.units_created} units created, "
        f"{report.units_updated} updated, {report.classes_created} classes created"
    )
