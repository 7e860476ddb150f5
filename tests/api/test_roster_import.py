"""``flask units import-roster``: pupils' names per class from .xlsx or .csv, all or nothing,
errors by line; re-importing adds only who is new and never removes anyone."""

from __future__ import annotations

import csv
from pathlib import Path

from openpyxl import Workbook
from sqlalchemy import func, select

from server.extensions import db
from server.models import Child, SchoolClass, Unit
from tests.api.test_unit_import import GOOD_ROWS, write_csv

HEADER = ["单位代码", "班级", "学生姓名"]
PUPILS = [
    ["S1", "一年级1班", "张小明"],
    ["S1", "一年级1班", "李小红"],
    ["S1", "一年级2班", "张小明"],  # the same name in another class is another pupil
    ["K1", "小一班", "阿依古丽·买买提"],
]


def roster_csv(path: Path, rows, header=HEADER) -> Path:
    with path.open("w", encoding="utf-8-sig", newline="") as handle:
        csv.writer(handle).writerows([header, *rows])
    return path


def pupils_of(unit_code: str, class_name: str) -> list[str]:
    query = (
        select(Child.name)
        .join(SchoolClass, Child.class_id == SchoolClass.id)
        .join(Unit, SchoolClass.school_id == Unit.id)
        .where(Unit.code == unit_code, SchoolClass.name == class_name)
        .order_by(Child.name)
    )
    return list(db.session.scalars(query))


def units(runner, tmp_path):
    result = runner.invoke(args=["units", "import", str(write_csv(tmp_path / "u.csv", GOOD_ROWS))])
    assert result.exit_code == 0, result.output


def test_roster_import_fills_the_classes(runner, tmp_path):
    units(runner, tmp_path)
    book = Workbook()
    for row in [HEADER, *PUPILS]:
        book.active.append(row)
    book.save(tmp_path / "r.xlsx")
    result = runner.invoke(args=["units", "import-roster", str(tmp_path / "r.xlsx")])
    assert result.exit_code == 0, result.output
    assert "4 pupils added" in result.output
    assert pupils_of("S1", "一年级1班") == ["张小明", "李小红"]
    assert pupils_of("K1", "小一班") == ["阿依古丽·买买提"]
    more = roster_csv(tmp_path / "more.csv", [*PUPILS[:2], ["S1", "一年级1班", "王小刚"]])
    again = runner.invoke(args=["units", "import-roster", str(more)])
    assert again.exit_code == 0, again.output
    assert "1 pupils added, 2 already on their rosters" in again.output
    assert len(pupils_of("S1", "一年级2班")) == 1  # not in the second file, still there


def test_bad_roster_rows_by_line_and_nothing_imported(runner, tmp_path):
    units(runner, tmp_path)
    rows = [
        *PUPILS,
        ["S1", "一年级1班", ""],  # line 6: no name
        ["S1", "九年级9班", "钱小多"],  # line 7: no such class
        ["NOPE", "一年级1班", "钱小多"],  # line 8: no such unit
        ["C1", "一年级1班", "钱小多"],  # line 9: a center school has no classes
        ["S1", "一年级1班", "<script>"],  # line 10: not a name
        ["S1", "一年级1班", "李小红"],  # line 11: repeats line 3
        ["S1", "一年级1班", "李" * 21],  # line 12: too long
    ]
    result = runner.invoke(
        args=["units", "import-roster", str(roster_csv(tmp_path / "bad.csv", rows))]
    )
    assert result.exit_code != 0
    for line in range(6, 13):
        assert f"bad.csv:{line}:" in result.output, result.output
    assert "bad.csv:2:" not in result.output
    assert "repeats line 3" in result.output and "nothing was imported" in result.output
    assert db.session.scalar(select(func.count()).select_from(Child)) == 0


def test_roster_file_needs_its_columns(runner, tmp_path):
    path = roster_csv(tmp_path / "h.csv", [["S1", "张小明"]], header=["单位代码", "学生姓名"])
    result = runner.invoke(args=["units", "import-roster", str(path)])
    assert result.exit_code != 0 and "lacks the columns: 班级" in result.output
