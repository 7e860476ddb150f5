"""The overview on the figures: its numbers equal ``GET /api/v1/figures`` for the same unit and
period, its children drill down (a school to its ledger and overdue hazards), it answers 404 out
of scope, 403 without figures.view and 422 for a query that does not parse, and every evidence
link of the year-end evaluation opens."""

from __future__ import annotations

import re

from tests.console.conftest import days_ago
from tests.console.supervision import build, period
from tests.hazards.conftest import unit_by_code


def shown(html: str, marker: str) -> str:
    """The text of the element carrying ``marker`` (an attribute)."""
    found = re.search(rf"{marker}[^>]*>([^<]*)<", html)
    assert found, marker
    return found.group(1)


def pct(rate) -> str:
    """A rate as the page writes it."""
    return "—" if rate is None else f"{rate * 100:.1f}%"


def test_the_dashboard_equals_the_figures_api(demo, people, client, browser_as, hazard_at):
    hazard_at(planned_until=days_ago(3))
    hazard_at()
    hazard_at("school_admin@sibling", school_id=unit_by_code("YQ102").id)
    build()
    first, last = period()
    headers = people["bureau_admin@above"]
    browser = browser_as(headers)
    for code in ("YQ000", "YQ100", "YQ101"):
        unit_id = unit_by_code(code).id
        query = f"unit_id={unit_id}&from={first}&to={last}"
        api = client.get(f"/api/v1/figures?{query}", headers=headers).get_json()
        page = browser.get(f"/console/?{query}")
        assert page.status_code == 200
        html = page.get_data(as_text=True)
        totals = api["totals"]
        assert shown(html, "data-total") == str(totals["found"])
        assert shown(html, "data-overdue") == str(totals["overdue"])
        assert shown(html, "data-fixed") == str(totals["fixed"])
        assert shown(html, "data-open") == str(totals["open"])
        assert shown(html, "data-funds") == totals["funds_planned"]
        for part in ("patrols", "water", "buses", "notices"):
            assert shown(html, f'data-rate="{part}"') == pct(totals[part]["rate"]), (code, part)
        for child in api["children"]:
            row = re.search(
                rf'data-child-id="{child["unit"]["id"]}".*?data-found>(\d+)<', html, re.S
            )
            assert row and int(row.group(1)) == child["found"]
    # The district's figures are not empty: the set reaches every part.
    district = client.get(
        f"/api/v1/figures?unit_id={unit_by_code('YQ000').id}&from={first}&to={last}",
        headers=headers,
    ).get_json()["totals"]
    assert district["found"] == 3 and district["overdue"] == 1
    assert district["patrols"]["missed"] == 2 and district["buses"]["failed"] == 1
    assert district["notices"]["children_targeted"] == 4


def test_children_drill_down_to_a_school_and_its_overdue_hazards(demo, people, browser_as):
    browser = browser_as(people["bureau_admin@above"])
    center, school = unit_by_code("YQ100").id, unit_by_code("YQ101").id
    district = browser.get("/console/").get_data(as_text=True)
    assert f'data-child-id="{center}"' in district
    assert re.search(rf'href="/console/\?unit_id={center}[^"]*" data-drill', district)
    center_page = browser.get(f"/console/?unit_id={center}").get_data(as_text=True)
    assert f'href="/console/hazards?school_id={school}" data-ledger-link' in center_page
    assert f"/console/hazards?school_id={school}&amp;overdue=true" in center_page
    assert "data-up" in center_page  # the way back to the district
    school_page = browser.get(f"/console/?unit_id={school}").get_data(as_text=True)
    assert "data-children" not in school_page and "本校逾期隐患" in school_page


def test_the_unit_picker_lists_the_top_units(demo, people, browser_as):
    bureau = unit_by_code("YQ000")
    html = browser_as(people["bureau_admin@above"]).get("/console/").get_data(as_text=True)
    picker = re.search(r'<select name="unit_id" data-unit-picker>(.*?)</select>', html, re.S)
    assert re.search(rf'value="{bureau.id}" selected>{bureau.name}<', picker.group(1))
    # A drilled-down unit is shown as the current choice beside the top units.
    center = unit_by_code("YQ100")
    html = browser_as(people["bureau_admin@above"]).get(f"/console/?unit_id={center.id}")
    picker = re.search(r"data-unit-picker>(.*?)</select>", html.get_data(as_text=True), re.S)
    assert re.search(rf'value="{center.id}" selected>{center.name}<', picker.group(1))


def test_scope_and_bad_queries_are_pages_not_failures(demo, people, browser_as):
    sibling = browser_as(people["school_admin@sibling"])
    school = unit_by_code("YQ101").id
    page = sibling.get(f"/console/?unit_id={school}")
    assert page.status_code == 404 and "未找到" in page.get_data(as_text=True)
    teacher = browser_as(people["teacher@own"])
    assert teacher.get("/console/").status_code == 403
    assert teacher.get(f"/console/?unit_id={school}").status_code == 403
    bureau = browser_as(people["bureau_admin@above"])
    for query in (
        "from=2026-13-01",
        "unit_id=abc",
        "unit_id=99999999999",
        "to=1899-01-01",
        f"from={days_ago(1)}&to={days_ago(2)}",
        f"from={days_ago(500)}&to={days_ago(0)}",
    ):
        response = bureau.get(f"/console/?{query}")
        assert response.status_code == 422, query
        assert "输入有误" in response.get_data(as_text=True)
    assert bureau.get("/console/?unit_id=2147483647").status_code == 404


def test_the_evaluation_evidence_links_open(demo, people, browser_as, hazard_at):
    hazard_id = hazard_at(planned_until=days_ago(3))
    made = build()
    first, last = period()
    school = made["school"].id
    browser = browser_as(people["bureau_admin@above"])
    dates = f"from={first}&to={last}"
    for url in (
        f"/console/hazards/{hazard_id}",
        f"/console/patrols?unit_id={school}&{dates}&missed=true",
        f"/console/water?unit_id={school}&{dates}",
        f"/console/buses?unit_id={school}&{dates}",
        f"/console/notices/{made['notice'].id}?unit_id={school}",
    ):
        assert browser.get(url).status_code == 200, url
