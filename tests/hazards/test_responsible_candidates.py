"""The people a planner picks the responsible person from (GET .../responsible-candidates): the
active staff of the hazard's school with their roles there, no phone numbers; only planners of
the hazard see them; the one picked may then start and fix the hazard, and nobody else on patrol."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from sqlalchemy import select

from server.extensions import db
from server.models import Hazard, User
from tests.hazards.conftest import grant_role
from tests.support.plans import PLAN

# The demo staff of 符离中心小学 (YQ101), with the role each holds there.
SCHOOL_STAFF = {
    "刘副校长(安全负责人)": ["学校安全负责人"],
    "孙老师(值周巡查)": ["巡查教师"],
    "周老师(一年级1班班主任)": ["班主任"],
    "吴师傅(保安)": ["保安"],
    "郑师傅(校车检查)": ["校车检查员"],
    "冯老师(水域巡查)": ["水域巡查员"],
}


def _url(hazard_id: int) -> str:
    """The candidates' route of a hazard."""
    return f"/api/v1/hazards/{hazard_id}/responsible-candidates"


def _user(openid: str) -> User:
    """The user with this openid."""
    return db.session.scalars(select(User).where(User.openid == openid)).one()


def test_lists_the_schools_active_staff_with_their_roles_and_no_phone(people, client, report):
    hid = report(people["teacher@own"])[0].get_json()["id"]
    # A second role at the school is listed once with both; a role elsewhere does not count.
    grant_role("demo-guard", "water_patrol", "YQ101")
    grant_role("demo-teacher", "teacher", "YQ102")
    guard = _user("demo-guard")
    guard.phone = "13800138000"
    _user("demo-bus_inspector").is_active = False
    db.session.commit()

    response = client.get(_url(hid), headers=people["school_admin@own"])

    assert response.status_code == 200, response.get_json()
    found = response.get_json()["people"]
    expected = {**SCHOOL_STAFF, "吴师傅(保安)": ["保安", "水域巡查员"]}
    del expected["郑师傅(校车检查)"]  # disabled
    assert {p["display_name"]: p["roles"] for p in found} == expected
    assert all(set(p) == {"id", "display_name", "roles"} for p in found)
    assert next(p["id"] for p in found if p["display_name"] == "吴师傅(保安)") == guard.id
    # By name; the center school's supervisor, the sibling school's admin and parents are not staff.
    assert [p["display_name"] for p in found] == sorted(expected)


def test_the_supervisor_above_sees_the_schools_staff(people, client, report):
    hid = report(people["teacher@own"])[0].get_json()["id"]
    response = client.get(_url(hid), headers=people["supervisor@above"])
    assert response.status_code == 200
    assert {p["display_name"] for p in response.get_json()["people"]} == set(SCHOOL_STAFF)


def test_only_planners_of_the_hazard_see_them(people, client, report):
    hid = report(people["teacher@own"])[0].get_json()["id"]
    assert client.get(_url(hid)).status_code == 401
    refused = client.get(_url(hid), headers=people["teacher@own"])
    assert (refused.status_code, refused.get_json()["error"]["code"]) == (403, "forbidden")
    for persona in ("school_admin@sibling", "supervisor@sibling", "parent"):
        response = client.get(_url(hid), headers=people[persona])
        assert response.status_code == 404, persona
    assert client.get(_url(hid + 1000), headers=people["school_admin@own"]).status_code == 404


def test_the_one_picked_may_start_and_another_teacher_may_not(people, client, report, login):
    hid = report(people["teacher@own"])[0].get_json()["id"]
    admin = people["school_admin@own"]
    found = client.get(_url(hid), headers=admin).get_json()["people"]
    picked = next(p for p in found if p["display_name"] == "吴师傅(保安)")

    planned = client.post(
        f"/api/v1/hazards/{hid}/plan",
        json={**PLAN, "responsible_user_id": picked["id"]},
        headers=admin,
    )

    assert planned.status_code == 200, planned.get_json()
    plan = planned.get_json()["plan"]
    assert plan["responsible_user_id"] == picked["id"]
    assert plan["responsible_person"] == "吴师傅(保安)"  # the picked person's own name
    guard = client.get(f"/api/v1/hazards/{hid}", headers=login("demo-guard")).get_json()
    assert guard["allowed_actions"] == ["start"]
    teacher = client.get(f"/api/v1/hazards/{hid}", headers=people["teacher@own"]).get_json()
    assert "start" not in teacher["allowed_actions"]


def test_a_plan_must_pick_the_responsible_person(people, client, report):
    hid = report(people["teacher@own"])[0].get_json()["id"]
    admin = people["school_admin@own"]
    for body in (PLAN, {**PLAN, "responsible_user_id": None}):
        response = client.post(f"/api/v1/hazards/{hid}/plan", json=body, headers=admin)
        error = response.get_json()["error"]
        assert (response.status_code, error["code"]) == (422, "validation_error")
        assert error["message"] == "请从本校人员中选择整改责任人。"
        assert list(error["details"]) == ["responsible_user_id"]
    # A typed name is no longer part of the request.
    typed = {**PLAN, "responsible_user_id": _user("demo-guard").id, "responsible_person": "王强"}
    response = client.post(f"/api/v1/hazards/{hid}/plan", json=typed, headers=admin)
    assert (
        response.status_code == 422
        and "responsible_person" in response.get_json()["error"]["details"]
    )
    assert client.get(f"/api/v1/hazards/{hid}", headers=admin).get_json()["status"] == "reported"


def test_only_a_candidate_may_be_named(people, client, report):
    hid = report(people["teacher@own"])[0].get_json()["id"]
    admin = people["school_admin@own"]
    grant_role("sibling-school-admin", "school_admin", "YQ102")
    disabled = _user("demo-bus_inspector")
    disabled.is_active = False
    db.session.commit()
    # Above the school, at a sibling school, disabled, a parent, or nobody at all.
    for openid in ("demo-supervisor", "sibling-school-admin", "demo-bus_inspector", "demo-parent"):
        body = {**PLAN, "responsible_user_id": _user(openid).id}
        response = client.post(f"/api/v1/hazards/{hid}/plan", json=body, headers=admin)
        assert response.status_code == 422, openid
        error = response.get_json()["error"]
        assert error["message"] == "整改责任人须是本校在岗人员，请从名单中选择。"
        assert list(error["details"]) == ["responsible_user_id"]
    missing = client.post(
        f"/api/v1/hazards/{hid}/plan", json={**PLAN, "responsible_user_id": 10**6}, headers=admin
    )
    assert missing.status_code == 422


def test_the_stored_name_is_the_picked_persons_and_old_typed_plans_still_show(
    people, client, report
):
    hid = report(people["teacher@own"])[0].get_json()["id"]
    admin = people["school_admin@own"]
    nameless = _user("demo-water_patrol")
    nameless.display_name = None
    db.session.commit()
    body = {**PLAN, "responsible_user_id": nameless.id}
    planned = client.post(f"/api/v1/hazards/{hid}/plan", json=body, headers=admin)
    assert planned.status_code == 200, planned.get_json()
    assert planned.get_json()["plan"]["responsible_person"] == f"用户{nameless.id}"

    # A plan made before the pick was required: a typed name and no id, shown as it was.
    old = report(people["teacher@own"])[0].get_json()["id"]
    hazard = db.session.get(Hazard, old)
    hazard.responsible_person, hazard.deadline = (
        "后勤主任 王强",
        date.fromisoformat(PLAN["deadline"]),
    )
    hazard.measures, hazard.contingency = PLAN["measures"], PLAN["contingency"]
    hazard.funds_yuan, hazard.status = Decimal(PLAN["funds_yuan"]), "planned"
    db.session.commit()
    plan = client.get(f"/api/v1/hazards/{old}", headers=admin).get_json()["plan"]
    assert plan["responsible_person"] == "后勤主任 王强" and plan["responsible_user_id"] is None
