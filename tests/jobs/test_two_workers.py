"""Two workers running the same jobs at the same moment on PostgreSQL: every scheduled firing,
escalation step and push happens once."""

from __future__ import annotations

from collections import Counter
from datetime import UTC, datetime, timedelta

from sqlalchemy import select

from server.extensions import db
from server.models import (
    Delivery,
    Hazard,
    HazardEvent,
    Notification,
    SubscriptionGrant,
)
from server.services import delivery, escalation, schedules
from server.services.escalation import escalate_overdue
from server.services.schedules import run_due
from tests.hazards.test_escalation import _planned_hazard
from tests.jobs.conftest import (
    due_water_reminders,
    hold_first_claim,
    parents_with_pushes,
    require_postgresql,
    two_workers,
)

NOW = datetime(2026, 7, 1, 23, 31, tzinfo=UTC)


def test_each_due_schedule_fires_once(demo, login, monkeypatch):
    require_postgresql()
    login("demo-water_patrol")
    made = due_water_reminders(3, NOW - timedelta(minutes=1))
    hold_first_claim(monkeypatch, schedules, "_claim_firing")

    fired = two_workers(demo, lambda: run_due(now=NOW))

    assert sum(fired) == 3
    notes = db.session.scalars(select(Notification).where(Notification.kind == "scheduled"))
    assert Counter(n.data["schedule_id"] for n in notes) == dict.fromkeys(made, 1)
    assert run_due(now=NOW) == 0  # and a hand-run CLI afterwards finds nothing due


def test_each_escalation_step_happens_once(demo, client, login, report, monkeypatch):
    require_postgresql()
    hid = _planned_hazard(client, login, report)
    late = db.session.get(Hazard, hid).deadline + timedelta(days=30)
    hold_first_claim(monkeypatch, escalation, "_claim_level")

    moved = two_workers(demo, lambda: escalate_overdue(today=late))

    assert sorted(moved) == [0, 1]
    events = db.session.scalars(
        select(HazardEvent).where(HazardEvent.hazard_id == hid, HazardEvent.kind == "escalated")
    ).all()
    assert sorted(e.changes["level"] for e in events) == [1, 2, 3]
    notes = db.session.scalars(
        select(Notification).where(
            Notification.hazard_id == hid, Notification.kind == "hazard_overdue"
        )
    )
    per_level = Counter((n.data["level"], n.user_id) for n in notes)
    assert per_level and set(per_level.values()) == {1}
    assert db.session.get(Hazard, hid).escalation_level == 3


def test_one_batch_dispatched_by_two_workers_messages_each_parent_once(
    app, fake_wechat, templates, monkeypatch
):
    require_postgresql()
    ids = parents_with_pushes(fake_wechat, templates["notice"], 45)
    hold_first_claim(monkeypatch, delivery, "_claim")

    results = two_workers(app, lambda: delivery.dispatch(ids, batch=10))

    assert sum(r.sent for r in results) == 45
    assert Counter(m["touser"] for m in fake_wechat.messages()) == {
        f"par-{i:03d}": 1 for i in range(45)
    }
    assert set(db.session.scalars(select(Delivery.status))) == {"sent"}
    assert set(db.session.scalars(select(SubscriptionGrant.remaining))) == {0}
