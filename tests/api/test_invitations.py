"""Invitations: who may make them where, and redeeming them once."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import select

from server.extensions import db
from server.models import Invitation, RoleGrant, SchoolClass, Unit, utcnow


def unit_id(code: str) -> int:
    return db.session.scalars(select(Unit.id).where(Unit.code == code)).one()


def invite(client, headers, unit_code, role="teacher", **extra):
    body = {"unit_id": unit_id(unit_code), "role": role, **extra}
    return client.post("/api/v1/invitations", json=body, headers=headers)


# (admin persona, target unit, allowed?) — own unit, a unit below, the unit above, a sibling.
SCOPE_MATRIX = [
    ("bureau_admin", "YQ000", "bureau_staff", True),
    ("bureau_admin", "YQ101", "teacher", True),
    ("bureau_admin", "YQ301", "school_admin", True),
    ("supervisor", "YQ100", "supervisor", True),
    ("supervisor", "YQ101", "teacher", True),
    ("supervisor", "YQ102", "school_admin", True),
    ("supervisor", "YQ000", "bureau_staff", False),
    ("supervisor", "YQ200", "supervisor", False),
    ("supervisor", "YQ201", "teacher", False),
    ("school_admin", "YQ101", "guard", True),
    ("school_admin", "YQ100", "supervisor", False),
    ("school_admin", "YQ102", "teacher", False),
    ("teacher", "YQ101", "guard", False),
    ("class_teacher", "YQ101", "teacher", False),
    ("inspector", "YQ101", "teacher", False),
    ("parent", "YQ101", "teacher", False),
]


@pytest.mark.parametrize(("persona", "unit_code", "role", "allowed"), SCOPE_MATRIX)
def test_invitation_scope_matrix(demo, client, login, persona, unit_code, role, allowed):
    response = invite(client, login(f"demo-{persona}"), unit_code, role)
    if allowed:
        assert response.status_code == 201, response.get_json()
        assert len(response.get_json()["code"]) == 8
    else:
        assert response.status_code in (403, 404), response.get_json()
        assert db.session.scalars(select(Invitation)).first() is None


def test_role_must_fit_the_unit_kind(demo, client, login):
    headers = login("demo-bureau_admin")
    wrong = invite(client, headers, "YQ101", "supervisor")
    assert wrong.status_code == 422
    assert wrong.get_json()["error"]["code"] == "role_not_allowed_here"
    assert invite(client, headers, "YQ101", "no_such_role").status_code == 422


def test_class_teacher_needs_a_class_of_that_school(demo, client, login):
    headers = login("demo-school_admin")
    assert invite(client, headers, "YQ101", "class_teacher").status_code == 422
    other = db.session.scalars(
        select(SchoolClass).where(SchoolClass.school_id == unit_id("YQ201"))
    ).first()
    assert invite(client, headers, "YQ101", "class_teacher", class_id=other.id).status_code == 422
    own = db.session.scalars(
        select(SchoolClass).where(SchoolClass.school_id == unit_id("YQ101"))
    ).first()
    made = invite(client, headers, "YQ101", "class_teacher", class_id=own.id)
    assert made.status_code == 201
    assert made.get_json()["class"]["id"] == own.id
    assert invite(client, headers, "YQ101", "teacher", class_id=own.id).status_code == 422


@pytest.mark.parametrize(
    "body",
    [
        {},
        {"unit_id": "x", "role": "teacher"},
        {"role": "teacher"},
        {"unit_id": 1},
        {"unit_id": 1, "role": "teacher", "max_uses": 0},
        {"unit_id": 1, "role": "teacher", "max_uses": 501},
        {"unit_id": 1, "role": "teacher", "expires_in_hours": 0},
        {"unit_id": 1, "role": "teacher", "expires_in_hours": 10000},
        {"unit_id": 1, "role": "teacher", "surprise": True},
    ],
)
def test_create_rejects_bad_bodies(demo, client, login, body):
    response = client.post("/api/v1/invitations", json=body, headers=login("demo-bureau_admin"))
    assert response.status_code == 422
    assert response.get_json()["error"]["code"] == "validation_error"


def test_redeem_gives_the_grant_once(demo, client, login):
    code = invite(client, login("demo-school_admin"), "YQ101", "guard", max_uses=2).get_json()
    newcomer = login("openid-new-guard")
    response = client.post(
        "/api/v1/invitations/redeem",
        json={"code": code["code"].lower(), "display_name": "新人"},
        headers=newcomer,
    )
    assert response.status_code == 201
    assert response.get_json()["grant"]["role"] == "guard"
    me = client.get("/api/v1/me", headers=newcomer).get_json()
    assert [g["unit"]["code"] for g in me["grants"]] == ["YQ101"]
    assert "unit.view" in me["capabilities"]
    twice = client.post(
        "/api/v1/invitations/redeem",
        json={"code": code["code"], "display_name": "新人"},
        headers=newcomer,
    )
    assert twice.status_code == 409
    assert twice.get_json()["error"]["code"] == "invitation_already_redeemed"


def test_redeem_accepts_the_qr_text(demo, client, login):
    made = invite(client, login("demo-school_admin"), "YQ101", "teacher").get_json()
    response = client.post(
        "/api/v1/invitations/redeem",
        json={"code": made["qr_text"], "display_name": "新人"},
        headers=login("o-qr"),
    )
    assert response.status_code == 201


def test_used_up_expired_revoked_unknown(demo, client, login):
    admin = login("demo-school_admin")
    made = invite(client, admin, "YQ101", "teacher").get_json()
    assert (
        client.post(
            "/api/v1/invitations/redeem",
            json={"code": made["code"], "display_name": "新人"},
            headers=login("o-1"),
        ).status_code
        == 201
    )
    used_up = client.post(
        "/api/v1/invitations/redeem",
        json={"code": made["code"], "display_name": "新人"},
        headers=login("o-2"),
    )
    assert (used_up.status_code, used_up.get_json()["error"]["code"]) == (409, "invitation_used_up")

    expiring = invite(client, admin, "YQ101", "teacher").get_json()
    row = db.session.get(Invitation, expiring["id"])
    row.expires_at = utcnow() - timedelta(minutes=1)
    db.session.commit()
    expired = client.post(
        "/api/v1/invitations/redeem",
        json={"code": expiring["code"], "display_name": "新人"},
        headers=login("o-3"),
    )
    assert (expired.status_code, expired.get_json()["error"]["code"]) == (410, "invitation_expired")

    revoked = invite(client, admin, "YQ101", "teacher").get_json()
    assert client.delete(f"/api/v1/invitations/{revoked['id']}", headers=admin).status_code == 204
    gone = client.post(
        "/api/v1/invitations/redeem",
        json={"code": revoked["code"], "display_name": "新人"},
        headers=login("o-4"),
    )
    assert (gone.status_code, gone.get_json()["error"]["code"]) == (410, "invitation_revoked")

    unknown = client.post(
        "/api/v1/invitations/redeem",
        json={"code": "ZZZZZZZZ", "display_name": "新人"},
        headers=login("o-5"),
    )
    assert (unknown.status_code, unknown.get_json()["error"]["code"]) == (
        404,
        "invitation_not_found",
    )
    assert (
        db.session.scalars(select(RoleGrant).where(RoleGrant.role == "teacher")).all().__len__()
        == 2
    )


def test_list_qr_and_revoke_are_limited_to_the_admins_scope(demo, client, login):
    made = invite(client, login("demo-school_admin"), "YQ101", "teacher").get_json()
    admin = login("demo-school_admin")
    listed = client.get(f"/api/v1/invitations?unit_id={unit_id('YQ101')}", headers=admin)
    assert [i["id"] for i in listed.get_json()["invitations"]] == [made["id"]]
    qr = client.get(f"/api/v1/invitations/{made['id']}/qr.png", headers=admin)
    assert qr.status_code == 200 and qr.data.startswith(b"\x89PNG")
    outsider = login("demo-teacher")
    # A teacher of the school sees it but may not invite: forbidden, not hidden.
    assert (
        client.get(f"/api/v1/invitations/{made['id']}/qr.png", headers=outsider).status_code == 403
    )
    assert client.delete(f"/api/v1/invitations/{made['id']}", headers=outsider).status_code == 403
    sibling = login("demo-supervisor")  # YQ100 covers YQ101: allowed
    assert (
        client.get(f"/api/v1/invitations?unit_id={unit_id('YQ201')}", headers=sibling).status_code
        == 404
    )
    assert client.get("/api/v1/invitations", headers=admin).status_code == 422


def test_already_holding_the_role_is_a_conflict(demo, client, login):
    made = invite(client, login("demo-school_admin"), "YQ101", "teacher").get_json()
    response = client.post(
        "/api/v1/invitations/redeem",
        json={"code": made["code"], "display_name": "新人"},
        headers=login("demo-teacher"),
    )
    assert (response.status_code, response.get_json()["error"]["code"]) == (
        409,
        "role_already_held",
    )
