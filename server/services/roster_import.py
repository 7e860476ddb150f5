"""Import class rosters (pupils' names per class) from a spreadsheet (.xlsx or .csv).

A school's office keeps a list of pupils per class (学生名册); the file has one row per pupil:
单位代码 (the school's code, as in the units import), 班级 (the class's name there) and 学生姓名.
The units and classes must exist (import the units first). Every row is checked first; if any row
is bad, each bad row is reported by its line number and nothing is imported. Re-importing adds
the pupils not yet on a roster and leaves the others alone: a pupil who leaves is taken off by
the class teacher, so a file never removes anyone.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path

from sqlalchemy import select

from server.extensions import db
from server.models import SchoolClass, Unit
from server.roles import SCHOOL_KINDS
from server.services.roster import NAME_MAX, NAME_MIN, NAME_PATTERN, enrol
from server.services.unit_import import ImportFileError, read_table

HEADERS = {
    "unit_code": ("单位代码", "unit_code"),
    "class_name": ("班级", "class_name"),
    "name": ("学生姓名", "姓名", "name"),
}


@dataclass
class RosterReport:
    """What the roster import found: errors by line, or how many pupils it added."""

    errors: list[tuple[int, str]] = field(default_factory=list)
    pupils_added: int = 0
    pupils_present: int = 0


def _columns(header: list[str]) -> dict[str, int]:
    """Map field names to column indexes; every column is required."""
    columns = {
        name: index
        for index, title in enumerate(header)
        for name, aliases in HEADERS.items()
        if title in aliases
    }
    missing = [aliases[0] for name, aliases in HEADERS.items() if name not in columns]
    if missing:
        raise ImportFileError("the header row lacks the columns: " + ", ".join(missing))
    return columns


def _check(line: int, values: dict[str, str], classes, seen, report: RosterReport):
    """Check one row: the class exists at the school, the name is a name, not repeated."""
    unit_code, class_name, name = values["unit_code"], values["class_name"], values["name"]
    if not (unit_code and class_name and name):
        report.errors.append((line, "单位代码, 班级 and 学生姓名 must all be filled in"))
        return None
    if not (NAME_MIN <= len(name) <= NAME_MAX) or not re.match(NAME_PATTERN, name):
        report.errors.append((line, f"{name!r} is not a pupil's name (2-20 characters, no signs)"))
        return None
    school_class = classes.get((unit_code, class_name))
    if school_class is None:
        report.errors.append((line, f"no class {class_name} at unit {unit_code}"))
        return None
    key = (school_class.id, name)
    if key in seen:
        report.errors.append((line, f"{name} in {class_name} repeats line {seen[key]}"))
        return None
    seen[key] = line
    return school_class


def _classes(unit_codes: set[str], within: Unit | None) -> dict[tuple[str, str], SchoolClass]:
    """(unit code, class name) -> class, for the schools named in the file (those at or below
    ``within`` when given: others' classes are unknown to this import)."""
    query = (
        select(Unit.code, SchoolClass)
        .join(SchoolClass, SchoolClass.school_id == Unit.id)
        .where(Unit.code.in_(sorted(unit_codes)), Unit.kind.in_(SCHOOL_KINDS))
        .order_by(SchoolClass.id)
    )
    if within is not None:
        query = query.where(Unit.path.startswith(within.path))
    rows = db.session.execute(query)
    return {(code, school_class.name): school_class for code, school_class in rows}


def import_roster(path: Path, max_rows: int = 20000, within: Unit | None = None) -> RosterReport:
    """Check the whole file, then add its pupils in one transaction, or add nothing. With
    ``within`` (the console's import), only classes of schools at or below it are known."""
    report = RosterReport()
    header, rows = read_table(path)
    columns = _columns(header)
    parsed: list[tuple[int, dict[str, str]]] = []
    for line, cells in rows:
        if not any(cells):
            continue
        if len(parsed) >= max_rows:
            raise ImportFileError(f"the file has more than {max_rows} rows")
        values = {n: cells[i] if i < len(cells) else "" for n, i in columns.items()}
        parsed.append((line, values))
    classes = _classes({values["unit_code"] for _line, values in parsed}, within)
    seen: dict[tuple[int, str], int] = {}
    pupils = []
    for line, values in parsed:
        school_class = _check(line, values, classes, seen, report)
        if school_class is not None:
            pupils.append((school_class, values["name"]))
    if report.errors:
        db.session.rollback()
        return report
    for school_class, name in pupils:
        if enrol(school_class, name):
            report.pupils_added += 1
        else:
            report.pupils_present += 1
    db.session.commit()
    return report
