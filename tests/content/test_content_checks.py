"""WeChat's content rules: risky text refused, review and unreachable WeChat hold, media verdicts
through the signed callback, the retry job, and the admins' release (with access rules)."""

from __future__ import annotations

import pytest
from sqlalchemy import func, select

from server.extensions import db
from server.models import ContentCheck, Notice, NoticeRecipient
from server.services.content_decisions import retry_pending
from tests.hazards.conftest import grant_role, make_jpeg, unit_by_code
from tests.support.concurrency import answer, together
from tests.support.content import CALLBACK, signed


@pytest.fixture
def school(demo, login):
    """The school admin of 符离中心小学 (whose parent, 张小明's mother, is bound)."""
    login("demo-parent")
    return login("demo-school_admin")


def write(client, headers, body="各位家长:暑假将至,请做到“六不一会”……", photo_id=None):
    """Write a notice to 符离中心小学's parents."""
    payload = {
        "unit_id": unit_by_code("YQ101").id,
        "title": "暑期防溺水致家长的一封信",
        "body": body,
        "unit_ids": [unit_by_code("YQ101").id],
    }
    if photo_id:
        payload["attachment_photo_id"] = photo_id
    return client.post("/api/v1/notices", json=payload, headers=headers)


def recipients(notice_id: int) -> int:
    """How many parent-child pairs the notice reached."""
    query = select(func.count()).where(NoticeRecipient.notice_id == notice_id)
    return db.session.scalar(query.select_from(NoticeRecipient))


def reviews(client, headers, code="YQ101"):
    """The held items an admin sees at a unit."""
    response = client.get(f"/api/v1/reviews?unit_id={unit_by_code(code).id}", headers=headers)
    assert response.status_code == 200, response.get_json()
    return response.get_json()["reviews"]


def test_risky_text_is_refused_and_nothing_is_saved(school, client):
    response = write(client, school, body="周末组织学生赌博活动")
    assert response.status_code == 422
    assert response.get_json()["error"]["code"] == "content_risky"
    assert db.session.scalar(select(func.count()).select_from(Notice)) == 0
    assert db.session.scalar(select(func.count()).select_from(ContentCheck)) == 0


def test_review_holds_the_notice_until_an_admin_releases_it(school, client, fake_wechat):
    fake_wechat.set_words({"代开发票": "review"})
    notice = write(client, school, body="家长可联系代开发票").get_json()
    sent = client.post(f"/api/v1/notices/{notice['id']}/send", headers=school)
    assert (sent.status_code, sent.get_json()["error"]["code"]) == (409, "content_held")
    assert recipients(notice["id"]) == 0  # no parent reached while held
    issued = client.get("/api/v1/notices", headers=school).get_json()["notices"]
    assert [(n["id"], n["under_review"]) for n in issued] == [(notice["id"], True)]
    held = reviews(client, school)
    assert [(r["subject"], r["subject_id"], r["status"]) for r in held] == [
        ("notice", notice["id"], "review")
    ]
    assert "代开发票" in held[0]["content"]
    released = client.post(f"/api/v1/reviews/{held[0]['id']}/release", headers=school)
    assert released.status_code == 200 and released.get_json()["status"] == "released"
    assert recipients(notice["id"]) > 0  # the writer had asked to send: sent on release
    issued = client.get("/api/v1/notices", headers=school).get_json()["notices"]
    assert issued[0]["under_review"] is False
    again = client.post(f"/api/v1/reviews/{held[0]['id']}/release", headers=school)
    assert (again.status_code, again.get_json()["error"]["code"]) == (409, "review_decided")
    assert reviews(client, school) == []


def test_rejected_text_stays_held(school, client, fake_wechat):
    fake_wechat.set_words({"代开发票": "review"})
    notice = write(client, school, body="家长可联系代开发票").get_json()
    check = reviews(client, school)[0]
    assert client.post(f"/api/v1/reviews/{check['id']}/reject", headers=school).status_code == 200
    sent = client.post(f"/api/v1/notices/{notice['id']}/send", headers=school)
    assert sent.get_json()["error"]["code"] == "content_held"
    assert recipients(notice["id"]) == 0


def test_unreachable_wechat_holds_and_the_retry_job_resolves(school, client, fake_wechat):
    fake_wechat.inject_failure("wxa/msg_sec_check", http_status=502)
    notice = write(client, school)
    assert notice.status_code == 201  # saved, not lost
    notice_id = notice.get_json()["id"]
    check = db.session.scalars(select(ContentCheck)).one()
    assert check.status == "pending"
    client.post(f"/api/v1/notices/{notice_id}/send", headers=school)  # 409, remembered
    assert recipients(notice_id) == 0
    fake_wechat.inject_failure("wxa/msg_sec_check", errcode=-1)
    assert retry_pending() == 0  # still unreachable: held, counted, kept
    db.session.expire_all()
    assert (check.status, check.attempts) == ("pending", 2)
    assert retry_pending() == 1  # WeChat answers pass: released and sent
    db.session.expire_all()
    assert check.status == "pass"
    assert recipients(notice_id) > 0


def test_a_text_found_risky_on_retry_is_refused_and_its_writer_told(school, client, fake_wechat):
    from server.models import Notification

    fake_wechat.inject_failure("wxa/msg_sec_check", http_status=502)
    notice_id = write(client, school, body="暑假前请家长参加组织赌博活动说明会").get_json()["id"]
    client.post(f"/api/v1/notices/{notice_id}/send", headers=school)  # 409, remembered
    fake_wechat.set_words({"组织赌博活动": "risky"})
    assert retry_pending() == 1
    check = db.session.scalars(select(ContentCheck)).one()
    assert check.status == "risky"
    assert recipients(notice_id) == 0  # never sent
    told = db.session.scalars(
        select(Notification).where(Notification.kind == "content_refused")
    ).one()
    assert "通知内容未通过微信内容安全检查" in told.body
    url = f"/api/v1/reviews?unit_id={unit_by_code('YQ101').id}"
    assert client.get(url, headers=school).get_json()["reviews"] == []  # not for release
    released = client.post(f"/api/v1/reviews/{check.id}/release", headers=school)
    assert (released.status_code, released.get_json()["error"]["code"]) == (
        409,
        "content_refused",
    )
    again = client.post(f"/api/v1/notices/{notice_id}/send", headers=school)
    assert again.status_code == 409 and recipients(notice_id) == 0


def test_bad_signature_is_refused_and_changes_nothing(app, school, client, upload):
    photo = upload(school, make_jpeg(7))
    notice = write(client, school, photo_id=photo["id"]).get_json()
    check = db.session.scalars(select(ContentCheck).where(ContentCheck.kind == "media")).one()
    assert check.trace_id  # the worker started WeChat's media check
    event = {
        "Event": "wxa_media_check",
        "trace_id": check.trace_id,
        "result": {"suggest": "pass", "label": 100},
    }
    for params in (signed("wrong"), {"signature": "x", "timestamp": "1", "nonce": "n"}):
        response = client.post(CALLBACK, query_string=params, json=event)
        assert response.status_code == 403
    db.session.expire_all()
    assert check.status == "pending"
    sent = client.post(f"/api/v1/notices/{notice['id']}/send", headers=school)
    assert sent.get_json()["error"]["code"] == "content_held"


def test_media_verdict_releases_the_photo(app, school, client, upload, fake_wechat):
    photo = upload(school, make_jpeg(8))
    notice = write(client, school, photo_id=photo["id"]).get_json()
    [started] = fake_wechat.media_checks()
    assert (started["media_type"], started["openid"]) == (2, "demo-school_admin")
    client.post(f"/api/v1/notices/{notice['id']}/send", headers=school)  # held: remembered
    event = fake_wechat.media_check_event(started["trace_id"], "pass")
    response = client.post(CALLBACK, query_string=signed(), json=event)
    assert response.status_code == 200 and response.data == b"success"
    assert recipients(notice["id"]) > 0
    check = db.session.scalars(select(ContentCheck)).one()
    assert (check.status, check.label) == ("pass", 100)
    # WeChat repeats a push it thinks was lost: nothing changes.
    assert client.post(CALLBACK, query_string=signed(), json=event).status_code == 200


def test_media_review_holds_the_photo_for_the_admin(app, school, client, upload, fake_wechat):
    photo = upload(school, make_jpeg(9))
    notice = write(client, school, photo_id=photo["id"]).get_json()
    [started] = fake_wechat.media_checks()
    event = fake_wechat.media_check_event(started["trace_id"], "review")
    assert client.post(CALLBACK, query_string=signed(), json=event).status_code == 200
    [held] = reviews(client, school)
    assert (held["kind"], held["status"], bool(held["photo_url"])) == ("media", "review", True)
    sent = client.post(f"/api/v1/notices/{notice['id']}/send", headers=school)
    assert sent.get_json()["error"]["code"] == "content_held"
    assert client.post(f"/api/v1/reviews/{held['id']}/release", headers=school).status_code == 200
    assert recipients(notice["id"]) > 0


def test_url_check_echoes_only_when_signed(app, client):
    assert client.get(CALLBACK, query_string={**signed(), "echostr": "e42"}).data == b"e42"
    bad = client.get(CALLBACK, query_string={**signed("wrong"), "echostr": "e42"})
    assert bad.status_code == 403


def test_access_sibling_404_teacher_403(school, client, login, fake_wechat):
    fake_wechat.set_words({"代开发票": "review"})
    write(client, school, body="家长可联系代开发票")
    [held] = reviews(client, school)
    supervisor = login("demo-supervisor")
    assert [r["id"] for r in reviews(client, supervisor, "YQ100")] == [held["id"]]  # reach down
    sibling = login("sibling-admin")
    grant_role("sibling-admin", "school_admin", "YQ102")
    response = client.post(f"/api/v1/reviews/{held['id']}/release", headers=sibling)
    assert response.status_code == 404
    teacher = login("demo-teacher")
    response = client.post(f"/api/v1/reviews/{held['id']}/release", headers=teacher)
    assert response.status_code == 403
    listed = client.get(f"/api/v1/reviews?unit_id={unit_by_code('YQ101').id}", headers=teacher)
    assert listed.status_code == 403
    db.session.expire_all()
    assert db.session.get(ContentCheck, held["id"]).status == "review"


def test_held_name_is_seen_by_its_writer_only_until_released(school, client, login, fake_wechat):
    fake_wechat.set_words({"代开发票": "review"})
    teacher = login("demo-teacher")
    changed = client.patch("/api/v1/me", json={"display_name": "代开发票王"}, headers=teacher)
    assert changed.status_code == 200
    assert changed.get_json() == {
        **changed.get_json(),
        "display_name": "代开发票王",
        "name_under_review": True,
    }
    staff = client.get(f"/api/v1/units/{unit_by_code('YQ101').id}/staff", headers=school)
    names = [p["display_name"] for p in staff.get_json()["staff"]]
    assert "代开发票王" not in names and "孙老师(值周巡查)" in names  # others see the old name
    [held] = reviews(client, school)
    assert (held["subject"], held["field"], held["content"]) == (
        "user",
        "display_name",
        "代开发票王",
    )
    assert client.post(f"/api/v1/reviews/{held['id']}/release", headers=school).status_code == 200
    staff = client.get(f"/api/v1/units/{unit_by_code('YQ101').id}/staff", headers=school)
    assert "代开发票王" in [p["display_name"] for p in staff.get_json()["staff"]]


def test_risky_name_is_refused(school, client, login):
    teacher = login("demo-teacher")
    changed = client.patch("/api/v1/me", json={"display_name": "赌博大王"}, headers=teacher)
    assert (changed.status_code, changed.get_json()["error"]["code"]) == (422, "content_risky")
    me = client.get("/api/v1/me", headers=teacher).get_json()["user"]
    assert me["display_name"] == "孙老师(值周巡查)"


def test_two_decisions_at_once_one_wins_and_the_notice_goes_out_once(
    app, school, client, login, fake_wechat
):
    fake_wechat.set_words({"代开发票": "review"})
    notice = write(client, school, body="家长可联系代开发票").get_json()
    client.post(f"/api/v1/notices/{notice['id']}/send", headers=school)  # remembered
    [held] = reviews(client, school)
    supervisor = login("demo-supervisor")
    url = f"/api/v1/reviews/{held['id']}/release"
    results = together(
        app,
        [
            lambda c: answer(c.post(url, headers=school)),
            lambda c: answer(c.post(url, headers=supervisor)),
        ],
    )
    statuses = sorted(status for status, _ in results)
    assert statuses == [200, 409]
    assert [body["error"]["code"] for status, body in results if status == 409] == [
        "review_decided"
    ]
    assert recipients(notice["id"]) == 1  # 张小明's mother, once


@pytest.mark.parametrize("failure", [{"errcode": 45009}, {"errcode": -1}, {"http_status": 503}])
def test_a_busy_or_down_wechat_holds_rather_than_refuses(school, client, fake_wechat, failure):
    fake_wechat.inject_failure("wxa/msg_sec_check", **failure)
    assert write(client, school).status_code == 201
    assert db.session.scalars(select(ContentCheck.status)).all() == ["pending"]
