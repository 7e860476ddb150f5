"""The rectification lifecycle, and who may take each step: a matrix of transition x role x
place (own school / unit above / sibling unit)."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from sqlalchemy import select

from server.extensions import db
from server.models import Hazard, HazardEvent
from tests.hazards.conftest import CAMPUS, grant_role

PLAN = {
    "responsible_person": "后勤主任 王强",
    "deadline": (date.today() + timedelta(days=7)).isoformat(),
    "measures": "更换配电箱门并加锁,线路穿管",
    "funds_yuan": "1200.50",
    "contingency": "整改期间设置警示标志,专人看守",
}
HERE = {"lat": CAMPUS["lat"], "lng": CAMPUS["lng"], "accuracy": 8, "coord_system": "gcj02"}

# persona -> openid; the extra grants are made by the ``people`` fixture.
PERSONAS = {
    "school_admin@own": "demo-school_admin",
    "teacher@own": "demo-teacher",
    "supervisor@above": "demo-supervisor",
    "bureau_admin@above": "demo-bureau_admin",
    "bureau_staff@above": "demo-bureau_staff",
    "inspector@above": "demo-inspector",
    "school_admin@sibling": "sibling-school-admin",
    "supervisor@sibling": "sibling-supervisor",
    "parent": "demo-parent",
}
MANAGERS = {"school_admin@own", "supervisor@above", "bureau_admin@above"}
SUPERVISORS = {"supervisor@above", "bureau_admin@above"}
VISIBLE = {
    "school_admin@own",
    "teacher@own",
    "supervisor@above",
    "bureau_admin@above",
    "bureau_staff@above",
    "inspector@above",
}
# action -> (state the hazard must be in, severity, who may do it)
ACTIONS = {
    "plan": ("reported", "general", MANAGERS),
    "start": ("planned", "general", MANAGERS),
    "fix": ("rectifying", "general", MANAGERS),
    "verify_general": ("fix_submitted", "general", MANAGERS),
    "verify_major": ("fix_submitted", "major", SUPERVISORS),
    "reject_general": ("fix_submitted", "general", MANAGERS),
    "reject_major": ("fix_submitted", "major", SUPERVISORS),
    "duplicate": ("reported", "general", SUPERVISORS),
}


@pytest.fixture
def people(demo, login):
    """Headers for every persona (siblings get their grants here)."""
    headers = {name: login(openid) for name, openid in PERSONAS.items()}
    grant_role("sibling-school-admin", "school_admin", "YQ102")
    grant_role("sibling-supervisor", "supervisor", "YQ200")
    return headers


def advance(client, headers, hazard_id, upload, to_state):
    """Drive a hazard forward as an allowed user until it is in ``to_state``."""
    steps = ["reported", "planned", "rectifying", "fix_submitted"]
    for state in steps[1 : steps.index(to_state) + 1]:
        if state == "planned":
            r = client.post(f"/api/v1/hazards/{hazard_id}/plan", json=PLAN, headers=headers)
        elif state == "rectifying":
            r = client.post(f"/api/v1/hazards/{hazard_id}/start", json={}, headers=headers)
        else:
            photo = upload(headers)["id"]
            r = client.post(
                f"/api/v1/hazards/{hazard_id}/fix",
                headers=headers,
                json={**HERE, "photo_ids": [photo], "note": "已更换并加锁"},
            )
        assert r.status_code == 200, r.get_json()


def attempt(client, action, hazard_id, headers, upload, allowed, driver_photo):
    """Try ``action`` as ``headers``; allowed actors upload their own after-photo."""
    name = action.split("_")[0]
    body = {
        "plan": PLAN,
        "start": {},
        "verify": {"note": "复查合格"},
        "reject": {"reason": "线路仍裸露"},
        "duplicate": {"original_id": None},
    }.get(name)
    if name == "fix":
        photo = upload(headers)["id"] if allowed else driver_photo
        body = {**HERE, "photo_ids": [photo], "note": "已整改"}
    return client.post(f"/api/v1/hazards/{hazard_id}/{name}", json=body, headers=headers), body


@pytest.mark.parametrize("action", list(ACTIONS))
@pytest.mark.parametrize("persona", list(PERSONAS))
def test_transition_matrix(people, client, report, upload, action, persona):
    state, severity, allowed_set = ACTIONS[action]
    driver = people["supervisor@above"]
    hazard = report(people["teacher@own"], severity=severity)[0].get_json()
    advance(client, driver, hazard["id"], upload, state)
    driver_photo = upload(driver)["id"]
    allowed = persona in allowed_set
    if action == "duplicate":
        original = report(people["teacher@own"])[0].get_json()
        response = client.post(
            f"/api/v1/hazards/{hazard['id']}/duplicate",
            json={"original_id": original["id"]},
            headers=people[persona],
        )
    else:
        response, _ = attempt(
            client, action, hazard["id"], people[persona], upload, allowed, driver_photo
        )
    db.session.expire_all()
    row = db.session.get(Hazard, hazard["id"])
    if allowed:
        assert response.status_code == 200, response.get_json()
        assert row.status != state or action == "duplicate"
    else:
        expected = 403 if persona in VISIBLE else 404
        assert response.status_code == expected, response.get_json()
        assert row.status == state and row.duplicate_of_id is None


def test_full_lifecycle_and_history(people, client, report, upload):
    teacher, school, supervisor = (
        people[k] for k in ("teacher@own", "school_admin@own", "supervisor@above")
    )
    hazard = report(teacher, severity="major")[0].get_json()
    hid = hazard["id"]
    plan = client.post(f"/api/v1/hazards/{hid}/plan", json=PLAN, headers=school).get_json()
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
    for field in PLAN:
        partial = {k: v for k, v in PLAN.items() if k != field}
        response = client.post(f"/api/v1/hazards/{hid}/plan", json=partial, headers=school)
        assert response.status_code == 422 and field in response.get_json()["error"]["details"]
    past = {**PLAN, "deadline": "2020-01-01"}
    assert client.post(f"/api/v1/hazards/{hid}/plan", json=past, headers=school).status_code == 422
    for funds in ("-1", "abc", "1e12"):
        bad = {**PLAN, "funds_yuan": funds}
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
    assert (
        client.post(url, json={"original_id": other_focus}, headers=supervisor).status_code == 422
    )
    marked = client.post(url, json={"original_id": first}, headers=supervisor).get_json()
    assert marked["duplicate_of_id"] == first and marked["allowed_actions"] == []
    again = client.post(url, json={"original_id": first}, headers=supervisor)
    assert again.status_code == 409
