"""The bureau's administrative pages in a real browser (Debian's Chromium via Playwright): an
officer logs in by scanning, asks for the hazard ledger as Excel, downloads it and reads its
rows, sees the export log, the people, an invitation's QR code, an import's problems, and the
map drawn without tiles. Screenshots go to ``var/screenshots/console/``."""

from __future__ import annotations

import io

import openpyxl
from sqlalchemy import select

from server.extensions import db
from server.models import ExportJob, Hazard
from server.services.demo_water import seed_water_points
from tests.console.conftest import confirm, days_ago, pass_media_checks, shot
from tests.console.test_pages_imports import UNIT_HEADER, csv_bytes
from tests.hazards.conftest import unit_by_code

LEDGER_ID, LEDGER_DESCRIPTION = "编号", "隐患描述"


def log_in(page, live_url, client, headers) -> None:
    """The QR login: the page shows a code, the phone confirms it, the page goes on."""
    page.goto(live_url + "/console/login")
    code = page.get_attribute("#login", "data-code")
    assert confirm(client, headers, code).status_code == 200
    page.wait_for_url(live_url + "/console/")


def check_download(page, app, job_id: int, expected: dict[int, str]) -> None:
    """Download the export through the console and check its rows: one per hazard, with the
    hazards' ids and descriptions."""
    link = page.locator(f'tr[data-job-id="{job_id}"] [data-download]')
    assert link.get_attribute("href") == f"/console/exports/{job_id}/file"
    with page.expect_download() as info:
        link.click()
    download = info.value
    assert download.suggested_filename.endswith(".xlsx")
    with open(download.path(), "rb") as handle:
        sheet = openpyxl.load_workbook(io.BytesIO(handle.read())).worksheets[0]
    rows = list(sheet.iter_rows(values_only=True))
    header = list(rows[0])
    by_id = {
        row[header.index(LEDGER_ID)]: row[header.index(LEDGER_DESCRIPTION)] for row in rows[1:]
    }
    assert by_id == expected


def test_an_officer_exports_the_ledger_and_administers(
    app, demo, client, people, hazard_at, live_url, page
):
    late = hazard_at(planned_until=days_ago(3))
    major = hazard_at(severity="major", description="围墙开裂倾斜,有倒塌危险")
    hazard_at(description="教学楼楼梯扶手松动", focus_problem="food.rules")
    seed_water_points(unit_by_code("YQ101"))
    db.session.commit()
    pass_media_checks()
    school = unit_by_code("YQ101")
    expected = dict(
        db.session.execute(
            select(Hazard.id, Hazard.description).where(Hazard.school_id == school.id)
        ).all()
    )
    assert len(expected) == 3 and {late, major} < set(expected)
    log_in(page, live_url, client, people["bureau_admin@above"])

    # Exports: the hazard ledger of the school as Excel, built at once (JOBS_IMMEDIATE).
    page.click("nav.nav >> text=导出")
    page.wait_for_url("**/console/exports")
    page.select_option("select[name=kind]", "hazard_ledger")
    page.select_option("select[name=format]", "xlsx")
    page.select_option("select[name=unit_id]", label="符离中心小学")
    page.click("[data-export]")
    page.wait_for_url("**/console/exports?created=*")
    job = db.session.scalars(select(ExportJob)).one()
    row = page.locator(f'tr[data-job-id="{job.id}"]')
    assert row.get_attribute("data-status") == "done"
    assert "已完成" in row.text_content() and "含个人信息" in row.text_content()
    assert page.locator("meta[http-equiv=refresh]").count() == 0
    shot(page, "exports")
    check_download(page, app, job.id, expected)

    # The export log names who exported what.
    page.click("[data-log-link]")
    page.wait_for_url("**/console/exports/log")
    entry = page.locator(f'[data-export-log] tr[data-job-id="{job.id}"]')
    assert "王主任(区安全办)" in entry.text_content() and "隐患台账" in entry.text_content()
    assert entry.locator("[data-personal]").count() == 1
    shot(page, "export-log")

    # People: the district's staff, and their roles.
    page.click("nav.nav >> text=人员")
    page.wait_for_url("**/console/people")
    assert page.locator("[data-staff] tr[data-user-id]").count() >= 10
    assert "孙老师(值周巡查)" in page.text_content("[data-staff]")
    shot(page, "people")

    # Invitations: one for the school's teachers, shown as a QR code.
    page.click("[data-tabs] >> text=邀请码")
    page.wait_for_url("**/console/invitations")
    page.goto(live_url + f"/console/invitations?unit_id={school.id}")
    page.select_option("select[name=role]", "teacher")
    page.fill("input[name=max_uses]", "30")
    page.click("[data-invite]")
    page.wait_for_url("**/console/invitations?*created=*")
    page.wait_for_function(
        "() => { const i = document.querySelector('img[data-qr-img]');"
        " return i && i.complete && i.naturalWidth > 0; }"
    )
    assert page.locator("[data-invitations] tr[data-invitation-id]").count() == 1
    shot(page, "invitations")

    # Imports: a file with mistakes lists each by line and column; nothing is imported.
    page.click("[data-tabs] >> text=表格导入")
    page.wait_for_url("**/console/imports")
    bad = csv_bytes(
        [
            UNIT_HEADER,
            ["YQ400", "桃园中心校", "中心校", "公办", "YQ000", "", ""],
            ["YQ401", "桃园中心小学", "大学", "公办", "YQ400", "", ""],
            ["YQ402", "桃园二小", "学校", "公办", "YQ999", "", ""],
        ]
    )
    form = page.locator('[data-import="units"]')
    form.locator("input[type=file]").set_input_files(
        {"name": "单位.csv", "mimeType": "text/csv", "buffer": bad}
    )
    form.locator("button[type=submit]").click()
    page.wait_for_selector("[data-problems]")
    lines = page.locator("[data-problems] tr[data-problem]")
    assert [lines.nth(i).get_attribute("data-line") for i in range(lines.count())] == ["3", "4"]
    assert "找不到上级单位 YQ999" in page.text_content("[data-problems]")
    shot(page, "imports")

    # The map: no tiles configured, the layers drawn on a plain background.
    page.click("nav.nav >> text=地图")
    page.wait_for_url("**/console/map")
    page.wait_for_selector("[data-map][data-drawn=true]")
    assert page.locator(".leaflet-tile").count() == 0
    assert page.locator("path.map-hazard").count() == 3
    assert page.locator("path.map-checkpoint").count() == 3  # 食堂, 教学楼, 东大门
    assert page.locator("path.map-water").count() == 2  # a river's line, a pond's polygon
    assert page.locator("path.map-campus").count() >= 2  # 符离中心小学 and the kindergarten
    shot(page, "map-district")
    # One school's map, closer: its campus, water points, checkpoints and hazards.
    page.select_option("[data-map-unit]", label="符离中心小学")
    page.click("[data-map-show]")
    page.wait_for_url(f"**/console/map?unit_id={school.id}")
    page.wait_for_selector("[data-map][data-drawn=true]")
    assert page.locator("path.map-campus").count() == 1
    assert page.locator("path.map-hazard").count() == 3
    page.locator("path.map-hazard").first.click(force=True)
    popup = page.locator(".leaflet-popup-content")
    popup.wait_for()
    assert "围墙开裂倾斜" in popup.text_content()  # the major one is drawn on top
    assert popup.locator("a").get_attribute("href") == f"/console/hazards/{major}"
    shot(page, "map")
