"""Each rectification step tells exactly who must act next (inbox, and a push where granted),
never the person who took the step; a step lost to a race tells nobody."""

from __future__ import annotations

from sqlalchemy import func, select

from server.extensions import db
from server.models import Delivery, Notification, User
from tests.hazards.conftest import HERE, grant_role
from tests.hazards.test_concurrency import _posts
from tests.notices.conftest import give_grant
from tests.notices.conftest import templates as templates  # a fixture, used by name
from tests.support.concurrency import together
from tests.support.plans import PLAN, plan_for


def _news(hid: int, kind: str) -> dict[str, str]:
    """openid -> delivery status of the messages of ``kind`` about the hazard."""
    rows = db.session.execute(
        select(User.openid, Delivery.status)
        .join(Notification, Notification.user_id == User.id)
        .join(Delivery, Delivery.notification_id == Notification.id)
        .where(Notification.hazard_id == hid, Notification.kind == kind)
    ).all()
    openids = [openid for openid, _status in rows]
    assert len(openids) == len(set(openids)), f"someone was told twice: {openids}"
    return dict(rows)


def _me(client, headers) -> int:
    return client.get("/api/v1/me", headers=headers).get_json()["user"]["id"]


def _fix(client, headers, hid, upload):
    body = {**HERE, "photo_ids": [upload(headers)["id"]], "note": "已整改"}
    response = client.post(f"/api/v1/hazards/{hid}/fix", json=body, headers=headers)
    assert response.status_code == 200, response.get_json()


def test_each_step_tells_the_next_person(people, client, report, upload, templates, fake_wechat):
    give_grant("demo-school_admin", templates["hazard_reported"])
    teacher, school = people["teacher@own"], people["school_admin@own"]
    hid = report(teacher)[0].get_json()["id"]
    assert _news(hid, "hazard_reported") == {"demo-school_admin": "sent"}  # granted: pushed
    (pushed,) = fake_wechat.messages()
    assert pushed["touser"] == "demo-school_admin"
    assert pushed["page"] == f"pages/hazards/detail?id={hid}"

    plan = {**PLAN, "responsible_user_id": _me(client, teacher)}
    assert client.post(f"/api/v1/hazards/{hid}/plan", json=plan, headers=school).status_code == 200
    assert _news(hid, "hazard_assigned") == {"demo-teacher": "no_grant"}

    assert client.post(f"/api/v1/hazards/{hid}/start", json={}, headers=teacher).status_code == 200
    _fix(client, teacher, hid, upload)
    assert _news(hid, "hazard_fix_submitted") == {"demo-school_admin": "no_grant"}

    back = {"reason": "仍裸露"}
    rejected = client.post(f"/api/v1/hazards/{hid}/reject", json=back, headers=school)
    assert rejected.status_code == 200
    assert _news(hid, "hazard_rejected") == {"demo-teacher": "no_grant"}
    note = db.session.scalars(
        select(Notification).where(Notification.kind == "hazard_rejected")
    ).one()
    assert "仍裸露" in note.body and note.page == f"pages/hazards/detail?id={hid}"

    _fix(client, teacher, hid, upload)
    verified = client.post(f"/api/v1/hazards/{hid}/verify", json={}, headers=school)
    assert verified.status_code == 200
    assert _news(hid, "hazard_verified") == {"demo-teacher": "no_grant"}
    # Each fix submitted was one message to the signer; the signer's own steps told nobody else.
    counts = db.session.execute(
        select(Notification.kind, func.count())
        .where(Notification.hazard_id == hid)
        .group_by(Notification.kind)
    ).all()
    assert dict(counts) == {
        "hazard_reported": 1,
        "hazard_assigned": 1,
        "hazard_fix_submitted": 2,
        "hazard_rejected": 1,
        "hazard_verified": 1,
    }


def test_the_actor_is_never_told(people, client, report, upload):
    school = people["school_admin@own"]
    hid = report(school)[0].get_json()["id"]
    assert _news(hid, "hazard_reported") == {}  # the only planner reported it
    plan = {**PLAN, "responsible_user_id": _me(client, school)}
    assert client.post(f"/api/v1/hazards/{hid}/plan", json=plan, headers=school).status_code == 200
    assert _news(hid, "hazard_assigned") == {}
    assert client.post(f"/api/v1/hazards/{hid}/start", json={}, headers=school).status_code == 200
    _fix(client, school, hid, upload)
    # The fixer cannot sign off their own fix; nobody else at the school may: nobody is told.
    assert _news(hid, "hazard_fix_submitted") == {}


def test_a_major_fix_goes_to_the_signers_above(people, client, report, upload):
    grant_role("demo-teacher", "school_admin", "YQ101")  # a second planner at the school
    school = people["school_admin@own"]
    hid = report(people["teacher@own"], severity="major")[0].get_json()["id"]
    assert _news(hid, "hazard_reported") == {"demo-school_admin": "no_grant"}  # not the reporter
    planned = client.post(f"/api/v1/hazards/{hid}/plan", json=plan_for(hid), headers=school)
    assert planned.status_code == 200
    assert _news(hid, "hazard_assigned") == {"demo-teacher": "no_grant"}  # the other planner
    assert client.post(f"/api/v1/hazards/{hid}/start", json={}, headers=school).status_code == 200
    _fix(client, school, hid, upload)
    # Strictly above the school, with hazard.signoff_major; not the sibling centre's supervisor.
    assert _news(hid, "hazard_fix_submitted") == {
        "demo-supervisor": "no_grant",
        "demo-bureau_admin": "no_grant",
    }
    supervisor = people["supervisor@above"]
    back = client.post(
        f"/api/v1/hazards/{hid}/reject", json={"reason": "不合格"}, headers=supervisor
    )
    assert back.status_code == 200
    assert _news(hid, "hazard_rejected") == {"demo-school_admin": "no_grant"}


def test_a_step_lost_to_a_race_tells_nobody(app, people, client, report, upload):
    from tests.hazards.conftest import advance

    school, supervisor, bureau = (
        people[k] for k in ("school_admin@own", "supervisor@above", "bureau_admin@above")
    )
    hid = report(people["teacher@own"])[0].get_json()["id"]
    advance(client, school, hid, upload, "fix_submitted")
    results = together(
        app,
        _posts(
            [
                (supervisor, f"/api/v1/hazards/{hid}/verify", {"note": "合格"}),
                (bureau, f"/api/v1/hazards/{hid}/reject", {"reason": "未整改到位"}),
            ]
        ),
    )
    assert sorted(status for status, _ in results) == [200, 409]
    told = {**_news(hid, "hazard_verified"), **_news(hid, "hazard_rejected")}
    # The winner's one message went to the reporter (verified) or the fixer (rejected).
    assert list(told) in (["demo-teacher"], ["demo-school_admin"])


def test_closing_without_a_plan_tells_who_needs_to_know(people, client, report, upload):
    teacher, school = people["teacher@own"], people["school_admin@own"]
    # Fixed on the spot by the teacher who found it: the school's planners learn of it.
    spot = report(teacher)[0].get_json()["id"]
    body = {**HERE, "photo_ids": [upload(teacher)["id"]], "note": "已当场更换插座"}
    assert (
        client.post(f"/api/v1/hazards/{spot}/fix-on-spot", json=body, headers=teacher).status_code
        == 200
    )
    told = _news(spot, "hazard_closed")
    assert "demo-school_admin" in told and "demo-teacher" not in told
    assert _news(spot, "hazard_fix_submitted") == {}  # nobody is asked to sign it off
    # Closed as not a hazard by the safety officer: the reporter learns why.
    closed = report(teacher)[0].get_json()["id"]
    reason = {"reason": "临时施工围挡,已报备"}
    assert (
        client.post(f"/api/v1/hazards/{closed}/close", json=reason, headers=school).status_code
        == 200
    )
    assert set(_news(closed, "hazard_closed")) == {"demo-teacher"}
    # The closing message itself, not whichever of the hazard's messages a heap scan yields last.
    message = db.session.scalars(
        select(Notification).where(
            Notification.hazard_id == closed, Notification.kind == "hazard_closed"
        )
    ).one()
    assert "临时施工围挡" in message.body
