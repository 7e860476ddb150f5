"""Water windows on the patrol engine: the slots of the window holding today and of the one
starting tomorrow, the reminder as a window opens, a window passed without a visit reported
missed to the water patrol and, at the first miss, the school's safety officer; the due visits,
today's rounds and the to-do list show a window opened on an earlier day."""

from __future__ import annotations

from datetime import date

import pytest
from sqlalchemy import delete, select

from server.api import patrol_rounds
from server.api import water_points as water_api
from server.extensions import db
from server.models import Notification
from server.models.patrols import SLOT_MISSED, SLOT_OPEN, PatrolSlot
from server.services import patrol_slots, todo
from server.services.patrol_missed import run_rounds
from server.services.patrol_slots import make_slots
from server.water_schedule import ScheduleError
from tests.patrols.support_plans import local, make_checkpoint, make_plan
from tests.support.statements import counted
from tests.water.conftest import user_id, water_plans


def _notes(kind: str) -> list[Notification]:
    query = select(Notification).where(Notification.kind == kind).order_by(Notification.id)
    return list(db.session.scalars(query))


def _slots(plan_id: int, after: date) -> list[PatrolSlot]:
    """The plan's slots from ``after`` on, by day."""
    db.session.expire_all()
    query = select(PatrolSlot).where(PatrolSlot.plan_id == plan_id, PatrolSlot.day >= after)
    return list(db.session.scalars(query.order_by(PatrolSlot.day)))


@pytest.fixture
def river(water, make_point):
    """A point of 符离中心小学 and the school's water-visit plan, without the slot its
    registration made for the real today (the tests set their own clock)."""
    point = make_point()
    [plan] = water_plans()
    db.session.execute(delete(PatrolSlot).where(PatrolSlot.plan_id == plan.id))
    db.session.commit()
    return point, plan


def test_the_window_of_today_and_the_one_starting_tomorrow_once(river):
    point, plan = river
    assert make_slots(local(date(2026, 5, 31), 12), plan_ids=[plan.id]) == 2
    assert make_slots(local(date(2026, 5, 31), 13), plan_ids=[plan.id]) == 0  # idempotent
    db.session.commit()
    regular, flood = _slots(plan.id, date(2026, 5, 1))
    assert (regular.day, regular.opens_at, regular.closes_at) == (
        date(2026, 5, 21), local(date(2026, 5, 21), 7), local(date(2026, 5, 31), 20),
    )  # fmt: skip
    assert (flood.day, flood.opens_at, flood.closes_at) == (
        date(2026, 6, 1), local(date(2026, 6, 1), 7), local(date(2026, 6, 7), 20),
    )  # fmt: skip
    assert flood.checkpoint_id == point["checkpoint_id"] and flood.status == SLOT_OPEN
    # In the summer holiday the windows are 3 days.
    make_slots(local(date(2026, 7, 12), 9), plan_ids=[plan.id])
    db.session.commit()
    summer = _slots(plan.id, date(2026, 7, 11))
    assert [(s.day, s.closes_at) for s in summer] == [
        (date(2026, 7, 11), local(date(2026, 7, 13), 20)),
    ]
    make_slots(local(date(2026, 7, 13), 9), plan_ids=[plan.id])
    db.session.commit()
    assert [s.day for s in _slots(plan.id, date(2026, 7, 11))] == [
        date(2026, 7, 11), date(2026, 7, 14),
    ]  # fmt: skip


def test_the_water_patrol_is_reminded_as_the_flood_window_opens(river):
    _point, plan = river
    make_slots(local(date(2026, 6, 1), 0), plan_ids=[plan.id])
    db.session.commit()
    # Windows open at 07:00 and close at 20:00 (China time): no push in the night.
    assert run_rounds(local(date(2026, 6, 1), 6, 59))["reminded"] == 0
    assert run_rounds(local(date(2026, 6, 1), 7, 0))["reminded"] == 1
    [note] = _notes("patrol_due")
    assert note.user_id == user_id("demo-water_patrol")
    assert "沱河符离段" in note.body and "06-01至06-07" in note.body
    assert run_rounds(local(date(2026, 6, 2), 9))["reminded"] == 0  # once


def test_a_point_not_visited_in_its_flood_window_is_reported_missed(river):
    _point, plan = river
    make_slots(local(date(2026, 6, 3), 9), plan_ids=[plan.id])
    db.session.commit()
    [flood] = _slots(plan.id, date(2026, 5, 1))
    assert flood.day == date(2026, 6, 1)
    assert run_rounds(local(date(2026, 6, 7), 19, 59))["missed"] == 0
    assert run_rounds(local(date(2026, 6, 7), 20, 0))["missed"] == 1
    db.session.expire_all()
    assert db.session.get(PatrolSlot, flood.id).status == SLOT_MISSED
    [missed] = _notes("patrol_missed")
    assert missed.user_id == user_id("demo-water_patrol") and "沱河符离段" in missed.body
    # The school's safety officer is told at the first miss (level 1), and only them.
    [told] = _notes("patrol_escalated")
    assert told.user_id == user_id("demo-school_admin")
    assert told.data["level"] == 1 and told.data["slot_id"] == flood.id
    assert run_rounds(local(date(2026, 6, 8), 0, 5))["missed"] == 0


@pytest.fixture
def june_third(monkeypatch):
    """The clock at 09:00 on 3 June 2026, in the flood window that began on 1 June."""
    now = local(date(2026, 6, 3), 9)
    for module in (patrol_rounds, todo, water_api):
        monkeypatch.setattr(module, "utcnow", lambda: now)
    return now


def test_a_window_opened_earlier_is_due_today(client, water, river, june_third):
    point, plan = river
    make_slots(june_third, plan_ids=[plan.id])
    db.session.commit()
    [flood] = _slots(plan.id, date(2026, 5, 1))
    headers = water["water_patrol"]
    due = client.get("/api/v1/water-points/due", headers=headers).get_json()
    assert due["count"] == 1
    [visit] = due["visits"]
    assert visit["slot_id"] == flood.id and visit["period_name"] == "汛期"
    assert visit["water_point"] == {
        "id": point["id"], "name": "沱河符离段", "kind": "river", "kind_name": "河流",
    }  # fmt: skip
    assert visit["checkpoint_id"] == point["checkpoint_id"]
    assert visit["school"]["name"] == "符离中心小学" and visit["status"] == "open"
    today = client.get("/api/v1/patrols/today", headers=headers).get_json()
    assert [s["id"] for s in today["slots"]] == [flood.id]
    todo_list = client.get("/api/v1/todo", headers=headers).get_json()
    assert [s["id"] for s in todo_list["patrols"]["items"]] == [flood.id]
    # Not the teacher's, who is not a water patrol.
    other = client.get("/api/v1/water-points/due", headers=water["teacher"]).get_json()
    assert other == {"visits": [], "count": 0}
    assert client.get("/api/v1/water-points/due", headers=water["parent"]).get_json()["count"] == 0


def test_the_due_list_is_a_fixed_number_of_statements(client, water, make_point, june_third):
    headers = water["water_patrol"]
    make_point(name="甲塘", kind="pond")
    make_slots(june_third, plan_ids=[water_plans()[0].id])
    db.session.commit()
    client.get("/api/v1/water-points/due", headers=headers)  # warm up
    db.session.expunge_all()
    with counted() as few:
        assert client.get("/api/v1/water-points/due", headers=headers).get_json()["count"] == 1
    for n in range(4):
        make_point(name=f"塘{n}", kind="pond")
    make_slots(june_third, plan_ids=[water_plans()[0].id])
    db.session.commit()
    db.session.expunge_all()
    with counted() as many:
        assert client.get("/api/v1/water-points/due", headers=headers).get_json()["count"] == 5
    assert len(many) == len(few)


def test_a_broken_schedule_stops_only_the_water_visits(river, monkeypatch):
    _point, water_plan = river
    fire = make_plan([make_checkpoint(name="食堂")])

    def broken(day):
        raise ScheduleError("2026.json: format must be 1")

    monkeypatch.setattr(patrol_slots, "window_containing", broken)
    # The fire plan's today and tomorrow (the demo's bus trips keep their own plans).
    assert make_slots(local(date(2026, 6, 3), 6), plan_ids=[fire.id, water_plan.id]) == 2
    db.session.commit()
    assert _slots(water_plan.id, date(2026, 1, 1)) == []
    assert len(_slots(fire.id, date(2026, 6, 3))) == 2
