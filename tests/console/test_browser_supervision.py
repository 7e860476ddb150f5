"""Supervision in a real browser (Debian's headless Chromium via Playwright, as
``test_browser.py``): a bureau officer logs in by scanning, drills down the overview from the
district to a center school to a school and on to its overdue hazard, looks at the patrols,
water, buses and notices pages, and records a visit through the form and sees it listed.
Screenshots go to ``var/screenshots/console/``."""

from __future__ import annotations

import re

from tests.console.conftest import confirm, days_ago, pass_media_checks, shot
from tests.console.supervision import build, period
from tests.hazards.conftest import unit_by_code


def test_an_officer_drills_down_and_records_a_visit(
    demo, client, people, hazard_at, live_url, page
):
    late = hazard_at(planned_until=days_ago(4))
    hazard_at(description="教学楼楼梯扶手松动", focus_problem="food.rules")
    made = build()
    pass_media_checks()
    center, school = unit_by_code("YQ100").id, made["school"].id

    page.goto(live_url + "/console/login")
    code = page.get_attribute("#login", "data-code")
    assert confirm(client, people["bureau_admin@above"], code).status_code == 200
    page.wait_for_url(live_url + "/console/")
    page.wait_for_selector('[data-chart="area"][data-drawn="true"] canvas')
    assert page.text_content("[data-total]") == "2"

    page.click(f'[data-child-id="{center}"] [data-drill]')
    page.wait_for_url(f"**/console/?unit_id={center}*")
    page.wait_for_selector('[data-chart="status"][data-drawn="true"] canvas')
    assert page.text_content("[data-unit-name]") == "符离中心校"
    shot(page, "dashboard-drill")
    page.click(f'[data-child-id="{school}"] [data-drill]')
    page.wait_for_url(f"**/console/?unit_id={school}*")
    assert page.text_content("[data-overdue]") == "1"
    page.click("[data-overdue-link]")
    page.wait_for_url("**/console/hazards?*overdue=true*")
    rows = page.locator("[data-ledger] tbody tr[data-hazard-id]")
    assert rows.count() == 1 and rows.first.get_attribute("data-hazard-id") == str(late)
    rows.first.locator("a").click()
    page.wait_for_url(f"**/console/hazards/{late}")

    first, last = period()
    dates = f"from={first}&to={last}"
    page.goto(f"{live_url}/console/patrols?unit_id={school}&{dates}")
    assert page.locator('[data-slots] tr[data-state="missed"]').count() >= 2
    shot(page, "patrols")
    page.goto(f"{live_url}/console/water?unit_id={school}&{dates}")
    assert page.locator("[data-missed-windows] tr[data-slot-id]").count() == 1
    shot(page, "water")
    page.goto(f"{live_url}/console/buses?unit_id={school}&{dates}")
    assert page.locator('[data-slots] tr[data-state="failed"]').count() == 1
    shot(page, "buses")
    page.click("text=通知")
    page.wait_for_url("**/console/notices")
    assert page.locator(f'[data-notice-id="{made["notice"].id}"]').is_visible()
    shot(page, "notices")

    page.click("text=督导检查")
    page.wait_for_url("**/console/visits")
    page.click("[data-new-visit]")
    page.wait_for_url("**/console/visits/new")
    page.select_option("select[name=unit_id]", label="符离中心校")
    page.fill("input[name=title]", "冬季消防安全专项检查")
    page.check("input[name=announced][value=false]")
    page.fill("input[name=team-0-name]", "陈校长")
    page.fill("input[name=team-0-organisation]", "教育局")
    page.fill("input[name=team-0-role]", "组长")
    page.fill("input[name=team-1-name]", "赵队长")
    page.fill("input[name=team-1-organisation]", "消防")
    page.check(f"input[name=school_ids][value='{school}']")
    page.fill("textarea[name=what_checked]", "消防通道、灭火器、电气线路")
    page.fill("textarea[name=report]", "消防通道畅通，个别灭火器过期。")
    shot(page, "visit-new")
    page.click("[data-save]")
    page.wait_for_url(re.compile(r".*/console/visits/\d+$"))
    assert page.text_content("[data-visit-title]").startswith("冬季消防安全专项检查")
    assert "赵队长" in page.text_content("[data-team]")
    shot(page, "visit")
    visit_id = page.url.rsplit("/", 1)[1]
    page.click("text=← 督导检查")
    page.wait_for_url("**/console/visits")
    assert page.locator(f'[data-visit-id="{visit_id}"]').is_visible()
    shot(page, "visits")
