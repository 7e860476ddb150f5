"""Patrol plans: who may write them, every rule a plan must meet, today's slots made at once,
and delete = deactivate (its open slots not yet closed removed, its history kept)."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import func, select

from server.extensions import db
from server.models.patrols import SLOT_MISSED, PatrolPlan, PatrolSlot
from server.services import patrol_plans
from server.services.patrol_plans import _drop_open_slots
from tests.hazards.conftest import grant_role, unit_by_code
from tests.patrols.support_plans import (
    DAY,
    local,
    make_checkpoint,
    make_slot,
    plan_body,
    user_id,
)
from tests.support.statements import counted

URL = "/api/v1/patrol-plans"


@pytest.fixture
def admin(demo, login):
    return login("demo-school_admin")


@pytest.fixture(autouse=True)
def morning(monkeypatch):
    """The plans are written at 06:00 of DAY (China time)."""
    monkeypatch.setattr(patrol_plans, "utcnow", lambda: local(DAY, 6))


@pytest.fixture
def checkpoints(demo):
    return [make_checkpoint(name="食堂"), make_checkpoint(name="教学楼一楼")]


def _slots(plan_id: int) -> list[PatrolSlot]:
    return list(db.session.scalars(select(PatrolSlot).where(PatrolSlot.plan_id == plan_id)))


def test_a_plan_is_saved_and_makes_todays_slots(client, admin, checkpoints):
    ids = [cp.id for cp in checkpoints]
    response = client.post(URL, json=plan_body(ids, season_start="11-01"), headers=admin)
    assert response.status_code == 422  # one end of a season alone
    response = client.post(URL, json=plan_body(ids), headers=admin)
    assert response.status_code == 201, response.get_json()
    plan = response.get_json()
    assert plan["window_start"] == "07:30" and plan["window_end"] == "08:30"
    assert plan["assignee"]["id"] == user_id("demo-teacher")
    assert [cp["id"] for cp in plan["checkpoints"]] == ids
    assert plan["school"]["name"] == "符离中心小学" and plan["active"] is True
    slots = _slots(plan["id"])
    assert {(s.checkpoint_id, s.day) for s in slots} == {(i, DAY) for i in ids}
    # 07:30 in China is 23:30 UTC the day before.
    assert {s.opens_at.strftime("%H:%M") for s in slots} == {"23:30"}
    assert {(s.closes_at - s.opens_at) for s in slots} == {timedelta(hours=1)}


def test_a_plan_by_role_with_weekdays_and_a_season(client, admin, checkpoints):
    body = plan_body(
        [checkpoints[0].id],
        assignee_user_id=None,
        assignee_role="guard",
        recurrence="weekdays",
        weekdays=[5, 1, 1],
        season_start="11-15",
        season_end="03-15",
    )
    response = client.post(URL, json=body, headers=admin)
    assert response.status_code == 201, response.get_json()
    plan = response.get_json()
    assert plan["weekdays"] == [1, 5] and plan["assignee_role_name"] == "保安"
    assert plan["assignee"] is None and plan["season_start"] == "11-15"


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"window_start": "08:30", "window_end": "08:30"}, "window_end"),
        ({"window_start": "24:00"}, "window_start"),
        ({"recurrence": "weekdays"}, "weekdays"),
        ({"recurrence": "weekdays", "weekdays": [0]}, "weekdays"),
        ({"recurrence": "weekdays", "weekdays": [8]}, "weekdays"),
        ({"season_start": "02-30", "season_end": "03-01"}, "season_start"),
        ({"season_start": "13-01", "season_end": "03-01"}, "season_start"),
        ({"template_code": "water_point"}, "template_code"),
        ({"assignee_user_id": None}, "assignee_user_id"),
        ({"assignee_role": "teacher"}, "assignee_user_id"),
        ({"assignee_user_id": None, "assignee_role": "supervisor"}, "assignee_role"),
        ({"assignee_user_id": None, "assignee_role": "emperor"}, "assignee_role"),
        ({"checkpoint_ids": []}, "checkpoint_ids"),
        ({"remind_minutes_before": 721}, "remind_minutes_before"),
        ({"escalate_after_misses": 0}, "escalate_after_misses"),
    ],
)
def test_every_rule_of_a_plan(client, admin, checkpoints, changes, field):
    body = {**plan_body([cp.id for cp in checkpoints]), **changes}
    response = client.post(URL, json=body, headers=admin)
    assert response.status_code == 422, response.get_json()
    assert field in response.get_json()["error"]["details"], response.get_json()
    hand_made = select(func.count()).select_from(PatrolPlan).where(PatrolPlan.managed_by.is_(None))
    assert db.session.scalar(hand_made) == 0


def test_checkpoints_and_assignee_must_be_the_schools(client, admin, login, checkpoints):
    other = make_checkpoint("YQ201", name="别校食堂")
    ids = [checkpoints[0].id]
    refused = client.post(URL, json=plan_body([*ids, other.id]), headers=admin)
    assert refused.status_code == 422
    assert "checkpoint_ids" in refused.get_json()["error"]["details"]
    unknown = client.post(URL, json=plan_body([*ids, 2**31 - 1]), headers=admin)
    assert unknown.status_code == 422
    # A person of another school, and a parent: not of this school's staff.
    login("sibling-school-admin")
    grant_role("sibling-school-admin", "school_admin", "YQ102")
    for person in (user_id("sibling-school-admin"), user_id("demo-parent")):
        refused = client.post(URL, json=plan_body(ids, assignee_user_id=person), headers=admin)
        assert refused.status_code == 422
        assert "assignee_user_id" in refused.get_json()["error"]["details"]
    # A plan is for a school, not the centre school above it.
    supervisor = login("demo-supervisor")
    body = plan_body(ids, school_id=unit_by_code("YQ100").id)
    assert client.post(URL, json=body, headers=supervisor).status_code == 422


def test_who_may_plan(client, admin, login, checkpoints):
    body = plan_body([checkpoints[0].id])
    assert client.post(URL, json=body, headers=login("demo-teacher")).status_code == 403
    login("sibling-school-admin")
    grant_role("sibling-school-admin", "school_admin", "YQ102")
    sibling = login("sibling-school-admin")
    assert client.post(URL, json=body, headers=sibling).status_code == 404
    assert client.post(URL, json=body, headers=login("demo-parent")).status_code == 404
    supervisor = login("demo-supervisor")
    assert client.post(URL, json=body, headers=supervisor).status_code == 201
    plan_id = db.session.scalar(select(PatrolPlan.id))
    assert client.delete(f"{URL}/{plan_id}", headers=login("demo-teacher")).status_code == 403
    assert client.delete(f"{URL}/{plan_id}", headers=sibling).status_code == 404
    assert client.patch(f"{URL}/{plan_id}", json={}, headers=sibling).status_code == 404
    assert client.delete(f"{URL}/{2**31 - 1}", headers=admin).status_code == 404
    school = unit_by_code("YQ101").id
    listing = client.get(URL, query_string={"school_id": school}, headers=login("demo-teacher"))
    assert listing.status_code == 403
    inspector = login("demo-inspector")  # patrol.view from the bureau reads plans
    assert client.get(URL, query_string={"school_id": school}, headers=inspector).status_code == 200
    assert client.get(URL, query_string={"school_id": school}, headers=sibling).status_code == 404


def test_the_list_is_a_fixed_number_of_statements(client, admin, checkpoints):
    school = unit_by_code("YQ101").id

    def statements() -> int:
        with counted() as seen:
            response = client.get(URL, query_string={"school_id": school}, headers=admin)
        assert response.status_code == 200
        return len(seen)

    client.post(URL, json=plan_body([checkpoints[0].id]), headers=admin)
    one = statements()
    for i in range(4):
        ids = [cp.id for cp in checkpoints]
        client.post(URL, json=plan_body(ids, name=f"巡查计划{i}"), headers=admin)
    assert statements() == one
    plans = client.get(URL, query_string={"school_id": school}, headers=admin).get_json()["plans"]
    assert len(plans) == 5 and len(plans[-1]["checkpoints"]) == 2


def test_a_change_remakes_the_open_slots_not_yet_closed(client, admin, checkpoints):
    plan = client.post(URL, json=plan_body([checkpoints[0].id]), headers=admin).get_json()
    change = {"checkpoint_ids": [checkpoints[1].id], "window_start": "00:00", "window_end": "23:59"}
    response = client.patch(f"{URL}/{plan['id']}", json=change, headers=admin)
    assert response.status_code == 200, response.get_json()
    assert response.get_json()["window_end"] == "23:59"
    # Today's and tomorrow's slots of the new checkpoint; the old one's open slot is gone.
    slots = {(s.checkpoint_id, s.day) for s in _slots(plan["id"])}
    assert slots == {(checkpoints[1].id, DAY), (checkpoints[1].id, DAY + timedelta(days=1))}
    bad = client.patch(f"{URL}/{plan['id']}", json={"window_end": "00:00"}, headers=admin)
    assert bad.status_code == 422
    to_role = client.patch(f"{URL}/{plan['id']}", json={"assignee_role": "guard"}, headers=admin)
    assert to_role.status_code == 200
    assert to_role.get_json()["assignee"] is None
    assert to_role.get_json()["assignee_role"] == "guard"


def test_delete_deactivates_and_keeps_history(client, admin, checkpoints):
    plan = client.post(URL, json=plan_body([checkpoints[0].id]), headers=admin).get_json()
    row = db.session.get(PatrolPlan, plan["id"])
    past = make_slot(row, checkpoints[0], DAY - timedelta(days=1), SLOT_MISSED).id
    future = make_slot(row, checkpoints[0], DAY + timedelta(days=1)).id
    assert client.delete(f"{URL}/{plan['id']}", headers=admin).status_code == 204
    assert client.delete(f"{URL}/{plan['id']}", headers=admin).status_code == 204  # harmless
    remaining = {s.id for s in _slots(plan["id"])}
    assert past in remaining and future not in remaining
    assert db.session.get(PatrolPlan, plan["id"]).active is False
    listed = client.get(URL, query_string={"school_id": row.school_id}, headers=admin)
    assert listed.get_json()["plans"] == []
    again = client.patch(f"{URL}/{plan['id']}", json={"name": "新名称"}, headers=admin)
    assert again.status_code == 409
    assert again.get_json()["error"]["code"] == "plan_inactive"


def test_removing_open_slots_spares_a_slot_a_patrol_points_at(app, demo, checkpoints):
    from tests.patrols.support_plans import make_patrol, make_plan

    plan = make_plan([checkpoints[0]])
    slot = make_slot(plan, checkpoints[0], DAY + timedelta(days=1))
    make_patrol(slot, user_id("demo-teacher"), local(DAY, 6), timedelta(0))
    _drop_open_slots(plan.id, local(DAY, 6))
    db.session.commit()
    assert [s.id for s in _slots(plan.id)] == [slot.id]
