"""Client addresses behind a reverse proxy: X-Forwarded-For counts only for trusted hops."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from server import create_app
from server.extensions import db
from server.models import AuthSession
from server.queue import init_queue
from tests.conftest import _overrides

CLIENT = "203.0.113.9"


@pytest.mark.parametrize(("hops", "recorded"), [(1, CLIENT), (0, "127.0.0.1")])
def test_login_records_the_forwarded_address_only_behind_a_trusted_proxy(
    app, fake_wechat, tmp_path, hops, recorded
):
    settings = _overrides(app.config["SQLALCHEMY_DATABASE_URI"], tmp_path, fake_wechat.url)
    proxied = create_app({**settings, "PROXY_TRUSTED_HOPS": hops})
    try:
        response = proxied.test_client().post(
            "/api/v1/auth/login",
            json={"code": fake_wechat.mint_code("behind-nginx")},
            headers={"X-Forwarded-For": CLIENT, "X-Forwarded-Proto": "https"},
            environ_base={"REMOTE_ADDR": "127.0.0.1"},
        )
    finally:
        init_queue(app)
        with proxied.app_context():
            db.engine.dispose()
    assert response.status_code == 200, response.get_json()
    assert db.session.scalars(select(AuthSession.client_ip)).one() == recorded
