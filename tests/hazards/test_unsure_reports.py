"""Reports without a focus problem (不确定: the reporter does not know the taxonomy), filed later by
the school's safety officer (``classify``), and the place of a hazard in words."""

from __future__ import annotations

import uuid

from sqlalchemy import select

from server.extensions import db
from server.models import Hazard, HazardEvent, Notification
from server.services.content import MASK
from tests.hazards.conftest import CAMPUS, HERE, unit_by_code
from tests.support.plans import plan_for


def _without_category(client, upload, headers, **changes):
    """Report with the focus problem left out of the body altogether."""
    body = {
        "client_uuid": str(uuid.uuid4()),
        "description": "走廊墙面有裂缝,不知道归哪一类",
        "severity": "general",
        "accuracy": 10,
        "school_id": unit_by_code("YQ101").id,
        "photo_ids": [upload(headers)["id"]],
        **CAMPUS,
        **changes,
    }
    return client.post("/api/v1/hazards", json=body, headers=headers), body


def test_a_report_may_leave_the_focus_problem_out(people, client, report, upload):
    teacher, school = people["teacher@own"], people["school_admin@own"]
    sent_null = report(teacher, focus_problem=None)[0]
    omitted = _without_category(client, upload, teacher)[0]
    assert (sent_null.status_code, omitted.status_code) == (201, 201), omitted.get_json()
    ids = {sent_null.get_json()["id"], omitted.get_json()["id"]}
    for created in (sent_null.get_json(), omitted.get_json()):
        assert created["focus_problem"] is None and created["area"] is None
        assert "plan" not in created["allowed_actions"]
    hazard_id = sent_null.get_json()["id"]
    # The planner sees it in the detail, the list and the map, and is told of it.
    detail = client.get(f"/api/v1/hazards/{hazard_id}", headers=school).get_json()
    assert detail["focus_problem"] is None and "classify" in detail["allowed_actions"]
    assert "plan" not in detail["allowed_actions"]
    listed = client.get("/api/v1/hazards", headers=school).get_json()["hazards"]
    assert {h["id"] for h in listed} == ids
    assert all(h["focus_problem"] is None and h["area"] is None for h in listed)
    assert client.get("/api/v1/hazards?area=fire", headers=school).get_json()["hazards"] == []
    features = client.get("/api/v1/hazards/geojson", headers=school).get_json()["features"]
    assert [(f["properties"]["area"], f["properties"]["focus_problem"]) for f in features] == [
        (None, None),
        (None, None),
    ]
    told = db.session.scalars(
        select(Notification).where(Notification.kind == "hazard_reported")
    ).all()
    assert {n.data["hazard_id"] for n in told} == ids
    first = db.session.scalars(
        select(HazardEvent).where(HazardEvent.hazard_id == hazard_id)
    ).first()
    assert first.kind == "reported" and first.changes["focus_problem"] is None


def test_retries_of_an_unsure_report_are_told_from_other_reports(people, client, report):
    teacher = people["teacher@own"]
    first, body = report(teacher, focus_problem=None)
    assert first.status_code == 201
    again = client.post("/api/v1/hazards", json=body, headers=teacher)
    assert again.status_code == 200 and again.get_json()["id"] == first.get_json()["id"]
    # The same report without the key is the same report (null and omitted are both unsure).
    omitted = {k: v for k, v in body.items() if k != "focus_problem"}
    assert client.post("/api/v1/hazards", json=omitted, headers=teacher).status_code == 200
    # Naming a category under the same UUID is a different report.
    named = client.post(
        "/api/v1/hazards", json={**body, "focus_problem": "fire.utilities"}, headers=teacher
    )
    assert (named.status_code, named.get_json()["error"]["code"]) == (409, "uuid_conflict")
    # And the other way round.
    classified, body = report(teacher)
    unsure = client.post("/api/v1/hazards", json={**body, "focus_problem": None}, headers=teacher)
    assert classified.status_code == 201 and unsure.status_code == 409
    assert db.session.scalar(select(db.func.count()).select_from(Hazard)) == 2


def test_planning_needs_a_category_first(people, client, report):
    teacher, school = people["teacher@own"], people["school_admin@own"]
    hazard_id = report(teacher, focus_problem=None)[0].get_json()["id"]
    planned = client.post(
        f"/api/v1/hazards/{hazard_id}/plan", json=plan_for(hazard_id), headers=school
    )
    assert planned.status_code == 409
    error = planned.get_json()["error"]
    assert error["code"] == "needs_category" and "focus problem" in error["message"]
    assert db.session.get(Hazard, hazard_id).status == "reported"


def test_the_safety_officer_classifies_then_plans(people, client, report):
    teacher, school = people["teacher@own"], people["school_admin@own"]
    hazard_id = report(teacher, focus_problem=None)[0].get_json()["id"]
    url = f"/api/v1/hazards/{hazard_id}/classify"
    body = {"focus_problem": "fire.utilities", "position": HERE}
    # Who may plan the hazard may classify it: not the teacher on patrol, nobody outside.
    assert client.post(url, json=body, headers=teacher).status_code == 403
    assert client.post(url, json=body, headers=people["school_admin@sibling"]).status_code == 404
    assert client.post(url, json=body, headers=people["parent"]).status_code == 404
    unknown = client.post(url, json={"focus_problem": "fire.nothing"}, headers=school)
    assert unknown.status_code == 422
    assert client.post(url, json={}, headers=school).status_code == 422
    done = client.post(url, json=body, headers=school)
    assert done.status_code == 200, done.get_json()
    shown = done.get_json()
    assert shown["focus_problem"]["code"] == "fire.utilities"
    assert shown["area"]["code"] == "fire" and shown["status"] == "reported"
    assert "plan" in shown["allowed_actions"] and "classify" in shown["allowed_actions"]
    events = client.get(f"/api/v1/hazards/{hazard_id}/events", headers=school).get_json()
    step = events["events"][-1]
    assert step["kind"] == "classify" and step["changes"] == {
        "focus_problem": [None, "fire.utilities"]
    }
    assert (step["from_status"], step["to_status"]) == ("reported", "reported")
    assert step["position"]["coord_system"] == "gcj02"
    # A planner may correct the category while the hazard is open; the history keeps both.
    again = client.post(
        url, json={"focus_problem": "fire.patrol"}, headers=people["supervisor@above"]
    )
    assert again.status_code == 200 and again.get_json()["focus_problem"]["code"] == "fire.patrol"
    events = client.get(f"/api/v1/hazards/{hazard_id}/events", headers=school).get_json()
    assert events["events"][-1]["changes"] == {"focus_problem": ["fire.utilities", "fire.patrol"]}
    assert (
        client.post(
            f"/api/v1/hazards/{hazard_id}/plan", json=plan_for(hazard_id), headers=school
        ).status_code
        == 200
    )


def test_a_closed_hazard_is_not_classified(people, client, report):
    teacher, school = people["teacher@own"], people["school_admin@own"]
    hazard_id = report(teacher, focus_problem=None)[0].get_json()["id"]
    closed = client.post(
        f"/api/v1/hazards/{hazard_id}/close", json={"reason": "不是隐患,是装饰"}, headers=school
    )
    assert closed.status_code == 200 and "classify" not in closed.get_json()["allowed_actions"]
    refused = client.post(
        f"/api/v1/hazards/{hazard_id}/classify",
        json={"focus_problem": "fire.patrol"},
        headers=school,
    )
    assert (refused.status_code, refused.get_json()["error"]["code"]) == (
        409,
        "invalid_transition",
    )


def test_nearby_still_needs_a_focus_problem(people, client, report):
    teacher = people["teacher@own"]
    report(teacher, focus_problem=None)
    query = {k: CAMPUS[k] for k in ("lat", "lng", "coord_system")}
    assert (
        client.get("/api/v1/hazards/nearby", query_string=query, headers=teacher).status_code == 422
    )
    found = client.get(
        "/api/v1/hazards/nearby",
        query_string={**query, "focus_problem": "fire.utilities"},
        headers=teacher,
    )
    assert found.status_code == 200 and found.get_json()["hazards"] == []


def test_a_place_in_words(people, client, report):
    teacher, school = people["teacher@own"], people["school_admin@own"]
    created = report(teacher, place="  三楼东侧走廊 ")[0]
    assert created.status_code == 201 and created.get_json()["place"] == "三楼东侧走廊"
    hazard_id = created.get_json()["id"]
    assert client.get(f"/api/v1/hazards/{hazard_id}", headers=school).get_json()["place"] == (
        "三楼东侧走廊"
    )
    listed = client.get("/api/v1/hazards", headers=school).get_json()["hazards"]
    assert listed[0]["place"] == "三楼东侧走廊"
    # Blank is no place; none given is none.
    assert report(teacher, place=" \u3000 ")[0].get_json()["place"] is None
    assert report(teacher, place=None)[0].get_json()["place"] is None
    assert report(teacher)[0].get_json()["place"] is None
    for bad in ("走" * 61, "三楼\x00走廊", 12):
        refused = report(teacher, place=bad)[0]
        assert refused.status_code == 422, bad
    assert db.session.scalar(select(db.func.count()).select_from(Hazard)) == 4


def test_a_retry_with_another_place_is_another_report(people, client, report):
    teacher = people["teacher@own"]
    first, body = report(teacher, place="三楼东侧走廊")
    assert first.status_code == 201
    assert client.post("/api/v1/hazards", json=body, headers=teacher).status_code == 200
    moved = client.post("/api/v1/hazards", json={**body, "place": "二楼"}, headers=teacher)
    assert moved.status_code == 409


def test_a_held_place_is_masked_for_others(people, client, report, fake_wechat):
    fake_wechat.set_words({"代开发票": "review"})
    teacher, school = people["teacher@own"], people["school_admin@own"]
    created = report(teacher, place="代开发票的小摊旁")[0]
    assert created.status_code == 201 and created.get_json()["place"] == "代开发票的小摊旁"
    hazard_id = created.get_json()["id"]
    assert client.get(f"/api/v1/hazards/{hazard_id}", headers=school).get_json()["place"] == MASK
    listed = client.get("/api/v1/hazards", headers=school).get_json()["hazards"]
    assert listed[0]["place"] == MASK and listed[0]["description"] != MASK
    assert client.get(f"/api/v1/hazards/{hazard_id}", headers=teacher).get_json()["place"] == (
        "代开发票的小摊旁"
    )
    fake_wechat.set_words({"赌博": "risky"})
    risky = report(teacher, place="赌博的地方")[0]
    assert (risky.status_code, risky.get_json()["error"]["code"]) == (422, "content_risky")
