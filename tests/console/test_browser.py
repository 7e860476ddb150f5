"""The console in a real browser: Debian's headless Chromium driven by Playwright against the
app served on a loopback port. A bureau officer logs in by scanning (the phone's confirmation
goes through the API), sees the dashboard's charts drawn, filters the ledger down to one school's
overdue hazard, opens it with its photo, and logs out. Screenshots of each main page go to
``var/screenshots/console/``.

Chromium comes from Debian (``scripts/test.sh`` installs it); never a downloaded browser build.
Without it the test is skipped, saying so.
"""

from __future__ import annotations

from sqlalchemy import update

from server.extensions import db
from server.models import ConsoleLogin, utcnow
from server.services.escalation import escalate_overdue
from tests.console.conftest import confirm, days_ago, pass_media_checks, shot
from tests.hazards.conftest import unit_by_code


def test_an_officer_drills_down_to_an_overdue_hazard(
    demo, client, people, hazard_at, live_url, page
):
    late = hazard_at(planned_until=days_ago(4))
    hazard_at(description="教学楼楼梯扶手松动", focus_problem="food.rules")
    hazard_at("school_admin@sibling", school_id=unit_by_code("YQ102").id)
    pass_media_checks()
    assert escalate_overdue() == 1  # four days late: raised to the center school

    page.goto(live_url + "/console/login")
    code = page.get_attribute("#login", "data-code")
    assert page.locator("[data-qr] svg").is_visible()
    shot(page, "login")
    assert confirm(client, people["bureau_admin@above"], code).status_code == 200
    page.wait_for_url(live_url + "/console/")

    # The charts are drawn on canvases, with something on them.
    page.wait_for_selector('[data-chart="status"][data-drawn="true"] canvas')
    painted = page.evaluate(
        """() => Array.from(document.querySelectorAll('[data-chart] canvas')).map(c => {
              const d = c.getContext('2d').getImageData(0, 0, c.width, c.height).data;
              let ink = 0;
              for (let i = 3; i < d.length; i += 4) if (d[i] > 0) ink++;
              return ink; })"""
    )
    assert len(painted) == 2 and all(ink > 500 for ink in painted), painted
    assert page.text_content("[data-user-name]") == "王主任(区安全办)"
    assert page.text_content("[data-total]") == "3"
    shot(page, "dashboard")

    page.click("text=隐患台账")
    page.wait_for_url("**/console/hazards")
    assert page.locator("[data-ledger] tbody tr[data-hazard-id]").count() == 3
    page.select_option("select[name=school_id]", label="符离中心小学")
    page.check("input[name=overdue]")
    page.click("[data-apply]")
    page.wait_for_url("**/console/hazards?*overdue=true*")
    rows = page.locator("[data-ledger] tbody tr[data-hazard-id]")
    assert rows.count() == 1 and rows.first.get_attribute("data-hazard-id") == str(late)
    shot(page, "ledger")

    rows.first.locator("a").click()
    page.wait_for_url(f"**/console/hazards/{late}")
    photo = page.locator("img[data-photo]").first
    photo.wait_for()
    page.wait_for_function(
        "() => Array.from(document.querySelectorAll('img[data-photo]'))"
        ".every(i => i.complete && i.naturalWidth > 0)"
    )
    assert "刘副校长(安全负责人)" in page.text_content("[data-plan]")  # named by plan_for
    assert "上报了隐患" in page.text_content("[data-history]")
    shot(page, "hazard")

    page.click("text=逾期与升级")
    page.wait_for_url("**/console/overdue")
    assert page.locator("[data-overdue] tbody tr[data-hazard-id]").count() == 1
    assert "中心校/集团校" in page.text_content("[data-overdue]")
    shot(page, "overdue")

    page.click("[data-logout]")
    page.wait_for_url("**/console/login")
    page.goto(live_url + "/console/hazards")
    assert page.url.endswith("/console/login")


def test_an_expired_code_offers_a_new_one(demo, live_url, page, app):
    page.goto(live_url + "/console/login")
    code = page.get_attribute("#login", "data-code")
    db.session.execute(
        update(ConsoleLogin).where(ConsoleLogin.code == code).values(expires_at=utcnow())
    )
    db.session.commit()
    page.wait_for_selector("[data-refresh]", state="visible")
    assert "过期" in page.text_content("[data-state]")
    shot(page, "login-expired")
    page.click("[data-refresh]")
    page.wait_for_function(f"() => document.querySelector('#login').dataset.code !== '{code}'")
