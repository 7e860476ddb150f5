"""``flask demo``: the demo district and logging in as one of its people."""

from __future__ import annotations

import click
import requests
from flask import current_app

from server.config import is_loopback_url
from server.services.demo import PERSONAS, demo_openid, seed_demo


@click.group("demo")
def group() -> None:
    """The demo district of the embedded default."""


@group.command("seed")
def seed() -> None:
    """Create the demo district (once; running it again changes nothing)."""
    if seed_demo():
        click.echo("demo district created: personas " + ", ".join(PERSONAS))
    else:
        click.echo("demo district already present")


def _fake_wechat(path: str, payload: dict) -> dict:
    """POST to the fake WeChat server's control API."""
    base = current_app.config["WECHAT_API_BASE_URL"]
    if current_app.config["APP_ENV"] == "production" or not is_loopback_url(base):
        raise click.ClickException("demo logins need the fake WeChat server (embedded default)")
    try:
        response = requests.post(base.rstrip("/") + path, json=payload, timeout=5)
        response.raise_for_status()
    except requests.RequestException as exc:
        raise click.ClickException(
            f"the fake WeChat server at {base} does not answer ({exc}); "
            "start it with: flask --app server wechat fake-server"
        ) from exc
    return response.json()


@group.command("login-code")
@click.argument("persona", type=click.Choice(PERSONAS))
def login_code(persona: str) -> None:
    """Print a one-time wx.login code for a demo persona, and how to use it."""
    code = _fake_wechat("/_fake/codes", {"openid": demo_openid(persona)})["code"]
    base = current_app.config["PUBLIC_BASE_URL"].rstrip("/")
    click.echo(code)
    click.echo(
        f"\ncurl -s -X POST {base}/api/v1/auth/login -H 'Content-Type: application/json' "
        f'-d \'{{"code": "{code}"}}\'',
        err=True,
    )


@group.command("use")
@click.argument("persona", type=click.Choice([*PERSONAS, "nobody"]))
def use(persona: str) -> None:
    """Make WeChat DevTools log in as a persona: the fake server maps codes it has never seen
    (DevTools' real wx.login codes) to this persona. ``nobody`` turns that off."""
    openid = None if persona == "nobody" else demo_openid(persona)
    _fake_wechat("/_fake/default-openid", {"openid": openid})
    click.echo(f"unknown wx.login codes now log in as: {persona}")
