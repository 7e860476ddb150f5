"""The patrols, water and buses pages: their figures equal the API's for the same unit and
period, a school's slots are listed (only the missed ones with ``missed=true``), scope and bad
queries answer as pages, and each list reads in a bounded number of statements."""

from __future__ import annotations

import re

from server.extensions import db
from server.models import utcnow
from server.services import patrol_compliance, slot_list
from tests.console.conftest import days_ago
from tests.console.supervision import build, period, user
from tests.console.test_pages_dashboard import pct, shown
from tests.figures.data import add_plan, add_round, add_slot
from tests.hazards.conftest import unit_by_code
from tests.support.statements import counted


def slot_ids(html: str) -> list[int]:
    """The slots a page lists, in order."""
    return [int(found) for found in re.findall(r'data-slot-id="(\d+)"', html)]


def test_patrol_compliance_equals_the_api(demo, people, client, browser_as):
    made = build()
    first, last = period()
    headers = people["bureau_admin@above"]
    browser = browser_as(headers)
    for code in ("YQ000", "YQ101"):
        unit_id = unit_by_code(code).id
        query = f"unit_id={unit_id}&from={first}&to={last}"
        api = client.get(f"/api/v1/figures?{query}", headers=headers).get_json()
        patrols = api["totals"]["patrols"]
        html = browser.get(f"/console/patrols?{query}").get_data(as_text=True)
        assert shown(html, "data-due") == str(patrols["due"]) == "4"
        assert shown(html, "data-done") == str(patrols["done"])
        assert shown(html, "data-missed") == str(patrols["missed"]) == "2"
        assert shown(html, "data-rate") == pct(patrols["rate"])
    school = made["school"].id
    html = browser.get(f"/console/patrols?unit_id={school}&from={first}&to={last}")
    assert sorted(slot_ids(html.get_data(as_text=True))) == sorted(made["missed"] + made["done"])
    missed = browser.get(f"/console/patrols?unit_id={school}&from={first}&to={last}&missed=true")
    text = missed.get_data(as_text=True)
    assert sorted(slot_ids(text)) == sorted(made["missed"])
    assert set(re.findall(r'data-state="(\w+)"', text)) == {"missed"}
    assert "漏巡" in text and "检查点" in text
    # The district's page lists the missed slots too, with their school.
    district = browser.get(f"/console/patrols?from={first}&to={last}&missed=true")
    assert sorted(slot_ids(district.get_data(as_text=True))) == sorted(made["missed"])


def test_compliance_of_one_kind_of_plan(demo, people):
    build()
    first, last = period()
    officer = user("demo-bureau_admin")
    school = unit_by_code("YQ101").id

    def totals(**kind):
        """The compliance totals of the school, of every kind or one."""
        found = patrol_compliance.compliance(
            officer, school, first, last, "school", utcnow(), **kind
        )
        return found["totals"]

    every, by_hand = totals(), totals(only_kind=None)
    water, bus = totals(only_kind="water"), totals(only_kind="bus")
    assert (by_hand["due"], by_hand["missed"], water["due"], water["missed"]) == (4, 2, 2, 1)
    assert bus["missed"] == 1
    for name in ("due", "done_on_time", "done_late", "missed"):
        assert every[name] == by_hand[name] + water[name] + bus[name], name


def test_slot_list_states_and_kinds(demo, people):
    made = build()
    first, last = period()
    officer = user("demo-bureau_admin")
    school = made["school"].id
    buses = slot_list.slots(officer, school, first, last, utcnow(), kind="bus")
    states = {row["id"]: row["state"] for row in buses["rows"]}
    assert states[made["bus"]["failed"]] == "failed"
    assert states[made["bus"]["cleared"]] == "cleared"
    assert states[made["bus"]["missed"]] == "missed"
    patrols = slot_list.slots(officer, school, first, last, utcnow(), kind=None, missed_only=True)
    assert sorted(row["id"] for row in patrols["rows"]) == sorted(made["missed"])
    done = {
        row["id"]: row for row in slot_list.slots(officer, school, first, last, utcnow())["rows"]
    }
    first_done = done[made["done"][0]]
    assert first_done["state"] == "cleared" and first_done["patrol"]["scanned_at"] is not None
    assert done[made["done"][1]]["state"] == "late"


def test_water_equals_the_coverage_api(demo, people, client, browser_as):
    made = build()
    first, last = period()
    headers = people["bureau_admin@above"]
    browser = browser_as(headers)
    for code in ("YQ000", "YQ101"):
        unit_id = unit_by_code(code).id
        api = client.get(
            f"/api/v1/water-points/coverage?unit_id={unit_id}&from={first}&to={last}",
            headers=headers,
        ).get_json()
        html = browser.get(f"/console/water?unit_id={unit_id}&from={first}&to={last}")
        assert html.status_code == 200
        html = html.get_data(as_text=True)
        totals = api["totals"]
        assert shown(html, "data-due") == str(totals["due"]) == "2"
        assert shown(html, "data-missed") == str(totals["missed"]) == "1"
        assert shown(html, "data-rate") == pct(totals["rate"])
        assert [m["slot_id"] for m in api["missed"]] == slot_ids(
            html.split("data-missed-windows", 1)[1]
        )
    assert f'data-point-id="{made["water"]["point"]}"' in html


def test_buses_equal_the_figures_api(demo, people, client, browser_as):
    made = build()
    first, last = period()
    headers = people["bureau_admin@above"]
    browser = browser_as(headers)
    for code in ("YQ000", "YQ101"):
        unit_id = unit_by_code(code).id
        query = f"unit_id={unit_id}&from={first}&to={last}"
        api = client.get(f"/api/v1/figures?{query}", headers=headers).get_json()
        buses = api["totals"]["buses"]
        html = browser.get(f"/console/buses?{query}").get_data(as_text=True)
        assert shown(html, "data-trips-due") == str(buses["trips_due"])
        assert shown(html, "data-cleared") == str(buses["cleared"])
        assert shown(html, "data-failed") == str(buses["failed"]) == "1"
        assert shown(html, "data-missed") == str(buses["missed"])
        assert shown(html, "data-rate") == pct(buses["rate"])
        assert "data-bus-id=" in html
    for state in ("failed", "cleared", "missed"):
        assert f'data-slot-id="{made["bus"][state]}" data-state="{state}"' in html


def test_scope_and_bad_queries_on_the_slot_pages(demo, people, browser_as):
    school = unit_by_code("YQ101").id
    sibling = browser_as(people["school_admin@sibling"])
    teacher = browser_as(people["teacher@own"])
    bureau = browser_as(people["bureau_admin@above"])
    for page in ("patrols", "water", "buses"):
        assert sibling.get(f"/console/{page}?unit_id={school}").status_code == 404, page
        assert teacher.get(f"/console/{page}?unit_id={school}").status_code == 403, page
        assert teacher.get(f"/console/{page}").status_code == 403, page
        for query in ("missed=maybe", "from=x", "unit_id=-1", "from=2026-02-30"):
            assert bureau.get(f"/console/{page}?{query}").status_code == 422, (page, query)
        assert bureau.get(f"/console/{page}").status_code == 200


def test_the_slot_pages_read_a_bounded_number_of_statements(demo, people, browser_as):
    build()
    first, last = period()
    school = unit_by_code("YQ101").id
    browser = browser_as(people["bureau_admin@above"])
    urls = [
        f"/console/{page}?unit_id={school}&from={first}&to={last}"
        for page in ("patrols", "water", "buses")
    ]
    with counted() as few:
        for url in urls:
            browser.get(url)
    # More slots, done by other people, at a new checkpoint: the same statements.
    plan, checkpoint = add_plan("YQ101", None, user("demo-teacher"))
    for days in (8, 9, 10):
        add_round(
            add_slot(plan, checkpoint, days_ago(days).isoformat(), "done"), plan.assignee, False
        )
    db.session.commit()
    with counted() as many:
        for url in urls:
            assert browser.get(url).status_code == 200
    assert len(many) == len(few)
