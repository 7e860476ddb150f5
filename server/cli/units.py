"""``flask units``: import a bureau's schools and classes from a spreadsheet."""

from __future__ import annotations

from pathlib import Path

import click
from flask import current_app

from server.extensions import db
from server.services.roster_import import import_roster
from server.services.unit_import import ImportFileError, import_units


@click.group("units")
def group() -> None:
    """Units (bureau, center schools, schools, kindergartens) and their classes."""


def _run_import(importer, file: Path):
    """Run an all-or-nothing spreadsheet import; every bad row is printed by line and the
    command fails with nothing imported."""
    try:
        report = importer(file, current_app.config["MAX_IMPORT_ROWS"])
    except ImportFileError as exc:
        db.session.rollback()
        raise click.ClickException(f"{file.name}: {exc}") from exc
    if report.errors:
        for line, message in report.errors:
            click.echo(f"{file.name}:{line}: {message}", err=True)
        raise click.ClickException(
            f"{len(report.errors)} bad row(s); nothing was imported. Fix them and run again."
        )
    return report


@group.command("import")
@click.argument("file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
def import_command(file: Path) -> None:
    """Import units and classes from an .xlsx or .csv file.

    Columns: 单位代码, 单位名称, 单位类型 (教育局/中心校/集团校/学校/幼儿园), 办学性质 (公办/民办),
    上级单位代码, 年级, 班级. One row per class. If any row is bad, nothing is imported.
    """
    report = _run_import(import_units, file)
    click.echo(
        f"imported {file.name}: {report.units_created} units created, "
        f"{report.units_updated} updated, {report.classes_created} classes created"
    )


@group.command("import-roster")
@click.argument("file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
def import_roster_command(file: Path) -> None:
    """Import class rosters (pupils' names) from an .xlsx or .csv file.

    Columns: 单位代码 (the school), 班级 (its class), 学生姓名. One row per pupil; the units and
    classes must exist. Adds pupils not yet on a roster; if any row is bad, nothing is imported.
    """
    report = _run_import(import_roster, file)
    click.echo(
        f"imported {file.name}: {report.pupils_added} pupils added, "
        f"{report.pupils_present} already on their rosters"
    )


def _pair(text: str) -> tuple[float, float]:
    """Parse ``lat,lng``."""
    try:
        lat, lng = (float(part) for part in text.split(","))
    except ValueError as exc:
        raise click.BadParameter(f"expected LAT,LNG, got {text!r}") from exc
    return lat, lng


@group.command("set-campus")
@click.argument("code")
@click.option(
    "--system",
    type=click.Choice(["wgs84", "gcj02"]),
    required=True,
    help="The coordinate system the points were taken in.",
)
@click.option("--center", help="LAT,LNG of the campus centre (with --radius).")
@click.option("--radius", type=float, help="Campus radius in metres (with --center).")
@click.option("--polygon", help="Vertices as LAT,LNG;LAT,LNG;... (instead of centre/radius).")
def set_campus_command(code: str, system: str, center, radius, polygon) -> None:
    """Set a school's campus boundary, used to flag reports made off campus."""
    from sqlalchemy import select

    from server.models import Unit
    from server.services.units import set_campus

    school = db.session.scalars(select(Unit).where(Unit.code == code)).first()
    if school is None:
        raise click.ClickException(f"no unit has the code {code}")
    points = [_pair(p) for p in polygon.split(";") if p.strip()] if polygon else None
    try:
        set_campus(school, system, _pair(center) if center else None, radius, points)
    except ValueError as exc:
        db.session.rollback()
        raise click.ClickException(str(exc)) from exc
    db.session.commit()
    click.echo(f"campus of {school.name} set ({system})")
