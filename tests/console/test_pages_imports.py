"""The console's spreadsheet imports: units and classes, class rosters (units.import, every
unit under the admin's) and water points (water.manage); every problem shown by line and
column in Chinese with nothing written; bad, huge and non-spreadsheet files refused."""

from __future__ import annotations

import csv
import io

from openpyxl import Workbook
from sqlalchemy import func, select

from server.extensions import db
from server.models import Child, SchoolClass, Unit
from server.models.water import WaterPoint
from tests.console.forms import post_form, text_of
from tests.hazards.conftest import unit_by_code

UNIT_HEADER = ["单位代码", "单位名称", "单位类型", "办学性质", "上级单位代码", "年级", "班级"]
WATER_HEADER = ["名称", "类型", "纬度", "经度", "坐标系", "涉及学校"]


def csv_bytes(rows: list[list[str]]) -> bytes:
    """A UTF-8 CSV file (with the BOM Excel writes)."""
    out = io.StringIO()
    csv.writer(out).writerows(rows)
    return out.getvalue().encode("utf-8-sig")


def xlsx_bytes(rows: list[list[str]]) -> bytes:
    """An .xlsx workbook of the rows."""
    book = Workbook()
    for row in rows:
        book.active.append(row)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def upload(browser, kind: str, name: str, data: bytes, unit_id: int | None = None):
    """Post one file to the imports page."""
    form = {"kind": kind, "file": (io.BytesIO(data), name)}
    if unit_id is not None:
        form["unit_id"] = str(unit_id)
    return post_form(browser, "/console/imports", form, content_type="multipart/form-data")


def count(model) -> int:
    """Rows of a table."""
    return db.session.scalar(select(func.count()).select_from(model))


def test_units_and_a_roster_are_imported(demo, people, browser_as):
    bureau = browser_as(people["bureau_admin@above"])
    assert bureau.get("/console/imports").status_code == 200
    yq000 = unit_by_code("YQ000").id
    rows = [
        UNIT_HEADER,
        ["YQ400", "桃园中心校", "中心校", "公办", "YQ000", "", ""],
        ["YQ401", "桃园中心小学", "学校", "公办", "YQ400", "一年级", "一年级1班"],
    ]
    done = upload(bureau, "units", "units.xlsx", xlsx_bytes(rows), yq000)
    assert done.status_code == 200, text_of(done)
    assert "新建单位 2 个" in text_of(done) and "新建班级 1 个" in text_of(done)
    assert unit_by_code("YQ401").parent.code == "YQ400"
    roster = [["单位代码", "班级", "学生姓名"], ["YQ401", "一年级1班", "李小红"]]
    added = upload(bureau, "roster", "roster.csv", csv_bytes(roster), yq000)
    assert added.status_code == 200 and "新增学生 1 名" in text_of(added)
    school_class = db.session.scalars(
        select(SchoolClass).where(SchoolClass.school_id == unit_by_code("YQ401").id)
    ).one()
    names = db.session.scalars(select(Child.name).where(Child.class_id == school_class.id))
    assert list(names) == ["李小红"]


def test_every_problem_is_shown_and_nothing_written(demo, people, browser_as):
    bureau = browser_as(people["bureau_admin@above"])
    yq000 = unit_by_code("YQ000").id
    before = (count(Unit), count(SchoolClass))
    rows = [
        UNIT_HEADER,
        ["YQ400", "桃园中心校", "中心校", "公办", "YQ000", "", ""],
        ["YQ401", "桃园中心小学", "大学", "公立", "YQ400", "", ""],
        ["YQ402", "桃园二小", "学校", "公办", "YQ999", "", ""],
        ["XX000", "另一个局", "教育局", "公办", "", "", ""],
    ]
    refused = upload(bureau, "units", "units.csv", csv_bytes(rows), yq000)
    assert refused.status_code == 422
    page = text_of(refused)
    assert "发现 4 处问题，未导入任何内容" in page
    assert 'data-line="3"><td class="num">3</td><td>单位类型</td><td>“大学”不是单位类型' in page
    assert "<td>办学性质</td><td>“公立”应为公办或民办</td>" in page
    assert (
        'data-line="4"><td class="num">4</td><td>上级单位代码</td><td>找不到上级单位 YQ999' in page
    )
    assert "单位 XX000 不在您管理的单位之下" in page
    assert (count(Unit), count(SchoolClass)) == before
    header = upload(bureau, "units", "units.csv", csv_bytes([["名称"], ["x"]]), yq000)
    assert header.status_code == 422 and "第一行（表头）缺少这些列：单位代码" in text_of(header)


def test_water_points_are_imported_with_the_managers_rights(demo, people, browser_as):
    school = browser_as(people["school_admin@own"])
    page = text_of(school.get("/console/imports"))
    assert 'data-import="water"' in page and 'data-import="units"' not in page
    good = [WATER_HEADER, ["村东大塘", "池塘", "33.7690", "116.9610", "gcj02", "YQ101"]]
    done = upload(school, "water", "water.csv", csv_bytes(good))
    assert done.status_code == 200 and "新登记危险水域 1 处" in text_of(done)
    assert count(WaterPoint) == 1
    bad = [
        WATER_HEADER,
        ["村西河", "河流", "abc", "116.9610", "gcj02", "YQ101"],
        ["镇北塘", "池塘", "33.76", "116.96", "gcj02", "YQ201"],
    ]
    refused = upload(school, "water", "water.csv", csv_bytes(bad))
    page = text_of(refused)
    assert refused.status_code == 422
    assert "<td>纬度</td><td>“abc”不是数字</td>" in page
    assert "<td>涉及学校</td><td>您无权管理 YQ201 的危险水域</td>" in page
    assert count(WaterPoint) == 1
    # The units' import is the bureau admin's.
    yq101 = unit_by_code("YQ101").id
    rows = csv_bytes([UNIT_HEADER, ["YQ103", "新学校", "学校", "公办", "YQ101", "", ""]])
    assert upload(school, "units", "u.csv", rows, yq101).status_code == 403
    assert browser_as(people["teacher@own"]).get("/console/imports").status_code == 403


def test_bad_huge_and_foreign_files_are_refused(app, demo, people, browser_as):
    bureau = browser_as(people["bureau_admin@above"])
    yq000 = unit_by_code("YQ000").id
    before = count(Unit)
    text = upload(bureau, "units", "notes.txt", b"hello", yq000)
    assert text.status_code == 415 and "只能导入 .xlsx 或 .csv 文件" in text_of(text)
    fake = upload(bureau, "units", "units.xlsx", b"not a workbook at all", yq000)
    assert fake.status_code == 422 and "无法打开这个 Excel 文件" in text_of(fake)
    latin = upload(bureau, "units", "units.csv", "单位代码".encode("gb18030"), yq000)
    assert latin.status_code == 422 and "UTF-8" in text_of(latin)
    empty = upload(bureau, "units", "units.csv", b"", yq000)
    assert empty.status_code == 422 and "文件是空的" in text_of(empty)
    app.config["MAX_IMPORT_BYTES"] = 100 * 1024
    huge = upload(bureau, "units", "units.csv", b"a," * 100_000, yq000)
    assert huge.status_code == 413 and "文件太大" in text_of(huge)
    app.config["MAX_IMPORT_ROWS"] = 2
    rows = [UNIT_HEADER] + [[f"Z{i}", "校", "学校", "公办", "YQ000", "", ""] for i in range(3)]
    many = upload(bureau, "units", "units.csv", csv_bytes(rows), yq000)
    assert many.status_code == 422 and "文件超过 2 行" in text_of(many)
    nothing = post_form(bureau, "/console/imports", {"kind": "units", "unit_id": yq000})
    assert nothing.status_code == 400 and "请选择要上传的文件" in text_of(nothing)
    assert count(Unit) == before
