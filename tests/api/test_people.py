"""People: the first admin's invitation from the command line, names and phones given when
joining, and changing one's own profile."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from server.extensions import db
from server.models import Invitation, Unit, User

REDEEM = "/api/v1/invitations/redeem"


def invite(client, headers, unit_code="YQ101", role="teacher", **extra):
    """An invitation's code, made by an admin through the API."""
    unit_id = db.session.scalars(select(Unit.id).where(Unit.code == unit_code)).one()
    made = client.post(
        "/api/v1/invitations", json={"unit_id": unit_id, "role": role, **extra}, headers=headers
    )
    assert made.status_code == 201, made.get_json()
    return made.get_json()["code"]


def test_first_admin_on_an_empty_deployment(app, runner, client, login, tmp_path):
    out = tmp_path / "qr.png"
    result = runner.invoke(
        args=["setup", "first-admin", "--unit-code", "B1", "--name", "示范区教体局", "--out", out]
    )
    assert result.exit_code == 0, result.output
    code = result.output.split("invitation code: ")[1].split()[0]
    assert out.read_bytes().startswith(b"\x89PNG")
    assert f"QR code: {out.resolve()}" in result.output
    invitation = db.session.scalars(select(Invitation)).one()
    assert (invitation.role, invitation.max_uses, invitation.created_by_id) == (
        "bureau_admin",
        1,
        None,
    )
    assert invitation.unit.kind == "bureau"

    headers = login("openid-first-admin")
    joined = client.post(REDEEM, json={"code": code, "display_name": "王主任"}, headers=headers)
    assert joined.status_code == 201, joined.get_json()
    me = client.get("/api/v1/me", headers=headers).get_json()
    assert me["user"]["display_name"] == "王主任"
    assert [(g["role"], g["unit"]["code"]) for g in me["grants"]] == [("bureau_admin", "B1")]
    assert "staff.manage" in me["capabilities"]
    again = client.post(REDEEM, json={"code": code, "display_name": "李四"}, headers=login("o-2"))
    assert again.get_json()["error"]["code"] == "invitation_used_up"


def test_first_admin_for_an_imported_bureau_writes_the_png_to_the_data_dir(demo, runner, tmp_path):
    demo.config["DATA_DIR"] = str(tmp_path)  # put back after the test
    result = runner.invoke(args=["setup", "first-admin", "--unit-code", "YQ000", "--days", "3"])
    assert result.exit_code == 0, result.output
    code = result.output.split("invitation code: ")[1].split()[0]
    png = tmp_path / f"first-admin-{code}.png"
    assert f"QR code: {png.resolve()}" in result.output
    assert png.read_bytes().startswith(b"\x89PNG")
    invitation = db.session.scalars(select(Invitation)).one()
    hours = (invitation.expires_at - invitation.created_at).total_seconds() / 3600
    assert round(hours) == 72
    assert "bureau_admin at YQ000" in result.output


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--unit-code", "NOPE"], "no unit has the code 'NOPE'"),
        (["--unit-code", "YQ101"], "is a school, not a bureau"),
        (["--unit-code", "YQ100", "--name", "x"], "is a center_school, not a bureau"),
        (["--unit-code", "YQ000", "--days", "0"], "Invalid value for '--days'"),
    ],
)
def test_first_admin_errors_are_clear(demo, runner, args, message):
    result = runner.invoke(args=["setup", "first-admin", *args])
    assert result.exit_code != 0
    assert message in result.output
    assert db.session.scalars(select(Invitation)).first() is None


def test_joining_needs_a_name_and_stores_the_phone(demo, client, login):
    code = invite(client, login("demo-school_admin"))
    newcomer = login("openid-newcomer")
    nameless = client.post(REDEEM, json={"code": code}, headers=newcomer)
    assert (nameless.status_code, nameless.get_json()["error"]["code"]) == (422, "name_required")
    joined = client.post(
        REDEEM,
        json={"code": code, "display_name": "  陈老师 ", "phone": "13800138000"},
        headers=newcomer,
    )
    assert joined.status_code == 201, joined.get_json()
    user = db.session.scalars(select(User).where(User.openid == "openid-newcomer")).one()
    assert (user.display_name, user.phone) == ("陈老师", "13800138000")


def test_a_person_with_a_name_joins_without_giving_it_again(demo, client, login):
    code = invite(client, login("demo-school_admin"), role="guard")
    joined = client.post(REDEEM, json={"code": code}, headers=login("demo-teacher"))
    assert joined.status_code == 201
    assert db.session.scalars(select(User.display_name).where(User.openid == "demo-teacher")).one()


@pytest.mark.parametrize(
    "extra",
    [
        {"display_name": ""},
        {"display_name": "   "},
        {"display_name": "名" * 21},
        {"display_name": 5},
        {"phone": "1380013800"},
        {"phone": "23800138000"},
        {"phone": "138001380001"},
        {"phone": "1380013800a"},
        {"phone": 13800138000},
    ],
)
def test_redeem_validates_name_and_phone(demo, client, login, extra):
    code = invite(client, login("demo-school_admin"))
    body = {"code": code, "display_name": "陈老师", **extra}
    response = client.post(REDEEM, json=body, headers=login("openid-bad-input"))
    assert response.status_code == 422
    # A blank name is no name: the person without one is asked for it.
    assert response.get_json()["error"]["code"] in ("validation_error", "name_required")
    invitation = db.session.scalars(select(Invitation).where(Invitation.code == code)).one()
    assert invitation.uses == 0


def test_patch_me_changes_name_and_phone(demo, client, login):
    headers = login("demo-teacher")
    changed = client.patch(
        "/api/v1/me", json={"display_name": "刘老师", "phone": "15912345678"}, headers=headers
    )
    assert changed.status_code == 200
    assert (changed.get_json()["display_name"], changed.get_json()["phone"]) == (
        "刘老师",
        "15912345678",
    )
    only_name = client.patch("/api/v1/me", json={"display_name": "刘芳"}, headers=headers)
    assert only_name.get_json()["phone"] == "15912345678"
    cleared = client.patch("/api/v1/me", json={"phone": None}, headers=headers)
    assert cleared.get_json() | {"created_at": None} == {
        "id": cleared.get_json()["id"],
        "display_name": "刘芳",
        "name_under_review": False,
        "phone": None,
        "created_at": None,
    }
    me = client.get("/api/v1/me", headers=headers).get_json()
    assert me["user"]["display_name"] == "刘芳"


@pytest.mark.parametrize(
    "body",
    [{"display_name": ""}, {"display_name": "x" * 21}, {"phone": "12345"}, {"other": 1}],
)
def test_patch_me_rejects_bad_values(demo, client, login, body):
    response = client.patch("/api/v1/me", json=body, headers=login("demo-teacher"))
    assert response.status_code == 422
