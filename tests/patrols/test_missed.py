"""Reminders before a slot opens and missed rounds when it closes undone: each told once, runs of
misses escalated to the safety officer and then the supervisor once each, also with two workers."""

from __future__ import annotations

from collections import Counter
from datetime import timedelta

import pytest
from sqlalchemy import select, update

from server import jobs
from server.extensions import db
from server.models import Notification
from server.models.patrols import SLOT_DONE, SLOT_MISSED, SLOT_OPEN, PatrolSlot
from server.services import patrol_missed
from server.services.patrol_missed import run_rounds
from server.services.patrol_slots import make_slots
from tests.hazards.conftest import grant_role
from tests.jobs.conftest import hold_first_claim, require_postgresql, two_workers
from tests.patrols.support_plans import DAY, local, make_checkpoint, make_plan, make_slot, user_id


@pytest.fixture
def canteen(demo):
    return make_checkpoint(name="食堂")


def _notes(kind: str) -> list[Notification]:
    query = select(Notification).where(Notification.kind == kind).order_by(Notification.id)
    return list(db.session.scalars(query))


def _slot(slot_id: int) -> PatrolSlot:
    return db.session.get(PatrolSlot, slot_id)


def test_a_reminder_before_the_window_once(canteen):
    stairs = make_checkpoint(name="楼梯")
    plan = make_plan([canteen, stairs], remind_minutes_before=30)  # 07:30-08:30, at 07:00
    make_slots(local(DAY, 6), plan_ids=[plan.id])
    db.session.commit()
    assert run_rounds(local(DAY, 6, 59)) == {"reminded": 0, "missed": 0, "pushes": 0}
    assert _notes("patrol_due") == []
    assert run_rounds(local(DAY, 7))["reminded"] == 2
    [note] = _notes("patrol_due")
    assert note.user_id == user_id("demo-teacher")
    assert "食堂" in note.body and "楼梯" in note.body and "07:30-08:30" in note.body
    assert len(note.data["slot_ids"]) == 2
    run_rounds(local(DAY, 7, 5))
    assert len(_notes("patrol_due")) == 1
    today = db.session.scalars(select(PatrolSlot).where(PatrolSlot.day == DAY)).all()
    tomorrow = db.session.scalars(select(PatrolSlot).where(PatrolSlot.day > DAY)).all()
    assert all(s.reminded_at is not None for s in today)
    assert all(s.reminded_at is None for s in tomorrow)


def test_a_role_plan_reminds_everyone_holding_the_role(canteen):
    grant_role("demo-teacher", "guard", "YQ101")
    make_plan([canteen], assignee_user_id=None, assignee_role="guard")
    make_slots(local(DAY, 6))
    db.session.commit()
    run_rounds(local(DAY, 7, 10))
    told = {n.user_id for n in _notes("patrol_due")}
    assert told == {user_id("demo-guard"), user_id("demo-teacher")}


def test_a_slot_closed_undone_is_missed_once_and_the_person_told(canteen):
    stairs = make_checkpoint(name="楼梯")
    plan = make_plan([canteen, stairs])
    done = make_slot(plan, canteen, DAY, SLOT_DONE).id
    undone = make_slot(plan, stairs, DAY).id
    assert run_rounds(local(DAY, 8, 29))["missed"] == 0
    assert run_rounds(local(DAY, 8, 30))["missed"] == 1
    assert run_rounds(local(DAY, 8, 31))["missed"] == 0
    assert _slot(done).status == SLOT_DONE
    assert _slot(undone).status == SLOT_MISSED and _slot(undone).missed_at == local(DAY, 8, 30)
    [note] = _notes("patrol_missed")
    assert note.user_id == user_id("demo-teacher") and "楼梯" in note.body
    assert _notes("patrol_escalated") == []  # one miss of two


def _escalations() -> Counter:
    return Counter((n.user_id, n.data["level"]) for n in _notes("patrol_escalated"))


def test_runs_of_misses_escalate_once_per_level(canteen):
    plan = make_plan([canteen], escalate_after_misses=2)
    officer, supervisor = user_id("demo-school_admin"), user_id("demo-supervisor")
    statuses = {}
    for offset in range(8):
        day = DAY + timedelta(days=offset)
        # The sixth round is done: the run of misses starts again after it.
        slot = make_slot(plan, canteen, day, SLOT_DONE if offset == 5 else SLOT_OPEN)
        run_rounds(local(day, 9))
        statuses[offset] = (slot.id, _escalations().copy())
    assert statuses[0][1] == Counter()
    assert statuses[1][1] == Counter({(officer, 1): 1})  # two in a row: the safety officer
    assert statuses[2][1] == Counter({(officer, 1): 1})
    assert statuses[3][1] == Counter({(officer, 1): 1, (supervisor, 2): 1})  # four: above
    assert statuses[4][1] == statuses[3][1]  # no more for the same run
    assert statuses[6][1] == statuses[3][1]  # a new run: one miss
    assert statuses[7][1] == Counter({(officer, 1): 2, (supervisor, 2): 1})
    levels = [_slot(slot_id).escalation_level for slot_id, _ in statuses.values()]
    assert levels == [0, 1, 0, 2, 0, 0, 0, 1]
    note = _notes("patrol_escalated")[0]
    assert "食堂" in note.body and "连续2次" in note.body


def test_a_job_back_after_days_tells_both_levels_once(canteen):
    plan = make_plan([canteen], escalate_after_misses=1)
    for offset in range(3):
        make_slot(plan, canteen, DAY + timedelta(days=offset))
    assert run_rounds(local(DAY + timedelta(days=3), 9))["missed"] == 3
    officer, supervisor = user_id("demo-school_admin"), user_id("demo-supervisor")
    assert _escalations() == Counter({(officer, 1): 1, (supervisor, 2): 1})
    assert len(_notes("patrol_missed")) == 1  # one message for the plan's three slots
    run_rounds(local(DAY + timedelta(days=3), 10))
    assert _escalations() == Counter({(officer, 1): 1, (supervisor, 2): 1})


def test_the_periodic_task_claims_its_minute(demo):
    # The demo's slots are all done, so whatever the time of day nothing is due or missed.
    db.session.execute(update(PatrolSlot).values(status=SLOT_DONE))
    db.session.commit()
    assert jobs.run_patrol_rounds.call_local() == {"reminded": 0, "missed": 0, "pushes": 0}
    assert jobs.run_patrol_rounds.call_local() is None


def test_two_workers_remind_miss_and_escalate_once(demo, canteen, monkeypatch):
    require_postgresql()
    stairs = make_checkpoint(name="楼梯")
    plans = [
        make_plan([canteen, stairs], name=f"计划{i}", escalate_after_misses=1) for i in range(3)
    ]
    for plan in plans:
        for offset in range(2):
            make_slot(plan, canteen, DAY + timedelta(days=offset))
            make_slot(plan, stairs, DAY + timedelta(days=offset))
    # Reminders first: both workers read the same due slots before either claims.
    hold_first_claim(monkeypatch, patrol_missed, "_claim_reminders")
    results = two_workers(demo, lambda: run_rounds(local(DAY, 7, 10)))
    assert sum(r["missed"] for r in results) == 0
    assert sorted(r["reminded"] for r in results) == [0, 6]  # DAY's slots, not the next day's
    assert Counter(n.data["plan_id"] for n in _notes("patrol_due")) == {p.id: 1 for p in plans}
    # Then both mark the same closed slots missed at once.
    hold_first_claim(monkeypatch, patrol_missed, "_claim_missed")
    results = two_workers(demo, lambda: run_rounds(local(DAY + timedelta(days=1), 9)))
    assert sorted(r["missed"] for r in results) == [0, 12]
    assert len(_notes("patrol_missed")) == 3
    # Each plan and checkpoint: level 1 at the first miss, level 2 at the second, once each.
    officer, supervisor = user_id("demo-school_admin"), user_id("demo-supervisor")
    assert _escalations() == Counter({(officer, 1): 6, (supervisor, 2): 6})
