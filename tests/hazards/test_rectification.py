"""The rectification lifecycle: each step through its route, the history it leaves, the rules of
the plan, after-photos and duplicates, and separation of duties."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from server.extensions import db
from server.models import Hazard, HazardEvent
from tests.hazards.conftest import CAMPUS, HERE, advance
from tests.support.plans import PLAN, plan_for

# case -> (route, state it starts from, severity, a persona allowed to take it). Who may take
# each step in general is tested once for every capability, role and place in
# tests/test_access.py; here each route is checked to ask for its capability: in scope without it
# 403, out of scope 404.
STEPS = {
    "plan": ("plan", "reported", "general", "school_admin@own"),
    "start": ("start", "planned", "general", "school_admin@own"),
    "fix": ("fix", "rectifying", "general", "school_admin@own"),
    "verify_general": ("verify", "fix_submitted", "general", "school_admin@own"),
    "verify_major": ("verify", "fix_submitted", "major", "bureau_admin@above"),
    "reject_general": ("reject", "fix_submitted", "general", "school_admin@own"),
    "reject_major": ("reject", "fix_submitted", "major", "supervisor@above"),
    "duplicate": ("duplicate", "reported", "general", "school_admin@own"),
    "close": ("close", "planned", "general", "school_admin@own"),
    "fix_on_spot": ("fix-on-spot", "reported", "general", "school_admin@own"),
}
# A step that needs a capability the teacher on patrol holds is refused to a parent instead.
TEACHER_MAY = {"fix-on-spot"}


@pytest.mark.parametrize("step", list(STEPS))
def test_each_step_asks_for_its_capability(people, client, report, upload, step):
    route, state, severity, allowed = STEPS[step]
    # The supervisor drives the hazard forward, so the school admin did not submit the fix.
    hazard = report(people["teacher@own"], severity=severity)[0].get_json()
    advance(client, people["supervisor@above"], hazard["id"], upload, state)
    original = report(people["teacher@own"])[0].get_json()["id"]

    def attempt(persona):
        headers = people[persona]
        body = {
            "plan": plan_for(hazard["id"]),
            "start": {},
            "verify": {"note": "复查合格"},
            "reject": {"reason": "线路仍裸露"},
            "duplicate": {"original_id": original},
            "close": {"reason": "是正常的施工围挡,不是隐患"},
            "fix": {**HERE, "note": "已整改"},
            "fix-on-spot": {**HERE, "note": "已当场整改"},
        }[route]
        if route in ("fix", "fix-on-spot"):
            body["photo_ids"] = [upload(headers)["id"]] if persona != "parent" else [1]
        return client.post(f"/api/v1/hazards/{hazard['id']}/{route}", json=body, headers=headers)

    refused = {"school_admin@sibling": 404, "parent": 404}
    if route not in TEACHER_MAY:
        refused["teacher@own"] = 403
    if severity == "major":
        refused["school_admin@own"] = 403  # never the school's own sign-off of a major hazard
    for persona, status in refused.items():
        response = attempt(persona)
        assert response.status_code == status, (persona, response.get_json())
        db.session.expire_all()
        row = db.session.get(Hazard, hazard["id"])
        assert row.status == state and row.duplicate_of_id is None
    response = attempt(allowed)
    assert response.status_code == 200, response.get_json()


def test_fixed_on_spot_closes_a_general_hazard_without_a_plan(people, client, report, upload):
    teacher = people["teacher@own"]
    hid = report(teacher)[0].get_json()["id"]
    assert (
        "fix_on_spot"
        in client.get(f"/api/v1/hazards/{hid}", headers=teacher).get_json()["allowed_actions"]
    )
    photo = upload(teacher)["id"]
    done = client.post(
        f"/api/v1/hazards/{hid}/fix-on-spot",
        headers=teacher,
        json={**HERE, "photo_ids": [photo], "note": "已当场关闭电源并更换插座"},
    )
    body = done.get_json()
    assert done.status_code == 200, body
    assert body["status"] == "fixed_on_spot" and body["closed_at"] and body["allowed_actions"] == []
    assert [p["stage"] for p in body["photos"]] == ["before", "after"]
    events = client.get(f"/api/v1/hazards/{hid}/events", headers=teacher).get_json()["events"]
    assert [e["kind"] for e in events] == ["reported", "fixed_on_spot"]
    # Figures keep them apart: a list by status finds it as fixed on the spot, not verified.
    listed = client.get("/api/v1/hazards?status=fixed_on_spot", headers=teacher).get_json()
    assert [h["id"] for h in listed["hazards"]] == [hid]
    assert (
        client.get("/api/v1/hazards?status=verified", headers=teacher).get_json()["hazards"] == []
    )


def test_a_major_hazard_is_never_fixed_on_the_spot(people, client, report, upload):
    teacher = people["teacher@own"]
    hid = report(teacher, severity="major")[0].get_json()["id"]
    detail = client.get(f"/api/v1/hazards/{hid}", headers=teacher).get_json()
    assert "fix_on_spot" not in detail["allowed_actions"]
    response = client.post(
        f"/api/v1/hazards/{hid}/fix-on-spot",
        headers=teacher,
        json={**HERE, "photo_ids": [upload(teacher)["id"]], "note": "已整改"},
    )
    assert (response.status_code, response.get_json()["error"]["code"]) == (409, "needs_plan")
    assert db.session.get(Hazard, hid).status == "reported"


def test_closing_as_not_a_hazard_keeps_the_reason(people, client, report):
    hid = report(people["teacher@own"])[0].get_json()["id"]
    school = people["school_admin@own"]
    blank = client.post(f"/api/v1/hazards/{hid}/close", json={"reason": "　 "}, headers=school)
    assert blank.status_code == 422
    closed = client.post(
        f"/api/v1/hazards/{hid}/close", json={"reason": "临时施工围挡,已报备"}, headers=school
    ).get_json()
    assert closed["status"] == "closed" and closed["close_reason"] == "临时施工围挡,已报备"
    again = client.post(f"/api/v1/hazards/{hid}/close", json={"reason": "重复"}, headers=school)
    assert again.status_code == 409


def test_the_fixer_cannot_sign_off_their_own_fix(people, client, report, upload):
    school = people["school_admin@own"]
    hid = report(school)[0].get_json()["id"]
    advance(client, school, hid, upload, "fix_submitted")
    detail = client.get(f"/api/v1/hazards/{hid}", headers=school).get_json()
    assert "verify" not in detail["allowed_actions"]
    response = client.post(f"/api/v1/hazards/{hid}/verify", json={}, headers=school)
    assert (response.status_code, response.get_json()["error"]["code"]) == (403, "own_fix_signoff")
    assert db.session.get(Hazard, hid).status == "fix_submitted"
    # Someone else with the capability signs it off.
    other = people["supervisor@above"]
    assert (
        "verify"
        in client.get(f"/api/v1/hazards/{hid}", headers=other).get_json()["allowed_actions"]
    )
    assert client.post(f"/api/v1/hazards/{hid}/verify", json={}, headers=other).status_code == 200


def test_full_lifecycle_and_history(people, client, report, upload):
    teacher, school, supervisor = (
        people[k] for k in ("teacher@own", "school_admin@own", "supervisor@above")
    )
    hazard = report(teacher, severity="major")[0].get_json()
    hid = hazard["id"]
    plan = client.post(f"/api/v1/hazards/{hid}/plan", json=plan_for(hid), headers=school)
    plan = plan.get_json()
    assert plan["plan"]["funds_yuan"] == "1200.50" and plan["status"] == "planned"
    assert client.post(f"/api/v1/hazards/{hid}/start", json={}, headers=school).status_code == 200
    photo = upload(school)["id"]
    fixed = client.post(
        f"/api/v1/hazards/{hid}/fix",
        headers=school,
        json={**HERE, "photo_ids": [photo], "note": "已更换"},
    ).get_json()
    assert [p["stage"] for p in fixed["photos"]] == ["before", "after"]
    # A major hazard: the school may not sign off its own fix.
    assert client.post(f"/api/v1/hazards/{hid}/verify", json={}, headers=school).status_code == 403
    rejected = client.post(
        f"/api/v1/hazards/{hid}/reject", json={"reason": "未加锁"}, headers=supervisor
    )
    assert rejected.get_json()["status"] == "rectifying"
    photo2 = upload(school)["id"]
    client.post(
        f"/api/v1/hazards/{hid}/fix",
        headers=school,
        json={**HERE, "photo_ids": [photo2], "note": "已加锁"},
    )
    done = client.post(f"/api/v1/hazards/{hid}/verify", json={"note": "合格"}, headers=supervisor)
    assert done.get_json()["status"] == "verified" and done.get_json()["closed_at"]
    events = client.get(f"/api/v1/hazards/{hid}/events", headers=teacher).get_json()["events"]
    assert [e["kind"] for e in events] == [
        "reported",
        "planned",
        "started",
        "fix_submitted",
        "rejected",
        "fix_submitted",
        "verified",
    ]
    assert events[1]["changes"]["funds_yuan"] == "1200.50"
    assert events[4]["note"] == "未加锁" and events[3]["position"]["coord_system"] == "gcj02"
    assert all(e["actor"]["id"] for e in events)


def test_plan_needs_all_five_fields_and_a_future_deadline(people, client, report):
    hid = report(people["teacher@own"])[0].get_json()["id"]
    school = people["school_admin@own"]
    full = plan_for(hid)
    for field in full:
        partial = {k: v for k, v in full.items() if k != field}
        response = client.post(f"/api/v1/hazards/{hid}/plan", json=partial, headers=school)
        assert response.status_code == 422 and field in response.get_json()["error"]["details"]
    past = {**full, "deadline": "2020-01-01"}
    assert client.post(f"/api/v1/hazards/{hid}/plan", json=past, headers=school).status_code == 422
    for funds in ("-1", "abc", "1e12"):
        bad = {**full, "funds_yuan": funds}
        assert (
            client.post(f"/api/v1/hazards/{hid}/plan", json=bad, headers=school).status_code == 422
        )
    assert db.session.get(Hazard, hid).status == "reported"


def test_wrong_state_is_a_conflict(people, client, report):
    hid = report(people["teacher@own"])[0].get_json()["id"]
    response = client.post(
        f"/api/v1/hazards/{hid}/verify", json={}, headers=people["school_admin@own"]
    )
    assert (response.status_code, response.get_json()["error"]["code"]) == (
        409,
        "invalid_transition",
    )


def test_responsible_user_may_start_and_fix(people, client, report, upload, login):
    hid = report(people["teacher@own"])[0].get_json()["id"]
    teacher_id = client.get("/api/v1/me", headers=people["teacher@own"]).get_json()["user"]["id"]
    client.post(
        f"/api/v1/hazards/{hid}/plan",
        json={**PLAN, "responsible_user_id": teacher_id},
        headers=people["school_admin@own"],
    )
    teacher = people["teacher@own"]
    detail = client.get(f"/api/v1/hazards/{hid}", headers=teacher).get_json()
    assert detail["allowed_actions"] == ["start"]
    assert client.post(f"/api/v1/hazards/{hid}/start", json={}, headers=teacher).status_code == 200
    photo = upload(teacher)["id"]
    fixed = client.post(
        f"/api/v1/hazards/{hid}/fix",
        headers=teacher,
        json={**HERE, "photo_ids": [photo], "note": "已整改"},
    )
    assert fixed.status_code == 200
    outsider = client.get("/api/v1/me", headers=people["parent"]).get_json()["user"]["id"]
    other = report(people["teacher@own"])[0].get_json()["id"]
    bad = client.post(
        f"/api/v1/hazards/{other}/plan",
        json={**PLAN, "responsible_user_id": outsider},
        headers=people["school_admin@own"],
    )
    assert bad.status_code == 422


def test_after_photos_must_be_near_and_new(people, client, report, upload):
    school = people["school_admin@own"]
    old_photo = upload(school)["id"]  # uploaded before the report
    hid = report(people["teacher@own"])[0].get_json()["id"]
    advance(client, school, hid, upload, "rectifying")
    far = {**HERE, "lat": CAMPUS["lat"] + 0.002}  # ~220 m away
    photo = upload(school)["id"]
    response = client.post(
        f"/api/v1/hazards/{hid}/fix",
        headers=school,
        json={**far, "photo_ids": [photo], "note": "已整改"},
    )
    assert (response.status_code, response.get_json()["error"]["code"]) == (422, "fix_too_far")
    stale = client.post(
        f"/api/v1/hazards/{hid}/fix",
        headers=school,
        json={**HERE, "photo_ids": [old_photo], "note": "已整改"},
    )
    assert (stale.status_code, stale.get_json()["error"]["code"]) == (422, "after_photo_invalid")
    assert db.session.get(Hazard, hid).status == "rectifying"
    kinds = db.session.scalars(select(HazardEvent.kind).where(HazardEvent.hazard_id == hid)).all()
    assert "fix_submitted" not in kinds


def test_duplicate_rules(people, client, report):
    teacher, supervisor = people["teacher@own"], people["supervisor@above"]
    first = report(teacher)[0].get_json()["id"]
    second = report(teacher)[0].get_json()["id"]
    other_focus = report(teacher, focus_problem="fire.patrol")[0].get_json()["id"]
    url = f"/api/v1/hazards/{second}/duplicate"
    assert client.post(url, json={"original_id": second}, headers=supervisor).status_code == 422
    marked = client.post(url, json={"original_id": first}, headers=supervisor).get_json()
    assert marked["duplicate_of_id"] == first and marked["allowed_actions"] == []
    again = client.post(url, json={"original_id": first}, headers=supervisor)
    assert again.status_code == 409
    # A duplicate of an already folded report is refused.
    folded = client.post(
        f"/api/v1/hazards/{other_focus}/duplicate", json={"original_id": second}, headers=supervisor
    )
    assert folded.status_code == 422


def test_a_duplicate_may_be_filed_under_another_focus_problem(people, client, report):
    # Reporters may be unsure or misfile: the planner who folds two reports judges them the same.
    teacher, school = people["teacher@own"], people["school_admin@own"]
    first = report(teacher)[0].get_json()["id"]
    other_focus = report(teacher, focus_problem="fire.patrol")[0].get_json()["id"]
    unsure = report(teacher, focus_problem=None)[0].get_json()["id"]
    for hazard_id in (other_focus, unsure):
        marked = client.post(
            f"/api/v1/hazards/{hazard_id}/duplicate", json={"original_id": first}, headers=school
        )
        assert marked.status_code == 200, marked.get_json()
        assert marked.get_json()["duplicate_of_id"] == first
