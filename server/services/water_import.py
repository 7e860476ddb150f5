"""Import dangerous water points from a spreadsheet (.xlsx or .csv), as a bureau's survey lists
them (``flask water-points import FILE --by USER``).

Columns (Chinese headers, the first row): 名称, 类型 (河流/池塘/水库/沟渠/坑塘/其他), 纬度, 经度,
坐标系 (wgs84/gcj02; empty: gcj02), 半径(米) (10-500; empty: 50), 警示标志, 护栏围挡, 救生圈,
救生绳, 救生杆 (有/无; empty: 无), 管护人, 管护人电话, 涉及学校 (unit codes separated by 、 , or ;),
备注. Every row is checked first; if any is bad, each problem is reported by line and column and
nothing is written. A row whose name and first school match a point already registered updates
that point, so importing the same file again changes nothing. The person named with ``--by``
is recorded as the registrar and must hold water.manage at every school in the file. Names are
not sent to WeChat's content check: the file comes from the operator, not from a phone.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import selectinload

from server import access
from server.api.fields import strip_text
from server.extensions import db
from server.geo import COORD_SYSTEMS
from server.models import Unit, User, utcnow
from server.models.patrols import Checkpoint
from server.models.water import MEASURE_NAMES, WATER_KIND_NAMES, WaterPoint
from server.roles import SCHOOL_KINDS
from server.services import water_plans
from server.services.unit_import import ImportFileError, read_table
from server.services.water_points import (
    MANAGE,
    insert_point,
    measures_of,
    registering_unit,
    set_schools,
)

# Field -> accepted headers (Chinese first, then the English field name).
HEADERS = {
    "name": ("名称", "name"),
    "kind": ("类型", "kind"),
    "lat": ("纬度", "lat"),
    "lng": ("经度", "lng"),
    "coord_system": ("坐标系", "coord_system"),
    "radius_m": ("半径(米)", "半径（米）", "半径", "radius_m"),
    **{key: (name, key) for key, name in MEASURE_NAMES.items()},
    "caretaker_name": ("管护人", "caretaker_name"),
    "caretaker_phone": ("管护人电话", "caretaker_phone"),
    "schools": ("涉及学校", "schools"),
    "note": ("备注", "note"),
}
REQUIRED = ("name", "kind", "lat", "lng", "schools")
KIND_BY_TEXT = {**{v: k for k, v in WATER_KIND_NAMES.items()}, **{k: k for k in WATER_KIND_NAMES}}
YES, NO = ("有", "是", "yes", "y", "1", "true"), ("无", "没有", "否", "no", "n", "0", "false", "")
SCHOOL_SEPARATORS = re.compile(r"[、,，;；\s]+")
PHONE = re.compile(r"^[0-9+\- ]+$")
CONTROL = re.compile(r"[\x00-\x1f\x7f]")
LIMITS = {"name": 60, "caretaker_name": 30, "caretaker_phone": 20, "note": 500}


@dataclass
class WaterImportReport:
    """What the import found: problems by line, or what it wrote."""

    errors: list[tuple[int, str]] = field(default_factory=list)
    created: int = 0
    updated: int = 0


def _columns(header: list[str]) -> dict[str, int]:
    """Field -> column index from the header row (a required column missing: the file is bad)."""
    titles = [strip_text(title) for title in header]
    columns = {
        name: index
        for index, title in enumerate(titles)
        for name, aliases in HEADERS.items()
        if title in aliases
    }
    missing = [HEADERS[name][0] for name in REQUIRED if name not in columns]
    if missing:
        raise ImportFileError("the header row lacks the columns: " + ", ".join(missing))
    return columns


def _number(text: str, title: str, low: float, high: float, problems: list[str]) -> float | None:
    """A number within bounds, or a problem naming the column."""
    try:
        value = float(text)
    except ValueError:
        problems.append(f"{title}: {text!r} is not a number")
        return None
    if not low <= value <= high:
        problems.append(f"{title}: {text} is not between {low:g} and {high:g}")
        return None
    return value


def _texts(values: dict[str, str], problems: list[str]) -> None:
    """Text columns: no control characters, within their lengths."""
    for key, limit in LIMITS.items():
        text = values[key]
        if CONTROL.search(text):
            problems.append(f"{HEADERS[key][0]}: contains control characters")
        elif len(text) > limit:
            problems.append(f"{HEADERS[key][0]}: longer than {limit} characters")
    if values["caretaker_phone"] and not PHONE.match(values["caretaker_phone"]):
        problems.append(f"{HEADERS['caretaker_phone'][0]}: digits, +, - and spaces only")


def _check_row(values: dict[str, str], schools: dict[str, Unit]) -> tuple[dict | None, list[str]]:
    """One row on its own: the point's fields, or the problems found (column by column)."""
    problems: list[str] = []
    if not values["name"]:
        problems.append("名称: empty")
    _texts(values, problems)
    kind = KIND_BY_TEXT.get(values["kind"])
    if kind is None:
        problems.append(f"类型: {values['kind']!r} is not one of 河流/池塘/水库/沟渠/坑塘/其他")
    lat = _number(values["lat"], "纬度", -90, 90, problems)
    lng = _number(values["lng"], "经度", -180, 180, problems)
    system = values["coord_system"].lower().replace("-", "") or "gcj02"
    if system not in COORD_SYSTEMS:
        problems.append(f"坐标系: {values['coord_system']!r} is not wgs84 or gcj02")
    radius = _number(values["radius_m"] or "50", "半径(米)", 10, 500, problems)
    measures = {}
    for key, name in MEASURE_NAMES.items():
        text = values[key].lower()
        if text not in YES + NO:
            problems.append(f"{name}: {values[key]!r} is not 有 or 无")
        measures[key] = text in YES
    codes = [c for c in SCHOOL_SEPARATORS.split(values["schools"]) if c]
    if not 1 <= len(codes) <= 20:
        problems.append("涉及学校: name 1 to 20 unit codes")
    for code in codes:
        unit = schools.get(code)
        if unit is None:
            problems.append(f"涉及学校: no unit has the code {code}")
        elif unit.kind not in SCHOOL_KINDS:
            problems.append(f"涉及学校: {code} is not a school or kindergarten")
    if problems:
        return None, problems
    return {
        "name": values["name"],
        "kind": kind,
        "lat": lat,
        "lng": lng,
        "coord_system": system,
        "radius_m": int(radius),
        "measures": measures,
        "caretaker_name": values["caretaker_name"] or None,
        "caretaker_phone": values["caretaker_phone"] or None,
        "note": values["note"] or None,
        "schools": [schools[c] for c in dict.fromkeys(codes)],
    }, []


def _parse(path: Path, max_rows: int, report: WaterImportReport) -> list[tuple[int, dict]]:
    """Read and check every row; the good rows with their line numbers."""
    header, rows = read_table(path)
    columns = _columns(header)
    cells_by_line = []
    for line, cells in rows:
        if not any(cells):
            continue
        if len(cells_by_line) >= max_rows:
            raise ImportFileError(f"the file has more than {max_rows} rows")
        values = {
            name: strip_text(cells[columns[name]])
            if name in columns and columns[name] < len(cells)
            else ""
            for name in HEADERS
        }
        cells_by_line.append((line, values))
    codes = {
        code
        for _line, values in cells_by_line
        for code in SCHOOL_SEPARATORS.split(values["schools"])
        if code
    }
    schools = {u.code: u for u in db.session.scalars(select(Unit).where(Unit.code.in_(codes)))}
    good, seen = [], {}
    for line, values in cells_by_line:
        row, problems = _check_row(values, schools)
        if row is None:
            report.errors += [(line, problem) for problem in problems]
            continue
        key = (row["name"], row["schools"][0].id)
        if key in seen:
            report.errors.append((line, f"名称: {row['name']} repeats line {seen[key]}"))
            continue
        seen[key] = line
        good.append((line, row))
    return good


def _existing(rows: list[tuple[int, dict]]) -> dict[tuple[str, int], WaterPoint]:
    """The points already registered under a row's name at its first school."""
    names = sorted({row["name"] for _line, row in rows})
    if not names:
        return {}
    points = db.session.scalars(
        select(WaterPoint)
        .join(Checkpoint, Checkpoint.id == WaterPoint.checkpoint_id)
        .where(Checkpoint.name.in_(names))
        .options(selectinload(WaterPoint.checkpoint))
        .order_by(WaterPoint.id)
    )
    found: dict[tuple[str, int], WaterPoint] = {}
    for point in points:
        found.setdefault((point.checkpoint.name, point.checkpoint.school_id), point)
    return found


def _update(point: WaterPoint, row: dict[str, Any]) -> None:
    """Bring a registered point in line with its row."""
    checkpoint = point.checkpoint
    for key in ("lat", "lng", "coord_system", "radius_m"):
        setattr(checkpoint, key, row[key])
    point.kind, point.measures = row["kind"], measures_of(row["measures"])
    point.caretaker_name, point.caretaker_phone = row["caretaker_name"], row["caretaker_phone"]
    point.note = row["note"]
    if [s.id for s in point.schools] != sorted(s.id for s in row["schools"]):
        set_schools(point, row["schools"])


def import_points(path: Path, by: User, max_rows: int = 20000) -> WaterImportReport:
    """Check the whole file, then write it in one transaction, or write nothing."""
    report = WaterImportReport()
    rows = _parse(path, max_rows, report)
    for line, row in rows:
        for school in row["schools"]:
            if not access.may(by, MANAGE, school):
                report.errors.append(
                    (line, f"涉及学校: user {by.id} may not manage water points at {school.code}")
                )
    if report.errors:
        report.errors.sort()
        return report
    existing = _existing(rows)
    touched: set[int] = set()
    for _line, row in rows:
        schools = row["schools"]
        point = existing.get((row["name"], schools[0].id))
        if point is None:
            insert_point(by, schools, row, registering_unit(by, schools))
            report.created += 1
        else:
            touched |= {s.id for s in point.schools}
            _update(point, row)
            report.updated += 1
        touched |= {s.id for s in schools}
    water_plans.sync(touched, by.id, utcnow())
    db.session.commit()
    return report
