"""Editing a scheduled push (PATCH /schedules/{id}): the fields given replace the stored ones,
checked as a new schedule is, the next run follows the new rules; the same access as creating
(out of scope 404, without ``schedule.manage`` 403); a changed text is checked by WeChat again."""

from __future__ import annotations

import json
from datetime import UTC, datetime

from sqlalchemy import func, select

from server.extensions import db
from server.models import ContentCheck, ScheduledPush
from server.services.schedules import next_run
from tests.hazards.conftest import unit_by_code
from tests.support.concurrency import answer, together

BODY = {
    "name": "校车检查",
    "roles": ["bus_inspector"],
    "title": "出车前检查",
    "body": "请完成出车前检查",
    "recurrence": "weekly",
    "weekdays": [0, 2, 4],
    "time_of_day": "06:50",
    "starts_on": "2026-01-01",
}


def _made(client, headers, unit_code="YQ101", **changes) -> dict:
    """A schedule created through the API at the unit."""
    body = {**BODY, "unit_id": unit_by_code(unit_code).id, **changes}
    response = client.post("/api/v1/schedules", json=body, headers=headers)
    assert response.status_code == 201, response.get_json()
    return response.get_json()


def test_an_edit_changes_the_fields_given_and_the_next_run(demo, client, login):
    admin = login("demo-school_admin")
    made = _made(client, admin)
    changes = {
        "name": "校车每日检查",
        "recurrence": "daily",
        "weekdays": None,
        "time_of_day": "07:10",
        "roles": ["bus_inspector", "guard"],
        "parents": True,
        "ends_on": "2099-12-31",
    }

    response = client.patch(f"/api/v1/schedules/{made['id']}", json=changes, headers=admin)

    assert response.status_code == 200, response.get_json()
    edited = response.get_json()
    assert edited["name"] == "校车每日检查" and edited["recurrence"] == "daily"
    assert edited["weekdays"] is None and edited["time_of_day"] == "07:10"
    assert edited["audience"] == {"roles": ["bus_inspector", "guard"], "parents": True}
    assert edited["ends_on"] == "2099-12-31"
    # What was not sent stays; the next run is computed by the new rules.
    assert (edited["title"], edited["body"], edited["unit_id"]) == (
        BODY["title"],
        BODY["body"],
        made["unit_id"],
    )
    stored = db.session.get(ScheduledPush, made["id"])
    assert stored.next_run_at != datetime.fromisoformat(made["next_run_at"])
    assert stored.next_run_at == next_run(stored, datetime.now(UTC))
    listed = client.get("/api/v1/schedules", headers=admin).get_json()["schedules"]
    assert [s["name"] for s in listed] == ["校车每日检查"]


def test_an_edit_is_checked_as_a_new_schedule(demo, client, login):
    admin = login("demo-school_admin")
    sid = _made(client, admin)["id"]
    for bad in (
        {"weekdays": None},  # still weekly
        {"weekdays": []},
        {"recurrence": "hourly"},
        {"time_of_day": "25:00"},
        {"season_start": "13-01"},
        {"roles": ["bus_driver"]},
        {"roles": None},  # nobody would receive it
        {"title": "  "},
        {"template_key": "nope"},
        {"unit_id": unit_by_code("YQ102").id},  # a schedule stays at its unit
        {"starts_on": "9999-01-01"},
    ):
        response = client.patch(f"/api/v1/schedules/{sid}", json=bad, headers=admin)
        assert response.status_code == 422, bad
        assert response.get_json()["error"]["code"] == "validation_error", bad
    assert db.session.get(ScheduledPush, sid).recurrence == "weekly"
    assert db.session.get(ScheduledPush, sid).audience == {"roles": ["bus_inspector"]}


def test_the_same_access_as_creating(demo, client, login):
    admin = login("demo-school_admin")
    sid = _made(client, admin)["id"]
    above = _made(client, login("demo-supervisor"), unit_code="YQ100")["id"]
    change = {"name": "改名"}
    # In scope without schedule.manage: forbidden; out of scope (a unit above): not found.
    teacher = client.patch(f"/api/v1/schedules/{sid}", json=change, headers=login("demo-teacher"))
    assert (teacher.status_code, teacher.get_json()["error"]["code"]) == (403, "forbidden")
    assert client.patch(f"/api/v1/schedules/{above}", json=change, headers=admin).status_code == 404
    assert client.patch("/api/v1/schedules/999999", json=change, headers=admin).status_code == 404
    assert client.patch(f"/api/v1/schedules/{sid}", json=change).status_code == 401
    assert db.session.get(ScheduledPush, sid).name == BODY["name"]
    # The supervisor above manages the school's schedules too.
    response = client.patch(
        f"/api/v1/schedules/{sid}", json=change, headers=login("demo-supervisor")
    )
    assert response.status_code == 200 and response.get_json()["name"] == "改名"


def test_a_changed_text_is_checked_again(demo, client, login, fake_wechat):
    admin = login("demo-school_admin")
    sid = _made(client, admin)["id"]
    risky = client.patch(
        f"/api/v1/schedules/{sid}", json={"body": "周末组织学生赌博活动"}, headers=admin
    )
    assert (risky.status_code, risky.get_json()["error"]["code"]) == (422, "content_risky")
    assert db.session.get(ScheduledPush, sid).body == BODY["body"]

    fake_wechat.set_words({"代开发票": "review"})
    held = client.patch(
        f"/api/v1/schedules/{sid}", json={"body": "如需代开发票请联系后勤"}, headers=admin
    )
    assert held.status_code == 200
    checks = select(func.count()).select_from(ContentCheck).where(ContentCheck.subject_id == sid)
    assert db.session.scalar(checks.where(ContentCheck.subject == "schedule")) == 1
    # Written again in words that pass: the hold goes with the old text.
    cleared = client.patch(
        f"/api/v1/schedules/{sid}", json={"body": "请按时检查校车"}, headers=admin
    )
    assert cleared.status_code == 200
    assert db.session.scalar(checks.where(ContentCheck.subject == "schedule")) == 0


def test_hostile_edits_get_clear_answers(demo, client, login):
    admin = login("demo-school_admin")
    sid = _made(client, admin)["id"]
    past = client.patch("/api/v1/schedules/2147483648", json={"name": "x"}, headers=admin)
    assert (past.status_code, past.get_json()["error"]["code"]) == (404, "not_found")
    hostile = (("name", "巡\x00查"), ("title", "a\x07b"), ("body", "\ud800"), ("name", "　 "))
    for field, value in hostile:
        raw = json.dumps({field: value})  # ASCII escapes: a lone surrogate cannot be UTF-8
        response = client.patch(
            f"/api/v1/schedules/{sid}", data=raw, content_type="application/json", headers=admin
        )
        assert response.status_code == 422, (field, value)
        assert field in response.get_json()["error"]["details"], (field, value)
    assert db.session.get(ScheduledPush, sid).name == BODY["name"]

    # Two edits at once: each is a whole edit, the later one stands; neither fails.
    def rename(name):
        def call(other):
            return answer(
                other.patch(f"/api/v1/schedules/{sid}", json={"name": name}, headers=admin)
            )

        return call

    results = together(demo, [rename("早班检查"), rename("晚班检查")])
    assert [status for status, _ in results] == [200, 200], results
    db.session.expire_all()
    assert db.session.get(ScheduledPush, sid).name in {"早班检查", "晚班检查"}
