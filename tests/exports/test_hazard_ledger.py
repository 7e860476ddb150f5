"""The hazard ledger, hand-checked against the hazards it was made from: Excel (headers, frozen
header row, date cells, print setup, widths) and CSV."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal

from sqlalchemy import select

from server.clock import CHINA_TZ, local_today
from server.extensions import db
from server.models import Hazard
from server.services.exports.hazards import LEDGER_COLUMNS
from tests.exports.conftest import csv_rows, sheet_of
from tests.hazards.conftest import advance, unit_by_code
from tests.hazards.test_old_photos import GPS_PHOTO
from tests.support.plans import PLAN

HEADERS = [c.header for c in LEDGER_COLUMNS]


def _two_hazards(client, people, report, upload) -> tuple[int, int]:
    """A planned hazard and a fresh one at 符离中心小学, reported by the teacher."""
    planned = report(people["teacher@own"])[0].get_json()["id"]
    advance(client, people["school_admin@own"], planned, upload, "planned")
    fresh = report(people["teacher@own"], description="楼梯扶手松动", place="教学楼二楼")[0]
    return planned, fresh.get_json()["id"]


def test_ledger_xlsx_rows_match_the_hazards(client, people, report, upload, export, download):
    planned, fresh = _two_hazards(client, people, report, upload)
    school = unit_by_code("YQ101")
    job = export(people["school_admin@own"], "hazard_ledger", "xlsx", school.id).get_json()
    assert job["status"] == "queued" and job["contains_personal_data"] is True
    done = client.get(f"/api/v1/exports/{job['id']}", headers=people["school_admin@own"])
    expected = db.session.scalars(
        select(Hazard.id).where(Hazard.school_id == school.id).order_by(Hazard.id)
    ).all()
    assert done.get_json()["status"] == "done"
    assert done.get_json()["progress"] == 100
    assert done.get_json()["rows"] == len(expected)

    response = download(people["school_admin@own"], job["id"])
    assert response.content_type.startswith("application/vnd.openxmlformats")
    disposition = response.headers["Content-Disposition"]
    assert "filename*=UTF-8''" in disposition and "%E9%9A%90%E6%82%A3" in disposition  # 隐患
    sheet = sheet_of(response.data)
    rows = list(sheet.iter_rows(values_only=True))
    assert list(rows[0]) == HEADERS
    by_id = {row[0]: dict(zip(HEADERS, row, strict=True)) for row in rows[1:]}
    assert sorted(by_id) == expected

    hazard = db.session.get(Hazard, planned)
    row = by_id[planned]
    assert row["学校"] == "符离中心小学"
    assert row["上级单位"] == school.parent.name
    assert row["重点问题"] == hazard.focus_problem.name
    assert row["领域"] == hazard.focus_problem.area.name
    assert row["隐患描述"] == "配电箱门损坏,电线裸露"
    assert row["严重程度"] == "一般隐患" and row["状态"] == "待整改"
    assert row["发现时间"] == hazard.reported_at.astimezone(CHINA_TZ).replace(
        tzinfo=None, microsecond=row["发现时间"].microsecond
    )
    assert row["整改责任人"] == "刘副校长(安全负责人)"  # the school admin, named by advance()
    assert row["整改期限"] == datetime.combine(
        date.fromisoformat(PLAN["deadline"]), datetime.min.time()
    )
    assert row["资金(元)"] == float(Decimal(PLAN["funds_yuan"]))
    assert row["整改措施"] == PLAN["measures"] and row["应急预案"] == PLAN["contingency"]
    assert row["是否逾期"] == "否" and row["整改完成时间"] is None and row["验收时间"] is None
    today = local_today().strftime("%m-%d")
    assert row["历史摘要"].startswith(f"{today} 上报 ")
    assert f"; {today} 制定方案 " in row["历史摘要"]
    assert by_id[fresh]["位置"] == "教学楼二楼" and by_id[fresh]["状态"] == "待制定方案"

    # Dates are date cells with a number format, not text.
    index = {h: i + 1 for i, h in enumerate(HEADERS)}
    planned_row = next(r for r in range(2, sheet.max_row + 1) if sheet.cell(r, 1).value == planned)
    for header in ("发现时间", "整改期限"):
        cell = sheet.cell(planned_row, index[header])
        assert cell.is_date and "yy" in cell.number_format
    assert sheet.cell(planned_row, index["资金(元)"]).data_type == "n"
    # Printable: frozen header, repeated on every page, landscape A4 fitted to width.
    assert sheet.freeze_panes == "A2"
    assert sheet.print_title_rows == "$1:$1"
    assert sheet.page_setup.orientation == "landscape" and sheet.page_setup.paperSize == 9
    assert sheet.sheet_properties.pageSetUpPr.fitToPage and sheet.page_setup.fitToWidth == 1
    assert "符离中心小学 隐患台账" in sheet.oddHeader.center.text
    for letter in "ABCDEFGHIJKLMNOPQRST":
        assert sheet.column_dimensions[letter].width > 0
    # CJK characters count double: the description column is wider than its text's length.
    assert sheet.column_dimensions["F"].width >= 2 * len("配电箱门损坏,电线裸露")


def test_ledger_csv(client, people, report, upload, export, download):
    planned, fresh = _two_hazards(client, people, report, upload)
    school = unit_by_code("YQ101")
    job = export(people["supervisor@above"], "hazard_ledger", "csv", school.id).get_json()
    response = download(people["supervisor@above"], job["id"])
    assert response.content_type == "text/csv; charset=utf-8"
    rows = csv_rows(response.data)
    assert rows[0] == HEADERS
    by_id = {int(r[0]): dict(zip(HEADERS, r, strict=True)) for r in rows[1:]}
    assert {planned, fresh} <= set(by_id)
    assert by_id[planned]["整改期限"] == PLAN["deadline"]
    assert by_id[planned]["资金(元)"] == "1200.50"
    assert by_id[fresh]["隐患描述"] == "楼梯扶手松动"


def test_the_period_bounds_the_ledger(client, people, report, upload, export, download):
    report(people["teacher@own"])
    school = unit_by_code("YQ101")
    job = export(
        people["school_admin@own"],
        "hazard_ledger",
        "csv",
        school.id,
        **{"from": "2020-01-01", "to": "2020-12-31"},
    ).get_json()
    rows = csv_rows(download(people["school_admin@own"], job["id"]).data)
    assert rows == [HEADERS]


def test_the_ledger_says_which_reports_came_with_an_old_photo(
    client, people, report, upload, export, download
):
    teacher = people["teacher@own"]
    # DSCN0010.jpg's camera time is in 2008: accepted, flagged as an old photo.
    old = upload(teacher, GPS_PHOTO.read_bytes(), name="DSCN0010.jpg")
    flagged = report(teacher, photo_ids=[old["id"]])[0].get_json()["id"]
    fresh = report(teacher)[0].get_json()["id"]
    school = unit_by_code("YQ101")
    for fmt in ("xlsx", "csv"):
        job = export(people["school_admin@own"], "hazard_ledger", fmt, school.id).get_json()
        data = download(people["school_admin@own"], job["id"]).data
        rows = list(sheet_of(data).iter_rows(values_only=True)) if fmt == "xlsx" else csv_rows(data)
        assert list(rows[0]) == HEADERS and "旧照片" in HEADERS
        by_id = {int(r[0]): dict(zip(HEADERS, r, strict=True)) for r in rows[1:]}
        assert by_id[flagged]["旧照片"] == "是" and by_id[fresh]["旧照片"] == "否", fmt
