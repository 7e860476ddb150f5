"""``flask units import``: a bureau's schools and classes from .xlsx or .csv, all or nothing."""

from __future__ import annotations

import csv
from pathlib import Path

from openpyxl import Workbook
from sqlalchemy import func, select

from server.extensions import db
from server.models import SchoolClass, Unit

HEADER = ["单位代码", "单位名称", "单位类型", "办学性质", "上级单位代码", "年级", "班级"]
GOOD_ROWS = [
    ["B1", "示范区教体局", "教育局", "公办", "", "", ""],
    ["C1", "东城中心校", "中心校", "公办", "B1", "", ""],
    ["S1", "东城小学", "学校", "公办", "C1", "一年级", "一年级1班"],
    ["S1", "东城小学", "学校", "公办", "C1", "一年级", "一年级2班"],
    ["K1", "阳光幼儿园", "幼儿园", "民办", "C1", "小班", "小一班"],
    ["S2", "区实验中学", "学校", "公办", "B1", "七年级", "七年级1班"],
]


def write_csv(path: Path, rows) -> Path:
    with path.open("w", encoding="utf-8-sig", newline="") as handle:
        csv.writer(handle).writerows([HEADER, *rows])
    return path


def write_xlsx(path: Path, rows) -> Path:
    book = Workbook()
    sheet = book.active
    for row in [HEADER, *rows]:
        sheet.append(row)
    book.save(path)
    return path


def count(model) -> int:
    return db.session.scalar(select(func.count()).select_from(model))


def test_xlsx_import_builds_the_tree(runner, tmp_path):
    result = runner.invoke(
        args=["units", "import", str(write_xlsx(tmp_path / "u.xlsx", GOOD_ROWS))]
    )
    assert result.exit_code == 0, result.output
    assert "5 units created" in result.output and "4 classes created" in result.output
    school = db.session.scalars(select(Unit).where(Unit.code == "S1")).one()
    bureau = db.session.scalars(select(Unit).where(Unit.code == "B1")).one()
    assert school.parent.code == "C1" and bureau.contains(school)
    assert db.session.scalars(select(Unit).where(Unit.code == "K1")).one().ownership == "private"
    assert [c.name for c in school.classes] == ["一年级1班", "一年级2班"]
    assert all(len(c.class_code) == 6 for c in school.classes)


def test_reimport_adds_only_what_is_new(runner, tmp_path):
    path = write_csv(tmp_path / "u.csv", GOOD_ROWS)
    assert runner.invoke(args=["units", "import", str(path)]).exit_code == 0
    more = [*GOOD_ROWS, ["S1", "东城小学", "学校", "公办", "C1", "二年级", "二年级1班"]]
    result = runner.invoke(args=["units", "import", str(write_csv(tmp_path / "v.csv", more))])
    assert result.exit_code == 0, result.output
    assert "0 units created" in result.output and "1 classes created" in result.output
    assert count(SchoolClass) == 5


def test_bad_rows_are_reported_by_line_and_nothing_is_imported(runner, tmp_path):
    rows = [
        *GOOD_ROWS,
        ["S3", "", "学校", "公办", "C1", "", ""],  # line 8: no name
        ["S4", "西城小学", "大学", "公办", "C1", "", ""],  # line 9: unknown kind
        ["S5", "北城小学", "学校", "公办", "NOPE", "", ""],  # line 10: unknown parent
        ["C2", "南城中心校", "中心校", "公办", "C1", "", "一班"],  # line 11: class at a center
        ["S1", "东城小学", "学校", "公办", "C1", "一年级", "一年级1班"],  # line 12: repeated class
        ["S6", "某小学", "学校", "国营", "C1", "", ""],  # line 13: unknown ownership
    ]
    result = runner.invoke(args=["units", "import", str(write_csv(tmp_path / "bad.csv", rows))])
    assert result.exit_code != 0
    for line in (8, 9, 10, 11, 12, 13):
        assert f"bad.csv:{line}:" in result.output, result.output
    assert "nothing was imported" in result.output
    assert count(Unit) == 0 and count(SchoolClass) == 0


def test_structural_errors(runner, tmp_path):
    rows = [
        ["B1", "示范区教体局", "教育局", "公办", "", "", ""],
        ["S1", "东城小学", "学校", "公办", "B1", "", ""],
        ["S2", "附属小学", "学校", "公办", "S1", "", ""],  # a school under a school
        ["C1", "中心校", "中心校", "公办", "", "", ""],  # a center school with no parent
        ["S1", "东城小学(改)", "学校", "公办", "B1", "", ""],  # conflicts with line 3
    ]
    result = runner.invoke(args=["units", "import", str(write_csv(tmp_path / "t.csv", rows))])
    assert result.exit_code != 0
    assert "t.csv:4:" in result.output and "t.csv:5:" in result.output
    assert "t.csv:6:" in result.output
    assert count(Unit) == 0


def test_unreadable_files_get_a_clear_message(runner, tmp_path):
    text = tmp_path / "u.txt"
    text.write_text("hello")
    assert "only .xlsx and .csv" in runner.invoke(args=["units", "import", str(text)]).output
    fake = tmp_path / "u.xlsx"
    fake.write_bytes(b"not a zip")
    assert "cannot open the workbook" in runner.invoke(args=["units", "import", str(fake)]).output
    no_header = tmp_path / "h.csv"
    no_header.write_text("a,b\n1,2\n", encoding="utf-8")
    assert "lacks the columns" in runner.invoke(args=["units", "import", str(no_header)]).output
    latin = tmp_path / "l.csv"
    latin.write_bytes(",".join(HEADER).encode("gbk"))
    assert "UTF-8" in runner.invoke(args=["units", "import", str(latin)]).output
    assert runner.invoke(args=["units", "import", str(tmp_path / "missing.csv")]).exit_code != 0
    assert count(Unit) == 0
