"""The visits pages: a visit recorded through the form (CSRF checked, refused fields named in
Chinese), shown with its team, schools, findings (each to its hazard) and report as the API
has it and listed; the laggard schools with an accountability action recorded from the list;
scope and bad input as pages."""

from __future__ import annotations

import re
import uuid

from server.clock import local_today
from tests.console.conftest import days_ago
from tests.hazards.conftest import CAMPUS, unit_by_code

CSRF_RE = re.compile(r'name="csrf_token" value="([^"]+)"')


def csrf(browser, url: str) -> str:
    """The CSRF token of the form at ``url``."""
    return CSRF_RE.search(browser.get(url).get_data(as_text=True)).group(1)


def visit_form(token: str | None, **changes) -> dict:
    """The new-visit form as a browser sends it."""
    form = {
        "unit_id": str(unit_by_code("YQ100").id),
        "title": "秋季开学安全联合检查",
        "visit_date": local_today().isoformat(),
        "announced": "false",
        "status": "done",
        "team-0-name": "陈校长",
        "team-0-organisation": "教育局",
        "team-0-role": "组长",
        "team-1-name": "李警官",
        "team-1-organisation": "公安",
        "team-1-role": "",
        "school_ids": [str(unit_by_code("YQ101").id)],
        "what_checked": "食堂食品安全、消防设施",
        "report": "总体良好，食堂燃气需整改。",
    }
    if token is not None:
        form["csrf_token"] = token
    form.update(changes)
    return form


def test_a_visit_recorded_through_the_form(demo, people, client, browser_as, upload):
    headers = people["supervisor@above"]
    browser = browser_as(headers)
    page = browser.get("/console/visits/new").get_data(as_text=True)
    school = unit_by_code("YQ101").id
    assert f'name="school_ids" value="{school}"' in page and 'value="公安"' in page
    assert browser.post("/console/visits/new", data=visit_form(None)).status_code == 400
    token = csrf(browser, "/console/visits/new")
    assert browser.post("/console/visits/new", data=visit_form("forged")).status_code == 400
    refused = browser.post(
        "/console/visits/new",
        data=visit_form(token, **{"school_ids": [], "team-0-name": "", "team-1-name": ""}),
    )
    text = refused.get_data(as_text=True)
    assert refused.status_code == 422 and "检查学校（至少选一所）" in text and "检查组成员" in text
    assert "秋季开学安全联合检查" in text  # what was typed is kept
    elsewhere = browser.post(
        "/console/visits/new", data=visit_form(token, school_ids=[str(unit_by_code("YQ201").id)])
    )
    assert elsewhere.status_code == 422
    made = browser.post("/console/visits/new", data=visit_form(token))
    assert made.status_code == 303
    visit_id = int(re.search(r"/console/visits/(\d+)$", made.headers["Location"]).group(1))

    finding = client.post(
        f"/api/v1/visits/{visit_id}/findings",
        headers=headers,
        json={
            "client_uuid": str(uuid.uuid4()),
            "school_id": school,
            "description": "食堂燃气管道老化,未设报警器",
            "severity": "major",
            "photo_ids": [upload(headers)["id"]],
            "lat": CAMPUS["lat"],
            "lng": CAMPUS["lng"],
            "accuracy": 10,
            "coord_system": "gcj02",
        },
    )
    assert finding.status_code == 201, finding.get_json()
    api = client.get(f"/api/v1/visits/{visit_id}", headers=headers).get_json()
    assert api["announced"] is False and api["status"] == "done"
    assert [m["organisation"] for m in api["team"]] == ["教育局", "公安"]
    shown = browser.get(f"/console/visits/{visit_id}")  # the evaluation's evidence link
    assert shown.status_code == 200
    html = shown.get_data(as_text=True)
    for text in ("陈校长", "李警官", "公安", "暗访", "食堂食品安全、消防设施", "总体良好"):
        assert text in html, text
    hazard_id = finding.get_json()["id"]
    assert f'href="/console/hazards/{hazard_id}"' in html
    listed = browser.get("/console/visits").get_data(as_text=True)
    assert f'data-visit-id="{visit_id}"' in listed

    # Scope: another school never sees it; a teacher cannot record visits.
    assert (
        browser_as(people["school_admin@sibling"]).get(f"/console/visits/{visit_id}").status_code
        == 404
    )
    teacher = browser_as(people["teacher@own"])
    assert teacher.get("/console/visits/new").status_code == 403
    assert browser.get("/console/visits/999999").status_code == 404
    assert browser.get("/console/visits/2147483648").status_code == 404


def test_bad_values_in_the_form_are_named_not_failures(demo, people, browser_as):
    browser = browser_as(people["supervisor@above"])
    token = csrf(browser, "/console/visits/new")
    for changes in (
        {"unit_id": "99999999999"},
        {"unit_id": "abc"},
        {"visit_date": "2026-02-30"},
        {"announced": "maybe"},
        {"status": "nope"},
        {"school_ids": ["0"]},
        {"title": "x" * 500},
    ):
        response = browser.post("/console/visits/new", data=visit_form(token, **changes))
        assert response.status_code == 422, changes
        assert "请检查以下内容" in response.get_data(as_text=True)


def test_laggards_and_an_accountability_action(demo, people, client, browser_as, hazard_at):
    for _ in range(3):
        hazard_at(planned_until=days_ago(3))
    headers = people["bureau_admin@above"]
    browser = browser_as(headers)
    school = unit_by_code("YQ101").id
    html = browser.get("/console/visits").get_data(as_text=True)
    api = client.get(
        f"/api/v1/supervision/laggards?unit_id={unit_by_code('YQ000').id}", headers=headers
    ).get_json()
    assert (
        [row["school"]["id"] for row in api["laggards"]]
        == [int(i) for i in re.findall(r'data-laggard-id="(\d+)"', html)]
        == [school]
    )
    token = CSRF_RE.search(html).group(1)
    form = {"unit_id": str(school), "kind": "interview", "reason": "三项隐患逾期未整改"}
    assert browser.post("/console/visits/accountability", data=form).status_code == 400
    for bad in ({"kind": "fine"}, {"reason": ""}, {"unit_id": "99999999999"}, {"unit_id": "x"}):
        response = browser.post(
            "/console/visits/accountability", data={**form, **bad, "csrf_token": token}
        )
        assert response.status_code == 422, bad
    done = browser.post("/console/visits/accountability", data={**form, "csrf_token": token})
    assert done.status_code == 303
    actions = client.get(f"/api/v1/units/{school}/accountability", headers=headers).get_json()
    assert [(a["kind"], a["reason"]) for a in actions["actions"]] == [
        ("interview", "三项隐患逾期未整改")
    ]
    back = browser.get(done.headers["Location"]).get_data(as_text=True)
    assert "已记录问责措施" in back and "约谈" in back.split(f'data-laggard-id="{school}"')[1]
    # At one's own unit, or out of scope: refused as pages.
    own = {**form, "unit_id": str(unit_by_code("YQ000").id), "csrf_token": token}
    assert browser.post("/console/visits/accountability", data=own).status_code == 403
    sibling = browser_as(people["school_admin@sibling"])
    assert sibling.get(f"/console/visits?unit_id={school}").status_code == 404
