"""Admins and their staff: the list of a unit's people, revoking a role, disabling an account
(its tokens stop at once), the audit of those changes, and the limits of an admin's reach."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from server.extensions import db
from server.models import AuditRecord, RoleGrant, Unit, User
from tests.support.concurrency import answer, together


def unit_id(code: str) -> int:
    return db.session.scalars(select(Unit.id).where(Unit.code == code)).one()


def user_of(persona: str) -> User:
    return db.session.scalars(select(User).where(User.openid == f"demo-{persona}")).one()


def grant_of(persona: str, unit_code: str) -> RoleGrant:
    return next(g for g in user_of(persona).grants if g.unit_id == unit_id(unit_code))


def staff(client, headers, unit_code):
    return client.get(f"/api/v1/units/{unit_id(unit_code)}/staff", headers=headers)


def test_school_admin_sees_the_school_staff_with_phones(demo, client, login):
    user_of("teacher").phone = "13800138000"
    db.session.commit()
    response = staff(client, login("demo-school_admin"), "YQ101")
    assert response.status_code == 200
    people = {p["display_name"]: p for p in response.get_json()["staff"]}
    assert len(people) == 6
    teacher = people["孙老师(值周巡查)"]
    assert teacher["phone"] == "13800138000"
    assert teacher["active"] is True
    assert [(g["role"], g["unit"]["code"]) for g in teacher["grants"]] == [("teacher", "YQ101")]
    assert people["刘副校长(安全负责人)"]["is_self"] is True


def test_the_bureau_sees_everyone_below_it(demo, client, login):
    people = staff(client, login("demo-bureau_admin"), "YQ000").get_json()["staff"]
    assert len(people) == 10  # the parent holds no grant


@pytest.mark.parametrize(
    ("persona", "unit_code", "status"),
    [
        ("supervisor", "YQ101", 200),
        ("supervisor", "YQ200", 404),
        ("supervisor", "YQ000", 404),
        ("school_admin", "YQ102", 404),
        ("teacher", "YQ101", 403),
        ("bureau_staff", "YQ101", 403),
        ("parent", "YQ101", 404),
    ],
)
def test_staff_list_scope(demo, client, login, persona, unit_code, status):
    assert staff(client, login(f"demo-{persona}"), unit_code).status_code == status


def test_revoking_a_role(demo, client, login):
    admin = login("demo-school_admin")
    guard_headers = login("demo-guard")
    grant_id = grant_of("guard", "YQ101").id
    assert client.delete(f"/api/v1/grants/{grant_id}", headers=admin).status_code == 204
    assert db.session.get(RoleGrant, grant_id) is None
    me = client.get("/api/v1/me", headers=guard_headers).get_json()
    assert me["grants"] == []
    assert "unit.view" not in me["capabilities"]
    assert client.delete(f"/api/v1/grants/{grant_id}", headers=admin).status_code == 404
    record = db.session.scalars(select(AuditRecord)).one()
    assert (record.action, record.role, record.unit_id, record.actor_id) == (
        "grant_revoked",
        "guard",
        unit_id("YQ101"),
        user_of("school_admin").id,
    )


def test_a_redeemed_grant_can_be_revoked(demo, client, login):
    admin = login("demo-school_admin")
    made = client.post(
        "/api/v1/invitations", json={"unit_id": unit_id("YQ101"), "role": "guard"}, headers=admin
    ).get_json()
    newcomer = login("openid-new-guard")
    joined = client.post(
        "/api/v1/invitations/redeem",
        json={"code": made["code"], "display_name": "新保安"},
        headers=newcomer,
    ).get_json()
    gone = client.delete(f"/api/v1/grants/{joined['grant']['id']}", headers=admin)
    assert gone.status_code == 204


def test_revoke_limits(demo, client, login):
    admin = login("demo-school_admin")
    own = grant_of("school_admin", "YQ101").id
    assert client.delete(f"/api/v1/grants/{own}", headers=admin).status_code == 403
    above = grant_of("supervisor", "YQ100").id
    assert client.delete(f"/api/v1/grants/{above}", headers=admin).status_code == 404
    teacher_grant = grant_of("teacher", "YQ101").id
    assert (
        client.delete(f"/api/v1/grants/{teacher_grant}", headers=login("demo-guard")).status_code
        == 403
    )
    assert client.delete("/api/v1/grants/999999", headers=admin).status_code == 404
    assert db.session.scalars(select(AuditRecord)).first() is None


def test_disabling_stops_the_tokens_at_once_and_enabling_lets_them_log_in(
    demo, client, login, fake_wechat
):
    admin = login("demo-supervisor")
    teacher = login("demo-teacher")
    target = user_of("teacher").id
    assert client.get("/api/v1/me", headers=teacher).status_code == 200
    disabled = client.post(f"/api/v1/users/{target}/disable", headers=admin)
    assert disabled.status_code == 200
    assert disabled.get_json()["active"] is False
    assert client.get("/api/v1/me", headers=teacher).status_code == 401
    # Logging in again is refused too.
    code = fake_wechat.mint_code("demo-teacher")
    refused = client.post("/api/v1/auth/login", json={"code": code})
    assert (refused.status_code, refused.get_json()["error"]["code"]) == (403, "account_disabled")
    # Again is harmless and records nothing more.
    assert client.post(f"/api/v1/users/{target}/disable", headers=admin).status_code == 200
    enabled = client.post(f"/api/v1/users/{target}/enable", headers=admin)
    assert enabled.get_json()["active"] is True
    assert client.get("/api/v1/me", headers=login("demo-teacher")).status_code == 200
    actions = db.session.scalars(select(AuditRecord.action).order_by(AuditRecord.id)).all()
    assert actions == ["user_disabled", "user_enabled"]


def test_disable_limits(demo, client, login):
    admin = login("demo-school_admin")
    me_id = user_of("school_admin").id
    assert client.post(f"/api/v1/users/{me_id}/disable", headers=admin).status_code == 403
    supervisor = user_of("supervisor").id
    assert client.post(f"/api/v1/users/{supervisor}/disable", headers=admin).status_code == 404
    parent = db.session.scalars(select(User).where(User.openid == "demo-parent")).one().id
    assert client.post(f"/api/v1/users/{parent}/disable", headers=admin).status_code == 404
    # The teacher also holds a role at another centre's school: beyond the school admin.
    teacher = user_of("teacher")
    db.session.add(RoleGrant(user_id=teacher.id, role="teacher", unit_id=unit_id("YQ201")))
    db.session.commit()
    beyond = client.post(f"/api/v1/users/{teacher.id}/disable", headers=admin)
    assert (beyond.status_code, beyond.get_json()["error"]["code"]) == (403, "beyond_your_scope")
    assert user_of("teacher").is_active is True
    # Its own grant there is out of the school admin's sight, but the bureau may act.
    elsewhere = grant_of("teacher", "YQ201").id
    assert client.delete(f"/api/v1/grants/{elsewhere}", headers=admin).status_code == 404
    bureau = login("demo-bureau_admin")
    assert client.post(f"/api/v1/users/{teacher.id}/disable", headers=bureau).status_code == 200
    assert (
        client.post(f"/api/v1/users/{me_id}/disable", headers=login("demo-guard")).status_code
        == 403
    )
    assert db.session.scalars(select(AuditRecord.action)).all() == ["user_disabled"]


def test_audit_listing_scope(demo, client, login):
    school_admin = login("demo-school_admin")
    client.delete(f"/api/v1/grants/{grant_of('guard', 'YQ101').id}", headers=school_admin)
    bureau = login("demo-bureau_admin")
    client.post(f"/api/v1/users/{user_of('supervisor').id}/disable", headers=bureau)

    def audit(headers, code):
        return client.get(f"/api/v1/audit?unit_id={unit_id(code)}", headers=headers)

    at_bureau = audit(login("demo-bureau_admin"), "YQ000").get_json()["records"]
    assert [r["action"] for r in at_bureau] == ["user_disabled", "grant_revoked"]
    revoked = at_bureau[1]
    assert revoked["actor"]["display_name"] == "刘副校长(安全负责人)"
    assert revoked["target"]["display_name"] == "吴师傅(保安)"
    assert (revoked["unit"]["id"], revoked["role"], revoked["role_name"]) == (
        unit_id("YQ101"),
        "guard",
        "保安",
    )
    at_school = audit(school_admin, "YQ101").get_json()["records"]
    assert [r["action"] for r in at_school] == ["grant_revoked"]
    assert audit(school_admin, "YQ100").status_code == 404
    assert audit(school_admin, "YQ102").status_code == 404
    assert audit(login("demo-teacher"), "YQ101").status_code == 403
    assert client.get("/api/v1/audit", headers=school_admin).status_code == 422


def test_two_admins_at_once_change_a_person_once(demo, client, login):
    school_admin, supervisor = login("demo-school_admin"), login("demo-supervisor")
    grant_id = grant_of("guard", "YQ101").id
    revoked = together(
        demo,
        [
            lambda c: c.delete(f"/api/v1/grants/{grant_id}", headers=school_admin).status_code,
            lambda c: c.delete(f"/api/v1/grants/{grant_id}", headers=supervisor).status_code,
        ],
    )
    assert sorted(revoked) == [204, 404]
    target = user_of("teacher").id
    disabled = together(
        demo,
        [
            lambda c: answer(c.post(f"/api/v1/users/{target}/disable", headers=school_admin)),
            lambda c: answer(c.post(f"/api/v1/users/{target}/disable", headers=supervisor)),
        ],
    )
    assert [status for status, _ in disabled] == [200, 200]
    actions = db.session.scalars(select(AuditRecord.action).order_by(AuditRecord.id)).all()
    assert actions == ["grant_revoked", "user_disabled"]
