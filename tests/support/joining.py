"""A deployment's people as the README's first steps make them: ``flask`` commands that must
succeed, signing in with WeChat, invitations made on the phone and redeemed with a name."""

from __future__ import annotations


def cli(runner, *args: str) -> str:
    """A ``flask`` command (e.g. from the README's first-deployment steps); it must succeed."""
    result = runner.invoke(args=list(args))
    assert result.exit_code == 0, result.output
    return result.output


def sign_in(client, fake_wechat, openid: str) -> dict:
    """Sign in with WeChat as ``openid``; returns the auth headers."""
    token = client.post(
        "/api/v1/auth/login", json={"code": fake_wechat.mint_code(openid)}
    ).get_json()["token"]
    return {"Authorization": f"Bearer {token}"}


def join(client, fake_wechat, openid: str, code: str, name: str) -> dict:
    """Sign in and redeem an invitation, giving one's name; returns the auth headers."""
    headers = sign_in(client, fake_wechat, openid)
    redeemed = client.post(
        "/api/v1/invitations/redeem", json={"code": code, "display_name": name}, headers=headers
    )
    assert redeemed.status_code == 201, redeemed.get_json()
    return headers


def invite(client, headers, unit_id: int, role: str, class_id: int | None = None) -> str:
    """An invitation code to ``role`` at the unit, made on the phone by ``headers``."""
    made = client.post(
        "/api/v1/invitations",
        json={"unit_id": unit_id, "role": role, "class_id": class_id},
        headers=headers,
    )
    assert made.status_code == 201, made.get_json()
    return made.get_json()["code"]
