"""Import a bureau's units and classes from a spreadsheet (.xlsx or .csv).

One row per class (or per unit with no class). Every row is checked first; if any row is bad, each
bad row is reported by its line number and nothing is imported.
"""

from __future__ import annotations

import csv
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

from openpyxl import load_workbook
from sqlalchemy import select

from server.extensions import db
from server.models import SchoolClass, Unit
from server.roles import ALLOWED_PARENTS, OWNERSHIP_NAMES, SCHOOL_KINDS, UNIT_KIND_NAMES
from server.services.units import add_class, add_unit

# Accepted headers (Chinese as bureaus write them, or the English field name).
HEADERS = {
    "code": ("单位代码", "code"),
    "name": ("单位名称", "name"),
    "kind": ("单位类型", "kind"),
    "ownership": ("办学性质", "ownership"),
    "parent_code": ("上级单位代码", "parent_code"),
    "grade": ("年级", "grade"),
    "class_name": ("班级", "class_name"),
}
REQUIRED = ("code", "name", "kind", "parent_code")
KIND_BY_TEXT = {**{v: k for k, v in UNIT_KIND_NAMES.items()}, **{k: k for k in UNIT_KIND_NAMES}}
OWNERSHIP_BY_TEXT = {
    **{v: k for k, v in OWNERSHIP_NAMES.items()},
    "public": "public",
    "private": "private",
    "": "public",
}


class ImportFileError(ValueError):
    """The file itself cannot be read (wrong type, no header...)."""


@dataclass
class ImportReport:
    """What the import found: errors by line, or what it created."""

    errors: list[tuple[int, str]] = field(default_factory=list)
    units_created: int = 0
    units_updated: int = 0
    classes_created: int = 0


@dataclass
class _UnitRow:
    line: int
    code: str
    name: str
    kind: str
    ownership: str
    parent_code: str


def read_rows(path: Path) -> Iterator[tuple[int, list[str]]]:
    """Yield (line number, cells as stripped text) from an .xlsx or .csv file."""
    suffix = path.suffix.lower()
    if suffix == ".csv":
        try:
            with path.open(encoding="utf-8-sig", newline="") as handle:
                for number, row in enumerate(csv.reader(handle), start=1):
                    yield number, [cell.strip() for cell in row]
        except UnicodeDecodeError as exc:
            raise ImportFileError("the CSV file must be UTF-8 encoded") from exc
    elif suffix == ".xlsx":
        try:
            workbook = load_workbook(path, read_only=True, data_only=True)
        except Exception as exc:  # openpyxl raises many types for a damaged file
            raise ImportFileError(f"cannot open the workbook: {exc}") from exc
        sheet = workbook.worksheets[0]
        for number, row in enumerate(sheet.iter_rows(values_only=True), start=1):
            yield number, ["" if cell is None else str(cell).strip() for cell in row]
        workbook.close()
    else:
        raise ImportFileError("only .xlsx and .csv files can be imported")


def read_table(path: Path) -> tuple[list[str], Iterator[tuple[int, list[str]]]]:
    """The header row and the (line, cells) rows after it; an empty file is an error."""
    rows = read_rows(path)
    try:
        _, header = next(rows)
    except StopIteration as exc:
        raise ImportFileError("the file is empty") from exc
    return header, rows


def _columns(header: list[str]) -> dict[str, int]:
    """Map field names to column indexes from the header row."""
    columns: dict[str, int] = {}
    for index, title in enumerate(header):
        for name, aliases in HEADERS.items():
            if title in aliases:
                columns[name] = index
    missing = [HEADERS[name][0] for name in REQUIRED if name not in columns]
    if missing:
        raise ImportFileError("the header row lacks the columns: " + ", ".join(missing))
    return columns


def _row_values(cells: list[str], columns: dict[str, int]) -> dict[str, str]:
    """The row's cells by field name (missing trailing cells read as empty)."""
    return {name: cells[index] if index < len(cells) else "" for name, index in columns.items()} | {
        name: "" for name in HEADERS if name not in columns
    }


def _check_row(line: int, values: dict[str, str]) -> tuple[_UnitRow | None, list[str]]:
    """Check one row on its own; return the unit it describes, or the problems found."""
    problems = [f"{HEADERS[n][0]} is empty" for n in ("code", "name", "kind") if not values[n]]
    kind = KIND_BY_TEXT.get(values["kind"])
    ownership = OWNERSHIP_BY_TEXT.get(values["ownership"])
    if values["kind"] and kind is None:
        problems.append(f"unknown unit type {values['kind']!r}")
    if ownership is None:
        problems.append(f"unknown ownership {values['ownership']!r} (公办 or 民办)")
    if len(values["code"]) > 32 or len(values["name"]) > 100 or len(values["class_name"]) > 50:
        problems.append("a code (32), name (100) or class (50) is too long")
    if values["class_name"] and kind is not None and kind not in SCHOOL_KINDS:
        problems.append(f"a {values['kind']} has no classes")
    if problems:
        return None, problems
    row = _UnitRow(line, values["code"], values["name"], kind, ownership, values["parent_code"])
    return row, []


def _parse(path: Path, max_rows: int, report: ImportReport):
    """Read and check every row; return units by code and classes by unit code."""
    header, rows = read_table(path)
    columns = _columns(header)
    units: dict[str, _UnitRow] = {}
    classes: dict[str, dict[str, tuple[int, str]]] = {}
    count = 0
    for line, cells in rows:
        if not any(cells):
            continue
        count += 1
        if count > max_rows:
            raise ImportFileError(f"the file has more than {max_rows} rows")
        values = _row_values(cells, columns)
        row, problems = _check_row(line, values)
        if row is None:
            report.errors.append((line, "; ".join(problems)))
            continue
        seen = units.setdefault(row.code, row)
        if (seen.name, seen.kind, seen.ownership, seen.parent_code) != (
            row.name,
            row.kind,
            row.ownership,
            row.parent_code,
        ):
            report.errors.append((line, f"unit {row.code} differs from line {seen.line}"))
            continue
        class_name = values["class_name"]
        if class_name:
            unit_classes = classes.setdefault(row.code, {})
            if class_name in unit_classes:
                first = unit_classes[class_name][0]
                report.errors.append((line, f"class {class_name} repeats line {first}"))
                continue
            unit_classes[class_name] = (line, values["grade"])
    return units, classes


def _check_within(units: dict[str, _UnitRow], existing: dict[str, Unit], within: Unit, report):
    """Every unit of the file lies at or below ``within`` (an admin imports into their own
    tree): an existing unit there, or a new one whose chain of parents reaches it."""
    for row in units.values():
        current = existing.get(row.code)
        if current is not None:
            inside = within.contains(current)
        else:
            seen, parent_code = set(), row.parent_code
            while parent_code in units and parent_code not in existing and parent_code not in seen:
                seen.add(parent_code)
                parent_code = units[parent_code].parent_code
            parent = existing.get(parent_code)
            if parent is None and parent_code and parent_code not in units:
                continue  # an unknown parent: reported as such by the tree's check
            inside = parent is not None and within.contains(parent)
        if not inside:
            report.errors.append((row.line, f"unit {row.code} is not under {within.code}"))


def _check_tree(units: dict[str, _UnitRow], existing: dict[str, Unit], report: ImportReport):
    """Every parent must exist (in the file or the database) and be of an allowed kind."""
    for row in units.values():
        current = existing.get(row.code)
        if current is not None and current.kind != row.kind:
            report.errors.append((row.line, f"unit {row.code} exists as a {current.kind}"))
        parent_kind = None
        if row.parent_code:
            parent = units.get(row.parent_code) or existing.get(row.parent_code)
            if parent is None:
                report.errors.append((row.line, f"unknown parent unit {row.parent_code}"))
                continue
            parent_kind = parent.kind
        if (
            current is not None
            and current.parent is not None
            and (current.parent.code != row.parent_code)
        ):
            report.errors.append((row.line, f"unit {row.code} cannot move to another parent"))
        allowed = ALLOWED_PARENTS[row.kind]
        if (parent_kind is None and allowed) or (parent_kind and parent_kind not in allowed):
            report.errors.append(
                (row.line, f"a {row.kind} cannot sit under {parent_kind or 'nothing'}")
            )


def import_units(path: Path, max_rows: int = 20000, within: Unit | None = None) -> ImportReport:
    """Check the whole file, then import it in one transaction, or import nothing. With
    ``within`` (the console's import), every unit of the file must lie at or below that unit."""
    report = ImportReport()
    units, classes = _parse(path, max_rows, report)
    existing = {u.code: u for u in db.session.scalars(select(Unit).where(Unit.code.in_(units)))}
    parent_codes = {r.parent_code for r in units.values() if r.parent_code} - set(units)
    existing.update(
        {u.code: u for u in db.session.scalars(select(Unit).where(Unit.code.in_(parent_codes)))}
    )
    _check_tree(units, existing, report)
    if within is not None:
        _check_within(units, existing, within, report)
    if report.errors:
        report.errors.sort()
        return report

    # Parents before children: sort by depth within the file.
    def depth(row: _UnitRow) -> int:
        steps = 0
        while row.parent_code in units and steps <= len(units):
            row, steps = units[row.parent_code], steps + 1
        return steps

    for row in sorted(units.values(), key=depth):
        unit = existing.get(row.code)
        if unit is None:
            parent = existing.get(row.parent_code) if row.parent_code else None
            existing[row.code] = add_unit(row.code, row.name, row.kind, row.ownership, parent)
            report.units_created += 1
        elif (unit.name, unit.ownership) != (row.name, row.ownership):
            unit.name, unit.ownership = row.name, row.ownership
            report.units_updated += 1
    for code, unit_classes in classes.items():
        school = existing[code]
        have = (
            set(
                db.session.scalars(
                    select(SchoolClass.name).where(SchoolClass.school_id == school.id)
                )
            )
            if school.id
            else set()
        )
        for name, (_line, grade) in unit_classes.items():
            if name not in have:
                add_class(school, name, grade)
                report.classes_created += 1
    db.session.commit()
    return report
