"""The inbox, and scheduled pushes (who, what, when, in season)."""

from __future__ import annotations

from datetime import UTC, date, datetime

from sqlalchemy import select

from server.extensions import db
from server.models import Notification, ScheduledPush
from server.services.notify import notify
from server.services.schedules import next_run, run_due
from tests.hazards.conftest import unit_by_code
from tests.notices.conftest import user_id


def _message(openid: str, title: str) -> None:
    notify(
        [user_id(openid)],
        kind="notice",
        title=title,
        body="正文",
        template_key="notice",
        values={"title": title},
    )
    db.session.commit()


def test_inbox_lists_counts_and_marks_read(app, client, login):
    headers = login("inbox-user")
    for i in range(3):
        _message("inbox-user", f"通知{i}")
    listed = client.get("/api/v1/inbox?limit=2", headers=headers).get_json()
    assert [m["title"] for m in listed["messages"]] == ["通知2", "通知1"]
    assert listed["unread_count"] == 3 and listed["next_before_id"]
    rest = client.get(f"/api/v1/inbox?before_id={listed['next_before_id']}", headers=headers)
    assert [m["title"] for m in rest.get_json()["messages"]] == ["通知0"]
    first = listed["messages"][0]["id"]
    assert client.post(f"/api/v1/inbox/{first}/read", headers=headers).get_json()["read"]
    assert client.get("/api/v1/inbox/unread-count", headers=headers).get_json() == {
        "unread_count": 2
    }
    unread = client.get("/api/v1/inbox?unread_only=true", headers=headers).get_json()
    assert len(unread["messages"]) == 2
    stranger = login("someone-else")
    assert client.post(f"/api/v1/inbox/{first}/read", headers=stranger).status_code == 404
    assert client.post("/api/v1/inbox/read-all", headers=headers).get_json()["unread_count"] == 0
    assert client.get("/api/v1/inbox?limit=0", headers=headers).status_code == 422


def _schedule(**changes) -> ScheduledPush:
    values = {
        "name": "t",
        "unit_id": 1,
        "audience": {},
        "template_key": "task_reminder",
        "title": "t",
        "body": "b",
        "recurrence": "daily",
        "weekdays": None,
        "time_of_day": "07:30",
        "season_start": None,
        "season_end": None,
        "starts_on": date(2026, 1, 1),
        "ends_on": None,
    }
    values.update(changes)
    return ScheduledPush(**values)


def at(y, m, d, hh=0, mm=0) -> datetime:
    """A UTC instant; China is UTC+8."""
    return datetime(y, m, d, hh, mm, tzinfo=UTC)


def test_next_run_rules():
    daily = _schedule()
    # 07:30 in China is 23:30 UTC the day before.
    assert next_run(daily, at(2026, 6, 1, 0, 0)) == at(2026, 6, 1, 23, 30)
    assert next_run(daily, at(2026, 6, 1, 23, 30)) == at(2026, 6, 2, 23, 30)
    school = _schedule(recurrence="school_days")
    # Friday 2026-06-05 07:30 CST ran; next is Monday 06-08 07:30 CST = 06-07 23:30 UTC.
    # (No calendar: school days are Monday to Friday; tests/notices/test_calendar_schedules.py
    # has the calendar's holidays and 调休.)
    assert next_run(school, at(2026, 6, 4, 23, 30), []) == at(2026, 6, 7, 23, 30)
    weekly = _schedule(recurrence="weekly", weekdays=[2])  # Wednesdays
    assert next_run(weekly, at(2026, 6, 1)).astimezone(UTC).date() == date(2026, 6, 2)
    summer = _schedule(season_start="05-01", season_end="09-30")
    assert next_run(summer, at(2026, 10, 15)) == at(2027, 4, 30, 23, 30)
    winter = _schedule(season_start="12-01", season_end="02-28")
    assert next_run(winter, at(2026, 6, 1)) == at(2026, 11, 30, 23, 30)
    once = _schedule(recurrence="once", starts_on=date(2026, 7, 1))
    assert next_run(once, at(2026, 6, 1)) == at(2026, 6, 30, 23, 30)
    assert next_run(once, at(2026, 7, 1)) is None
    ended = _schedule(ends_on=date(2026, 6, 1))
    assert next_run(ended, at(2026, 6, 2)) is None


def test_due_schedule_reaches_its_audience_and_moves_on(demo, client, login):
    admin = login("demo-supervisor")
    body = {
        "unit_id": unit_by_code("YQ100").id,
        "name": "暑期水域巡查提醒",
        "roles": ["water_patrol"],
        "title": "今日水域巡查",
        "body": "请按时巡查危险水域",
        "recurrence": "daily",
        "time_of_day": "07:30",
        "season_start": "05-01",
        "season_end": "09-30",
        "starts_on": "2026-01-01",
    }
    made = client.post("/api/v1/schedules", json=body, headers=admin)
    assert made.status_code == 201, made.get_json()
    schedule = db.session.get(ScheduledPush, made.get_json()["id"])
    schedule.next_run_at = at(2026, 7, 1, 23, 30)
    db.session.commit()
    assert run_due(now=at(2026, 7, 1, 23, 31)) == 1
    got = db.session.scalars(select(Notification).where(Notification.kind == "scheduled")).all()
    assert [n.user_id for n in got] == [user_id("demo-water_patrol")]
    assert schedule.next_run_at == at(2026, 7, 2, 23, 30)
    assert run_due(now=at(2026, 7, 1, 23, 40)) == 0  # not twice
    listed = client.get("/api/v1/schedules", headers=admin).get_json()["schedules"]
    assert [s["name"] for s in listed] == ["暑期水域巡查提醒"]


def test_schedule_validation_and_scope(demo, client, login):
    admin = login("demo-school_admin")
    base = {
        "unit_id": unit_by_code("YQ101").id,
        "name": "校车检查",
        "roles": ["bus_inspector"],
        "title": "出车前检查",
        "body": "请完成出车前检查",
        "recurrence": "weekly",
        "time_of_day": "06:50",
        "starts_on": "2026-01-01",
    }
    assert client.post("/api/v1/schedules", json=base, headers=admin).status_code == 422
    unknown = {**base, "weekdays": [0], "roles": ["bus_driver"]}  # not a role: would reach nobody
    refused = client.post("/api/v1/schedules", json=unknown, headers=admin)
    assert refused.status_code == 422 and "roles" in refused.get_json()["error"]["details"]
    for bad in (
        {"time_of_day": "25:00"},
        {"season_start": "13-01"},
        {"recurrence": "hourly"},
        {"template_key": "nope", "weekdays": [0]},
        {"roles": None, "weekdays": [0]},
    ):
        response = client.post(
            "/api/v1/schedules", json={**base, "weekdays": [0], **bad}, headers=admin
        )
        assert response.status_code == 422, bad
    ok = client.post("/api/v1/schedules", json={**base, "weekdays": [0, 2, 4]}, headers=admin)
    assert ok.status_code == 201
    outside = {**base, "weekdays": [0], "unit_id": unit_by_code("YQ201").id}
    assert client.post("/api/v1/schedules", json=outside, headers=admin).status_code == 404
    teacher = login("demo-teacher")
    assert (
        client.post(
            "/api/v1/schedules", json={**base, "weekdays": [0]}, headers=teacher
        ).status_code
        == 403
    )
    sid = ok.get_json()["id"]
    # In scope without the capability: forbidden (out of scope would be not found).
    assert client.delete(f"/api/v1/schedules/{sid}", headers=teacher).status_code == 403
    assert client.delete(f"/api/v1/schedules/{sid}", headers=admin).status_code == 204
