"""Scheduled reminders reach other people, so their text goes through WeChat's text check too:
risky is refused, a held schedule sends nothing until an admin releases it."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import func, select

from server.extensions import db
from server.models import Notification, ScheduledPush, utcnow
from server.services.schedules import run_due
from tests.content.test_content_checks import reviews
from tests.hazards.conftest import unit_by_code


def _schedule(client, headers, body):
    return client.post(
        "/api/v1/schedules",
        json={
            "unit_id": unit_by_code("YQ101").id,
            "name": "每日巡查提醒",
            "roles": ["teacher"],
            "title": "今日巡查",
            "body": body,
            "recurrence": "daily",
            "time_of_day": "07:30",
            "starts_on": "2026-01-01",
        },
        headers=headers,
    )


def _fire_now(schedule_id: int) -> int:
    """Make the schedule due and run the minute job; returns the messages written."""
    db.session.execute(
        ScheduledPush.__table__.update()
        .where(ScheduledPush.id == schedule_id)
        .values(next_run_at=utcnow() - timedelta(minutes=1))
    )
    db.session.commit()
    run_due()
    return db.session.scalar(
        select(func.count()).select_from(Notification).where(Notification.kind == "scheduled")
    )


def test_a_risky_schedule_is_refused(demo, client, login):
    response = _schedule(client, login("demo-school_admin"), "周末组织学生赌博活动")
    assert (response.status_code, response.get_json()["error"]["code"]) == (422, "content_risky")
    assert db.session.scalar(select(func.count()).select_from(ScheduledPush)) == 0


def test_a_held_schedule_sends_nothing_until_released(demo, client, login, fake_wechat):
    admin = login("demo-school_admin")
    fake_wechat.set_words({"代开发票": "review"})
    made = _schedule(client, admin, "如需代开发票请联系后勤")
    assert made.status_code == 201, made.get_json()
    assert _fire_now(made.get_json()["id"]) == 0  # held: this firing is skipped
    held = reviews(client, admin)
    assert [(r["subject"], r["subject_id"]) for r in held] == [("schedule", made.get_json()["id"])]
    assert client.post(f"/api/v1/reviews/{held[0]['id']}/release", headers=admin).status_code == 200
    assert _fire_now(made.get_json()["id"]) > 0
    # Deleting a schedule drops its checks with it.
    assert (
        client.delete(f"/api/v1/schedules/{made.get_json()['id']}", headers=admin).status_code
        == 204
    )
