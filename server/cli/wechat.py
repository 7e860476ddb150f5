"""``flask wechat``: the fake WeChat API server for the embedded default and demos."""

from __future__ import annotations

from urllib.parse import urlparse

import click
from flask import current_app
from sqlalchemy import select

from server.config import is_loopback_url
from server.extensions import db
from server.models import User
from server.services.subscriptions import configured_templates
from server.wechat.fake import serve_forever


@click.group("wechat")
def group() -> None:
    """WeChat helpers for local work."""


@group.command("fake-server")
@click.option("--port", type=int, default=None, help="Default: the port of WECHAT_API_BASE_URL.")
@click.option(
    "--media-verdict",
    type=click.Choice(["pass", "review", "risky", "none"]),
    default="pass",
    show_default=True,
    help="Push this verdict for every media check to the app's callback (none: never).",
)
def fake_server(port: int | None, media_verdict: str) -> None:
    """Run the fake WeChat API server on loopback in the foreground (Ctrl-C stops it)."""
    base = current_app.config["WECHAT_API_BASE_URL"]
    if current_app.config["APP_ENV"] == "production":
        raise click.ClickException("the fake WeChat server is not for production")
    if port is None:
        if not is_loopback_url(base):
            raise click.ClickException(f"WECHAT_API_BASE_URL ({base}) is not on loopback")
        port = urlparse(base).port or 80
    click.echo(
        f"fake WeChat API on http://127.0.0.1:{port}/ (appid {current_app.config['WECHAT_APPID']})"
    )
    templates = [t.template_id for t in configured_templates().values()]
    # Users who logged in before a restart of the fake can still receive messages.
    openids = list(db.session.scalars(select(User.openid)))
    db.session.remove()
    serve_forever(
        current_app.config["WECHAT_APPID"],
        current_app.config["WECHAT_SECRET"],
        "127.0.0.1",
        port,
        templates=templates,
        openids=openids,
        media_verdict=None
        if media_verdict == "none"
        else (
            current_app.config["PUBLIC_BASE_URL"].rstrip("/") + "/api/v1/wechat/callback",
            current_app.config["WECHAT_CALLBACK_TOKEN"],
            media_verdict,
        ),
    )
