"""Overdue hazards escalate school -> supervisor -> bureau, each step an event with notices."""

from __future__ import annotations

from datetime import date, timedelta

from sqlalchemy import select

from server.clock import local_today
from server.extensions import db
from server.models import Hazard, HazardEvent, Notification, User
from server.services.escalation import EscalationPolicy, escalate_overdue
from tests.support.plans import plan_for


def _planned_hazard(client, login, report) -> int:
    hid = report(login("demo-teacher"))[0].get_json()["id"]
    response = client.post(
        f"/api/v1/hazards/{hid}/plan", json=plan_for(hid), headers=login("demo-school_admin")
    )
    assert response.status_code == 200
    return hid


def _recipients(hid: int, level: int) -> set[str]:
    notes = db.session.scalars(
        select(Notification).where(
            Notification.hazard_id == hid, Notification.kind == "hazard_overdue"
        )
    )
    ids = {n.user_id for n in notes if n.data["level"] == level}
    return {u.openid for u in db.session.scalars(select(User).where(User.id.in_(ids)))}


def test_escalation_steps_and_recipients(demo, client, login, report):
    hid = _planned_hazard(client, login, report)
    deadline = db.session.get(Hazard, hid).deadline
    assert escalate_overdue(today=deadline) == 0  # due today: not yet late

    assert escalate_overdue(today=deadline + timedelta(days=1)) == 1
    assert _recipients(hid, 1) == {"demo-school_admin"}
    assert escalate_overdue(today=deadline + timedelta(days=1)) == 0  # once per level

    assert escalate_overdue(today=deadline + timedelta(days=3)) == 1
    assert _recipients(hid, 2) == {"demo-supervisor"}

    assert escalate_overdue(today=deadline + timedelta(days=7)) == 1
    assert _recipients(hid, 3) == {"demo-bureau_admin", "demo-bureau_staff"}
    events = db.session.scalars(
        select(HazardEvent)
        .where(HazardEvent.hazard_id == hid, HazardEvent.kind == "escalated")
        .order_by(HazardEvent.id)  # PostgreSQL returns rows in no particular order otherwise
    ).all()
    assert [e.changes["level"] for e in events] == [1, 2, 3]
    assert events[0].actor_id is None and events[2].changes["days_overdue"] == 7

    listed = client.get("/api/v1/hazards?overdue=true", headers=login("demo-supervisor"))
    assert [h["id"] for h in listed.get_json()["hazards"]] == []  # deadline is in the future


def test_a_late_job_still_walks_every_level(demo, client, login, report):
    hid = _planned_hazard(client, login, report)
    deadline = db.session.get(Hazard, hid).deadline
    assert escalate_overdue(today=deadline + timedelta(days=30)) == 1
    assert db.session.get(Hazard, hid).escalation_level == 3
    assert _recipients(hid, 1) and _recipients(hid, 2) and _recipients(hid, 3)


def test_submitted_verified_and_duplicate_hazards_do_not_escalate(demo, client, login, report):
    hid = _planned_hazard(client, login, report)
    hazard = db.session.get(Hazard, hid)
    hazard.status = "fix_submitted"
    db.session.commit()
    assert escalate_overdue(today=hazard.deadline + timedelta(days=10)) == 0


def test_overdue_filter_and_flag(demo, client, login, report):
    hid = _planned_hazard(client, login, report)
    hazard = db.session.get(Hazard, hid)
    hazard.deadline = local_today() - timedelta(days=2)
    db.session.commit()
    supervisor = login("demo-supervisor")
    late = client.get("/api/v1/hazards?overdue=true", headers=supervisor).get_json()["hazards"]
    assert [h["id"] for h in late] == [hid] and late[0]["overdue"] is True
    on_time = client.get("/api/v1/hazards?overdue=false", headers=supervisor).get_json()
    assert hid not in [h["id"] for h in on_time["hazards"]]


def test_policy_levels():
    policy = EscalationPolicy(school_days=0, supervisor_days=3, bureau_days=7)
    assert [policy.level_for(d) for d in (0, 1, 2, 3, 6, 7, 40)] == [0, 1, 1, 2, 2, 3, 3]


def test_jobs_cli_runs_the_escalation(demo, runner, client, login, report):
    hid = _planned_hazard(client, login, report)
    hazard = db.session.get(Hazard, hid)
    hazard.deadline = date.today() - timedelta(days=4)
    db.session.commit()
    result = runner.invoke(args=["jobs", "escalate"])
    assert result.exit_code == 0 and "1 hazard(s) escalated" in result.output


def test_periodic_tasks_are_scheduled():
    from datetime import datetime

    from server import jobs  # noqa: F401  (declares the tasks)
    from server.queue import huey

    def due(hour: int, minute: int) -> set[str]:
        return {t.name for t in huey.read_periodic(datetime(2026, 5, 1, hour, minute))}

    every_minute = {"run_due_schedules", "run_patrol_rounds"}
    every_five = {"requeue_deliveries", "retry_content_checks", "requeue_exports"}
    assert due(9, 30) == every_minute | every_five | {
        "escalate_overdue_hazards",
        "make_patrol_slots",
    }
    assert due(9, 45) == every_minute | every_five | {"make_patrol_slots"}
    assert due(9, 17) == every_minute | {"sweep_orphan_photos"}
    assert due(9, 5) == every_minute | every_five
    assert due(9, 7) == every_minute
    assert due(9, 47) == every_minute | {"sweep_export_files"}
