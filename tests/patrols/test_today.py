"""The caller's rounds of today (GET /patrols/today) and the to-do list's ``patrols`` group: the
caller's own slots (named, or by a role held at the school), in a fixed number of statements."""

from __future__ import annotations

from datetime import time, timedelta

import pytest

from server.api import patrol_rounds
from server.extensions import db
from server.models import User
from server.models.content import REVIEW, TEXT, ContentCheck
from server.models.patrols import SLOT_DONE, SLOT_MISSED, PatrolPlan
from server.services import content, patrol_today, todo
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

TODAY_URL = "/api/v1/patrols/today"


@pytest.fixture
def rounds(demo, login, monkeypatch):
    """The teacher's day: a named plan with a done and an open slot, a guard-role plan later in
    the day, yesterday's miss, and a colleague's slot; the clock at 07:45 of DAY."""
    clock = {"now": local(DAY, 7, 45)}
    monkeypatch.setattr(patrol_rounds, "utcnow", lambda: clock["now"])
    monkeypatch.setattr(todo, "utcnow", lambda: clock["now"])
    grant_role("demo-teacher", "guard", "YQ101")
    canteen, stairs = make_checkpoint(name="食堂"), make_checkpoint(name="楼梯")
    named = make_plan([canteen, stairs], name="早间防火巡查")
    by_role = make_plan([canteen], name="保安巡逻", assignee_user_id=None, assignee_role="guard")
    by_role.window_start, by_role.window_end = time(10), time(11)
    class_teacher = user_id("demo-class_teacher")
    colleague = make_plan([stairs], name="班主任巡查", assignee_user_id=class_teacher)
    db.session.commit()
    done = make_slot(named, canteen, DAY, SLOT_DONE)
    patrol = make_patrol(done, user_id("demo-teacher"), local(DAY, 7, 40), timedelta(0))
    slots = {
        "done": done.id,
        "open": make_slot(named, stairs, DAY).id,
        "later": make_slot(by_role, canteen, DAY).id,
        "yesterday": make_slot(named, stairs, DAY - timedelta(days=1), SLOT_MISSED).id,
        "colleague": make_slot(colleague, stairs, DAY).id,
    }
    return {
        "clock": clock,
        "slots": slots,
        "patrol": patrol.id,
        "plans": (named, by_role),
        "checkpoints": (canteen, stairs),
        "teacher": login("demo-teacher"),
    }


def test_today_lists_the_callers_slots_with_counts(client, rounds):
    body = client.get(TODAY_URL, headers=rounds["teacher"]).get_json()
    slots = rounds["slots"]
    # By opening time, then school and checkpoint name (楼梯 before 食堂 in code point order).
    assert [s["id"] for s in body["slots"]] == [slots["open"], slots["done"], slots["later"]]
    first = body["slots"][1]
    assert first["status"] == "done" and first["patrol_id"] == rounds["patrol"]
    assert first["plan"]["name"] == "早间防火巡查" and first["checkpoint"]["name"] == "食堂"
    assert first["school"] == {"id": unit_by_code("YQ101").id, "name": "符离中心小学"}
    assert first["opens_at"].startswith("2026-06-02T23:30")
    assert body["slots"][0]["patrol_id"] is None
    assert body["counts"] == {"open": 2, "done": 1, "late": 0, "missed": 0}


def test_todo_offers_open_slots_opening_within_the_hour(client, rounds):
    found = client.get("/api/v1/todo", headers=rounds["teacher"]).get_json()
    assert found["patrols"]["count"] == 1
    assert [s["id"] for s in found["patrols"]["items"]] == [rounds["slots"]["open"]]
    assert found["total"] >= 1 + found["notices"]["count"]
    rounds["clock"]["now"] = local(DAY, 9, 10)  # the 07:30 window closed; 10:00 opens soon
    found = client.get("/api/v1/todo", headers=rounds["teacher"]).get_json()
    assert [s["id"] for s in found["patrols"]["items"]] == [rounds["slots"]["later"]]
    rounds["clock"]["now"] = local(DAY, 8, 50)  # 10:00 is more than an hour away
    assert client.get("/api/v1/todo", headers=rounds["teacher"]).get_json()["patrols"] == {
        "count": 0,
        "items": [],
    }


def test_others_see_only_their_own(client, login, rounds):
    guard = client.get(TODAY_URL, headers=login("demo-guard")).get_json()
    assert [s["id"] for s in guard["slots"]] == [rounds["slots"]["later"]]
    parent = client.get(TODAY_URL, headers=login("demo-parent")).get_json()
    assert parent == {"slots": [], "counts": {"open": 0, "done": 0, "late": 0, "missed": 0}}
    mother = db.session.get(User, user_id("demo-parent"))
    with counted() as seen:
        assert patrol_today.todo_group(mother, local(DAY, 7, 45)) == {"count": 0, "items": []}
    assert seen == []  # a parent's to-do runs no patrol query


def test_a_held_plan_name_is_masked(client, rounds):
    named = rounds["plans"][0]
    db.session.add(
        ContentCheck(
            kind=TEXT,
            subject="patrol_plan",
            subject_id=named.id,
            field="name",
            content=named.name,
            writer_id=user_id("demo-school_admin"),
            unit_id=named.school_id,
            status=REVIEW,
        )
    )
    db.session.commit()
    body = client.get(TODAY_URL, headers=rounds["teacher"]).get_json()
    assert body["slots"][0]["plan"]["name"] == content.MASK
    assert body["slots"][2]["plan"]["name"] == "保安巡逻"


def _statements(client, headers, url) -> int:
    db.session.remove()  # a cold session, as a new request has
    with counted() as seen:
        assert client.get(url, headers=headers).status_code == 200
    return len(seen)


def test_a_fixed_number_of_statements(client, rounds):
    teacher, named_id = rounds["teacher"], rounds["plans"][0].id
    today, todo_cost = (_statements(client, teacher, u) for u in (TODAY_URL, "/api/v1/todo"))
    named = db.session.get(PatrolPlan, named_id)
    for i in range(5):
        extra = make_checkpoint(name=f"点位{i}")
        named.checkpoints.append(extra)
        db.session.commit()
        make_slot(named, extra, DAY)
    assert len(client.get(TODAY_URL, headers=teacher).get_json()["slots"]) == 8
    assert _statements(client, teacher, TODAY_URL) == today
    assert _statements(client, teacher, "/api/v1/todo") == todo_cost
