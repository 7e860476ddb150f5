"""WeChat login, tokens, logout and /me."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import func, select

from server.extensions import db
from server.models import AuthSession, User, utcnow


def _user_count() -> int:
    return db.session.scalar(select(func.count()).select_from(User))


def test_login_creates_user_once_and_returns_token(client, fake_wechat):
    code = fake_wechat.mint_code("openid-alice", unionid="union-alice")
    response = client.post("/api/v1/auth/login", json={"code": code})
    assert response.status_code == 200
    body = response.get_json()
    assert body["token"] and body["user"]["id"]
    user = db.session.scalars(select(User)).one()
    assert (user.openid, user.unionid) == ("openid-alice", "union-alice")
    again = client.post("/api/v1/auth/login", json={"code": fake_wechat.mint_code("openid-alice")})
    assert again.get_json()["user"]["id"] == body["user"]["id"]
    assert _user_count() == 1


def test_me_returns_user_grants_and_capabilities(client, login):
    headers = login("openid-bob")
    body = client.get("/api/v1/me", headers=headers).get_json()
    assert body["grants"] == [] and body["children"] == []
    assert body["capabilities"] == ["campaign.view", "child.bind", "inbox.view", "notice.read"]


@pytest.mark.parametrize(
    ("errcode", "status", "code"),
    [
        (40029, 401, "wechat_code_invalid"),
        (45011, 429, "rate_limited"),
        (40226, 403, "wechat_user_blocked"),
        (-1, 503, "wechat_unavailable"),
    ],
)
def test_wechat_refusals_map_to_clear_errors_and_create_no_user(
    client, fake_wechat, errcode, status, code
):
    fake_wechat.inject_failure("sns/jscode2session", errcode=errcode, errmsg="injected")
    response = client.post("/api/v1/auth/login", json={"code": fake_wechat.mint_code("x")})
    assert response.status_code == status
    assert response.get_json()["error"]["code"] == code
    assert _user_count() == 0


def test_used_and_unknown_codes_are_401(client, fake_wechat):
    code = fake_wechat.mint_code("openid-carol")
    assert client.post("/api/v1/auth/login", json={"code": code}).status_code == 200
    reused = client.post("/api/v1/auth/login", json={"code": code})
    assert reused.status_code == 401
    assert reused.get_json()["error"]["code"] == "wechat_code_invalid"
    unknown = client.post("/api/v1/auth/login", json={"code": "never-issued"})
    assert unknown.status_code == 401


def test_wechat_http_failure_is_503(client, fake_wechat):
    fake_wechat.inject_failure("sns/jscode2session", http_status=502)
    response = client.post("/api/v1/auth/login", json={"code": fake_wechat.mint_code("y")})
    assert response.status_code == 503
    assert _user_count() == 0


def test_wechat_unreachable_is_503(app, client, fake_wechat):
    from server import _make_wechat

    app.extensions["wechat"] = _make_wechat(
        {**app.config, "WECHAT_API_BASE_URL": "http://127.0.0.1:9/"}
    )
    response = client.post("/api/v1/auth/login", json={"code": "abc"})
    assert response.status_code == 503
    assert response.get_json()["error"]["code"] == "wechat_unavailable"


@pytest.mark.parametrize(
    "body", [{}, {"code": ""}, {"code": 123}, {"code": "a" * 500}, {"code": "x", "extra": 1}]
)
def test_login_rejects_bad_bodies(client, body):
    response = client.post("/api/v1/auth/login", json=body)
    assert response.status_code == 422
    assert response.get_json()["error"]["code"] == "validation_error"


def test_login_rejects_non_json_and_oversized(client):
    assert client.post("/api/v1/auth/login", data="code=1").status_code in (415, 422)
    big = client.post("/api/v1/auth/login", json={"code": "x" * (100 * 1024)})
    assert big.status_code == 413
    assert big.get_json()["error"]["code"] == "payload_too_large"


def test_token_required_and_checked(client, login):
    assert client.get("/api/v1/me").get_json()["error"]["code"] == "unauthorized"
    bad = client.get("/api/v1/me", headers={"Authorization": "Bearer forged.token"})
    assert bad.status_code == 401
    headers = login()
    token = headers["Authorization"].split()[1]
    tampered = token[:-2] + ("AA" if not token.endswith("AA") else "BB")
    assert (
        client.get("/api/v1/me", headers={"Authorization": f"Bearer {tampered}"}).status_code == 401
    )


def test_logout_revokes_token(client, login):
    headers = login()
    assert client.post("/api/v1/auth/logout", headers=headers).status_code == 204
    response = client.get("/api/v1/me", headers=headers)
    assert response.status_code == 401
    assert response.get_json()["error"]["code"] == "token_revoked"


def test_expired_token_is_refused(client, login):
    headers = login()
    session = db.session.scalars(select(AuthSession)).one()
    session.expires_at = utcnow() - timedelta(seconds=1)
    db.session.commit()
    response = client.get("/api/v1/me", headers=headers)
    assert response.status_code == 401
    assert response.get_json()["error"]["code"] == "token_expired"


def test_token_signed_with_another_secret_is_refused(app, client, login):
    headers = login()
    app.config["SECRET_KEY"] = "another-secret-" + "y" * 32
    assert client.get("/api/v1/me", headers=headers).status_code == 401
