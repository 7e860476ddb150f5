"""Notices and push at the same moment: first subscription reports from two phones, and two
taps on "remind" — a clear answer each, no 500, no lost accept, one set of messages."""

from __future__ import annotations

from sqlalchemy import func, select

from server.extensions import db
from server.models import ClassReminder, Delivery, Notification, SubscriptionGrant
from tests.hazards.conftest import unit_by_code
from tests.notices.conftest import user_id
from tests.support.concurrency import answer, together

REPORTS = 5


def _remaining(openid: str, template_id: str) -> int:
    return db.session.scalar(
        select(SubscriptionGrant.remaining).where(
            SubscriptionGrant.user_id == user_id(openid),
            SubscriptionGrant.template_id == template_id,
        )
    )


def test_concurrent_accepts_are_all_counted(app, login, templates):
    parent = login("race-parent")
    notice, reminder = templates["notice"], templates["reminder"]

    def accept(client):
        body = {"results": {notice: "accept", reminder: "accept"}}
        return answer(client.post("/api/v1/subscriptions", json=body, headers=parent))

    # The first reports (no grant row yet), then again with the rows in place.
    for wave in (1, 2):
        results = together(app, [accept] * REPORTS)
        assert [status for status, _ in results] == [200] * REPORTS, results
        assert _remaining("race-parent", notice) == REPORTS * wave
        assert _remaining("race-parent", reminder) == REPORTS * wave
    rows = select(func.count()).select_from(SubscriptionGrant)
    assert db.session.scalar(rows) == 2


def _sent_notice(client, login) -> tuple[int, int]:
    """A notice of 符离中心小学 sent to its parents; returns (notice id, the first class id)."""
    school = login("demo-school_admin")
    body = {
        "unit_id": unit_by_code("YQ101").id,
        "title": "暑期防溺水致家长的一封信",
        "body": "各位家长:暑假将至,请做到“六不一会”……",
        "unit_ids": [unit_by_code("YQ101").id],
    }
    notice = client.post("/api/v1/notices", json=body, headers=school).get_json()
    assert client.post(f"/api/v1/notices/{notice['id']}/send", headers=school).status_code == 200
    return notice["id"], unit_by_code("YQ101").classes[0].id


def test_parallel_reminders_remind_once(demo, client, login, templates):
    notice_id, class_id = _sent_notice(client, login)
    teacher = login("demo-class_teacher")  # 一年级1班, where the demo parent's child is

    def remind(client):
        url = f"/api/v1/notices/{notice_id}/classes/{class_id}/remind"
        return answer(client.post(url, headers=teacher))

    results = together(demo, [remind] * 3)
    assert sorted(status for status, _ in results) == [200, 409, 409], results
    assert {r["error"]["code"] for s, r in results if s == 409} == {"already_reminded_today"}
    assert next(r for s, r in results if s == 200) == {"reminded": 1}
    assert db.session.scalar(select(func.count()).select_from(ClassReminder)) == 1
    reminders = select(Notification.id).where(Notification.kind == "notice_reminder")
    assert len(db.session.scalars(reminders).all()) == 1
    deliveries = select(func.count()).select_from(Delivery)
    assert db.session.scalar(deliveries.where(Delivery.notification_id.in_(reminders))) == 1
