"""Compliance figures against a hand count: a known set of slots and patrols of three
checkpoints, two plans of one school and one of another, counted by checkpoint, person and
school, in a fixed number of statements."""

from __future__ import annotations

from datetime import time, timedelta

import pytest

from server.api import patrol_rounds
from server.models.patrols import SLOT_DONE, SLOT_LATE, SLOT_MISSED, SLOT_OPEN
from tests.hazards.conftest import grant_role, unit_by_code
from tests.patrols.support_plans import (
    DAY,
    local,
    make_checkpoint,
    make_patrol,
    make_plan,
    make_slot,
    user_id,
)
from tests.support.statements import counted

URL = "/api/v1/patrols/compliance"
NOW = local(DAY, 12)  # the 07:30-08:30 windows of DAY have closed; the 14:00 one has not


def _add(plan, checkpoint, offset, status, by=None, scanned=None, delay=0):
    """A slot ``offset`` days from DAY, with a patrol by ``by`` received ``delay`` minutes
    after its scan when given."""
    slot = make_slot(plan, checkpoint, DAY + timedelta(days=offset), status)
    if by:
        scan = scanned or slot.opens_at + timedelta(minutes=10)
        make_patrol(slot, user_id(by), scan, timedelta(minutes=delay))
    return slot


@pytest.fixture
def world(demo, login, monkeypatch):
    monkeypatch.setattr(patrol_rounds, "utcnow", lambda: NOW)
    grant_role("demo-water_patrol", "teacher", "YQ201")
    a1, a2 = make_checkpoint(name="食堂"), make_checkpoint(name="楼梯")
    b1 = make_checkpoint("YQ201", name="大门")
    teacher = make_plan([a1, a2])
    guards = make_plan(
        [a1],
        assignee_user_id=None,
        assignee_role="guard",
        window_start=time(14),
        window_end=time(15),
    )
    other = make_plan([b1], assignee_user_id=user_id("demo-water_patrol"))
    _add(teacher, a1, -4, SLOT_MISSED)  # before the period
    _add(teacher, a1, -3, SLOT_DONE, "demo-teacher")
    _add(teacher, a2, -3, SLOT_MISSED)
    late_scan = local(DAY - timedelta(days=2), 9)
    _add(teacher, a1, -2, SLOT_LATE, "demo-teacher", scanned=late_scan, delay=5)
    _add(teacher, a2, -2, SLOT_DONE, "demo-teacher", delay=45)  # a late submission
    _add(teacher, a1, -1, SLOT_MISSED)
    _add(teacher, a2, -1, SLOT_OPEN)  # closed, not yet marked: counted missed
    _add(teacher, a1, 0, SLOT_DONE, "demo-teacher", delay=31)  # a late submission
    _add(teacher, a2, 0, SLOT_OPEN)  # closed at 08:30: missed
    _add(guards, a1, -3, SLOT_MISSED)  # nobody did it: the role's row
    _add(guards, a1, -1, SLOT_DONE, "demo-guard")
    _add(guards, a1, 0, SLOT_OPEN)  # opens at 14:00: not due yet
    _add(other, b1, -2, SLOT_MISSED)
    _add(other, b1, 0, SLOT_DONE, "demo-water_patrol")
    return {"ids": {"a1": a1.id, "a2": a2.id, "b1": b1.id}, "admin": login("demo-bureau_admin")}


def _get(client, headers, unit_code="YQ000", by="checkpoint", **extra):
    query = {
        "unit_id": unit_by_code(unit_code).id,
        "date_from": (DAY - timedelta(days=3)).isoformat(),
        "date_to": DAY.isoformat(),
        "by": by,
        **extra,
    }
    return client.get(URL, query_string=query, headers=headers)


def _figures(due, on_time, late, missed, late_sent):
    return {
        "due": due,
        "done_on_time": on_time,
        "done_late": late,
        "missed": missed,
        "late_submissions": late_sent,
        "rate": round(on_time / due, 4) if due else None,
    }


def _rows(body) -> dict:
    return {
        row["key"]["name"]: {k: v for k, v in row.items() if k != "key"} for row in body["rows"]
    }


def test_by_checkpoint_matches_the_hand_count(client, world):
    response = _get(client, world["admin"])
    assert response.status_code == 200, response.get_json()
    body = response.get_json()
    assert _rows(body) == {
        "食堂": _figures(6, 3, 1, 2, 1),
        "楼梯": _figures(4, 1, 0, 3, 1),
        "大门": _figures(2, 1, 0, 1, 0),
    }
    assert [row["key"]["name"] for row in body["rows"]] == ["楼梯", "大门", "食堂"]  # worst first
    assert body["rows"][0]["key"]["id"] == world["ids"]["a2"]
    assert body["totals"] == _figures(12, 5, 1, 6, 2)


def test_by_school_and_by_person(client, world):
    schools = _rows(_get(client, world["admin"], by="school").get_json())
    assert schools == {
        "符离中心小学": _figures(10, 4, 1, 5, 2),
        "栏杆中心小学": _figures(2, 1, 0, 1, 0),
    }
    people = _get(client, world["admin"], by="person").get_json()
    assert _rows(people) == {
        "保安(岗位)": _figures(1, 0, 0, 1, 0),
        "孙老师(值周巡查)": _figures(8, 3, 1, 4, 2),
        "冯老师(水域巡查)": _figures(2, 1, 0, 1, 0),
        "吴师傅(保安)": _figures(1, 1, 0, 0, 0),
    }
    assert people["rows"][0]["key"] == {"id": None, "name": "保安(岗位)"}
    assert people["totals"] == _figures(12, 5, 1, 6, 2)


def test_a_units_subtree_only(client, world, login):
    body = _get(client, login("demo-supervisor"), "YQ100", by="school").get_json()
    assert _rows(body) == {"符离中心小学": _figures(10, 4, 1, 5, 2)}
    nothing = _get(client, world["admin"], "YQ301").get_json()
    assert nothing["rows"] == [] and nothing["totals"] == _figures(0, 0, 0, 0, 0)


def test_who_may_see_compliance(client, world, login):
    assert _get(client, login("demo-teacher"), "YQ101").status_code == 403
    assert _get(client, login("demo-bureau_staff")).status_code == 200
    assert _get(client, login("demo-inspector"), "YQ101").status_code == 200
    assert _get(client, login("demo-school_admin"), "YQ100").status_code == 404
    assert _get(client, login("demo-parent"), "YQ101").status_code == 404


def test_the_period_is_checked(client, world):
    admin = world["admin"]
    backwards = _get(client, admin, date_from=DAY.isoformat(), date_to="2026-06-01")
    assert backwards.status_code == 422
    assert _get(client, admin, date_from="2025-01-01").status_code == 422  # over 366 days
    assert _get(client, admin, by="class").status_code == 422
    unit = unit_by_code("YQ000").id
    default = client.get(URL, query_string={"unit_id": unit}, headers=admin)
    assert default.status_code == 200  # the last 30 days, by school


def test_a_fixed_number_of_statements(client, world):
    def cost(by: str) -> int:
        with counted() as seen:
            assert _get(client, world["admin"], by=by).status_code == 200
        return len(seen)

    before = {by: cost(by) for by in ("checkpoint", "person", "school")}
    extra = make_checkpoint(name="操场")
    plan = make_plan([extra], assignee_user_id=user_id("demo-guard"))
    for offset in range(-3, 1):
        _add(plan, extra, offset, SLOT_DONE, "demo-guard")
    assert {by: cost(by) for by in before} == before
