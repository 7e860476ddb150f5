"""The year-end evaluation in a real browser (Debian's headless Chromium through Playwright): a
bureau officer logs in by scanning, opens 年终考评, sees the ranking, opens a school, follows a
lost-points line to its evidence, and downloads the ranking as Excel, whose rows match the page.
Screenshots "evaluation" and "evaluation-school" go to ``var/screenshots/console/``."""

from __future__ import annotations

import openpyxl

from tests.console.conftest import confirm, shot
from tests.evaluation.scenario import YEAR, build


def test_an_officer_ranks_the_schools_and_downloads_the_ranking(
    demo, client, people, live_url, page
):
    known = build()
    page.goto(live_url + "/console/login")
    code = page.get_attribute("#login", "data-code")
    assert confirm(client, people["bureau_admin@above"], code).status_code == 200
    page.wait_for_url(live_url + "/console/")

    page.click("nav >> text=年终考评")
    page.wait_for_url("**/console/evaluation")
    if int(page.locator("select[name=year]").input_value()) != YEAR:
        page.select_option("select[name=year]", str(YEAR))
        page.click("[data-apply]")
        page.wait_for_url(f"**/console/evaluation?*year={YEAR}*")
    rows = page.locator("[data-ranking] tbody tr[data-school-id]")
    assert rows.count() == 5
    shown = [
        (
            rows.nth(i).locator("[data-rank]").text_content().strip(),
            rows.nth(i).locator("[data-school]").text_content().strip(),
            rows.nth(i).locator("[data-score]").text_content().strip(),
        )
        for i in range(rows.count())
    ]
    assert [rank for rank, _, _ in shown] == ["1", "2", "2", "2", "5"]
    assert shown[0][1:] == ("栏杆中心小学", "96.67") and shown[-1][1:] == ("符离中心小学", "71.50")
    shot(page, "evaluation")

    page.click("[data-school] >> text=符离中心小学")
    page.wait_for_url("**/console/evaluation/schools/*")
    assert page.text_content("[data-total]") == "71.50"
    assert page.locator("#item-records").is_visible()
    shot(page, "evaluation-school")

    late = page.locator(
        f'[data-criterion="rectification"] a[href="/console/hazards/{known["late"]}"]'
    )
    assert "超期3天完成整改" in late.text_content()
    late.click()
    page.wait_for_url(f"**/console/hazards/{known['late']}")
    assert "教学楼楼梯扶手松动" in page.text_content("[data-description]")

    page.go_back()
    page.click("text=← 年终考评")
    page.wait_for_url("**/console/evaluation?*")
    with page.expect_download() as caught:
        page.click("[data-export]")
    download = caught.value
    assert download.suggested_filename.endswith(".xlsx")
    with open(download.path(), "rb") as file:
        sheet = openpyxl.load_workbook(file).worksheets[0]
    exported = [
        (str(row[0]), row[2], f"{row[4]:.2f}")
        for row in list(sheet.iter_rows(values_only=True))[1:]
    ]
    assert exported == shown
