"""``flask water-points``: import the dangerous water points from a spreadsheet, list them, and
add the demo district's."""

from __future__ import annotations

import re
from pathlib import Path

import click
from flask import current_app
from sqlalchemy import select
from sqlalchemy.orm import selectinload

from server.extensions import db
from server.models import Unit, User
from server.models.patrols import Checkpoint
from server.models.water import MEASURE_NAMES, MEASURES, WATER_KIND_NAMES, WaterPoint
from server.services.unit_import import ImportFileError
from server.services.water_import import import_points
from server.water_schedule import SCHEDULE_DIR, ScheduleError, read_schedule, year_windows


@click.group("water-points")
def group() -> None:
    """Dangerous water points near schools (防溺水)."""


def _person(text: str) -> User:
    """A user by id, or by the mobile number they gave (exactly one active user)."""
    if re.fullmatch(r"1\d{10}", text):
        found = db.session.scalars(
            select(User).where(User.phone == text, User.is_active.is_(True)).limit(2)
        ).all()
        if len(found) != 1:
            raise click.ClickException(f"no single active user has the mobile number {text}")
        return found[0]
    user = db.session.get(User, int(text)) if text.isdigit() and len(text) < 10 else None
    if user is None or not user.is_active:
        raise click.ClickException(f"no active user {text}")
    return user


@group.command("import")
@click.argument("file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option(
    "--by",
    "by",
    required=True,
    help="Who registers the points: a user id or mobile number, holding water.manage at "
    "every school of the file.",
)
def import_command(file: Path, by: str) -> None:
    """Import water points from an .xlsx or .csv file.

    Columns: 名称, 类型 (河流/池塘/水库/沟渠/坑塘/其他), 纬度, 经度, 坐标系 (wgs84/gcj02), 半径(米),
    警示标志, 护栏围挡, 救生圈, 救生绳, 救生杆 (有/无), 管护人, 管护人电话, 涉及学校 (unit codes,
    separated by 、 , or ;), 备注. A point whose name and first school match one already registered
    is updated. If any row is bad, nothing is imported.
    """
    user = _person(by.strip())
    try:
        report = import_points(file, user, current_app.config["MAX_IMPORT_ROWS"])
    except ImportFileError as exc:
        db.session.rollback()
        raise click.ClickException(f"{file.name}: {exc}") from exc
    if report.errors:
        db.session.rollback()
        for line, message in report.errors:
            click.echo(f"{file.name}:{line}: {message}", err=True)
        raise click.ClickException(
            f"{len(report.errors)} problem(s); nothing was imported. Fix them and run again."
        )
    click.echo(f"imported {file.name}: {report.created} points created, {report.updated} updated")


@group.command("list")
@click.option("--unit", "unit_code", help="Only the points concerning schools at this unit.")
@click.option("--all", "show_all", is_flag=True, help="Retired points too.")
def list_command(unit_code: str | None, show_all: bool) -> None:
    """List the water points: id, name, kind, schools, measures missing."""
    query = (
        select(WaterPoint)
        .join(Checkpoint, Checkpoint.id == WaterPoint.checkpoint_id)
        .options(selectinload(WaterPoint.checkpoint), selectinload(WaterPoint.schools))
        .order_by(Checkpoint.name, WaterPoint.id)
    )
    if unit_code:
        unit = db.session.scalars(select(Unit).where(Unit.code == unit_code)).first()
        if unit is None:
            raise click.ClickException(f"no unit has the code {unit_code}")
        below = select(Unit.id).where(Unit.path.startswith(unit.path))
        query = query.where(WaterPoint.schools.any(Unit.id.in_(below)))
    if not show_all:
        query = query.where(Checkpoint.active.is_(True))
    points = list(db.session.scalars(query))
    for point in points:
        missing = [MEASURE_NAMES[k] for k in MEASURES if not (point.measures or {}).get(k)]
        state = "" if point.checkpoint.active else " [retired]"
        click.echo(
            f"{point.id}\t{point.checkpoint.name}\t{WATER_KIND_NAMES.get(point.kind, point.kind)}"
            f"\t{'、'.join(s.code for s in point.schools)}"
            f"\t缺:{'、'.join(missing) or '无'}{state}"
        )
    click.echo(f"{len(points)} water point(s)")


@group.command("demo")
def demo_command() -> None:
    """Add the demo district's two water points near 符离中心小学 (once)."""
    from server.services.demo import DEMO_CHECKPOINT_SCHOOL
    from server.services.demo_water import DEMO_WATER_POINTS, seed_water_points

    school = db.session.scalars(select(Unit).where(Unit.code == DEMO_CHECKPOINT_SCHOOL)).first()
    if school is None:
        raise click.ClickException("no demo district: run flask setup demo first")
    names = [p["name"] for p in DEMO_WATER_POINTS]
    present = db.session.scalars(
        select(Checkpoint.id).where(Checkpoint.school_id == school.id, Checkpoint.name.in_(names))
    ).first()
    if present is not None:
        click.echo("demo water points already present")
        return
    seed_water_points(school)
    db.session.commit()
    click.echo(f"demo water points added at {school.name}: " + "、".join(names))


@group.command("check-schedule")
def check_schedule_command() -> None:
    """Check every water schedule file (server/data/water_schedules/<year>.json) and print each
    year's windows per period; fails naming the first problem of a bad file."""
    paths = sorted(SCHEDULE_DIR.glob("*.json"))
    for path in paths:
        try:
            schedule = read_schedule(path)
        except ScheduleError as exc:
            raise click.ClickException(str(exc)) from exc
        windows = year_windows(schedule)
        names = dict.fromkeys(w.period_name for w in windows)
        counts = "、".join(
            f"{name} {sum(w.period_name == name for w in windows)}" for name in names
        )
        click.echo(f"{path.name}: {len(windows)} windows ({counts})")
    click.echo(f"{len(paths)} schedule file(s) ok; years without a file use 14-day windows")
