"""The console's QR login: the code, the phone's confirmation, the one browser that showed it
logged in once, the session's cookie, revocation, logout and CSRF."""

from __future__ import annotations

from datetime import timedelta

import pytest
from flask import Flask
from sqlalchemy import select, update

from server.console import register_console
from server.extensions import db
from server.models import AuthSession, ConsoleLogin, User, utcnow
from tests.console.conftest import confirm, shown_code
from tests.support.concurrency import answer, together

PAGES = ["/console/", "/console/hazards", "/console/hazards/1", "/console/overdue"]


def test_every_page_needs_a_login(demo, client):
    for path in PAGES:
        response = client.get(path)
        assert response.status_code == 302, path
        assert response.headers["Location"].endswith("/console/login")


def test_the_login_page_shows_a_qr_of_its_code(demo, client):
    page = client.get("/console/login").get_data(as_text=True)
    code = shown_code(client)
    assert "<svg" in page and "扫码登录" in page
    assert len(code) >= 32
    row = db.session.scalars(select(ConsoleLogin).where(ConsoleLogin.code == code)).one()
    assert row.expires_at - row.created_at == timedelta(minutes=2)
    assert client.get("/console/login/status").get_json()["state"] == "pending"


def test_scanning_logs_the_browser_in_once(demo, client, people, app):
    browser = app.test_client()
    code = shown_code(browser)
    response = confirm(client, people["bureau_admin@above"], code)
    assert response.status_code == 200, response.get_json()
    assert browser.get("/console/login/status").get_json()["state"] == "approved"
    dashboard = browser.get("/console/")
    assert dashboard.status_code == 200
    assert "王主任(区安全办)" in dashboard.get_data(as_text=True)
    # The code is consumed: polling again, or confirming again, logs nobody in.
    assert browser.get("/console/login/status").get_json()["state"] == "expired"
    again = confirm(client, people["bureau_staff@above"], code)
    assert again.status_code == 410
    assert again.get_json()["error"]["code"] == "code_expired"


def test_only_the_browser_that_showed_the_code_is_logged_in(demo, client, people, app):
    shower, thief = app.test_client(), app.test_client()
    code = shown_code(shower)
    shown_code(thief)  # the thief has a session and a nonce of its own
    with thief.session_transaction() as cookie:
        cookie["login_code"] = code
    assert confirm(client, people["bureau_admin@above"], code).status_code == 200
    assert thief.get("/console/login/status").get_json()["state"] == "expired"
    assert thief.get("/console/").status_code == 302
    assert shower.get("/console/login/status").get_json()["state"] == "approved"


def test_who_may_confirm_and_which_codes(demo, client, people, app):
    code = shown_code(app.test_client())
    parent = confirm(client, people["parent"], code)
    assert parent.status_code == 403
    unknown = confirm(client, people["teacher@own"], "x" * 32)
    assert unknown.status_code == 404
    db.session.execute(
        update(ConsoleLogin)
        .where(ConsoleLogin.code == code)
        .values(expires_at=utcnow() - timedelta(seconds=1))
    )
    db.session.commit()
    expired = confirm(client, people["teacher@own"], code)
    assert expired.status_code == 410
    assert expired.get_json()["error"]["code"] == "code_expired"
    nobody = client.post("/api/v1/console-logins/confirm", json={"code": code})
    assert nobody.status_code == 401


@pytest.mark.parametrize("code", ["", "a" * 81, "abc\x00def", 12345])
def test_bad_codes_are_refused_politely(demo, client, people, code):
    response = client.post(
        "/api/v1/console-logins/confirm", json={"code": code}, headers=people["teacher@own"]
    )
    assert response.status_code in (400, 422)
    assert "error" in response.get_json()


def test_an_expired_code_says_so_and_offers_a_new_one(demo, client):
    code = shown_code(client)
    db.session.execute(
        update(ConsoleLogin)
        .where(ConsoleLogin.code == code)
        .values(expires_at=utcnow() - timedelta(seconds=1))
    )
    db.session.commit()
    assert client.get("/console/login/status").get_json()["state"] == "expired"
    assert shown_code(client) != code


def test_two_phones_confirming_at_once_one_wins(demo, client, people, app):
    code = shown_code(app.test_client())
    results = together(
        app,
        [
            lambda c: answer(confirm(c, people["bureau_admin@above"], code)),
            lambda c: answer(confirm(c, people["teacher@own"], code)),
        ],
    )
    assert sorted(status for status, _ in results) == [200, 410]


def test_two_polls_at_once_log_in_once(demo, client, people, app):
    browser = app.test_client()
    code = shown_code(browser)
    assert confirm(client, people["bureau_admin@above"], code).status_code == 200
    with browser.session_transaction() as cookie:
        state = dict(cookie)

    def poll(c):
        with c.session_transaction() as cookie:
            cookie.update(state)
        return c.get("/console/login/status").get_json()["state"]

    assert sorted(together(app, [poll, poll])) == ["approved", "expired"]
    admin = db.session.scalars(select(User).where(User.openid == "demo-bureau_admin")).one()
    sessions = db.session.scalars(select(AuthSession).where(AuthSession.user_id == admin.id))
    # One session from the phone's own login, one from the console.
    assert len(list(sessions)) == 2


def test_the_cookie_is_httponly_and_samesite(demo, client):
    client.get("/console/login")
    cookie = client.get_cookie("console_session")
    assert cookie is not None and cookie.http_only and cookie.same_site == "Lax"
    assert not cookie.secure  # a test run is not production


def test_production_cookies_are_secure():
    app = Flask(__name__)
    app.config["APP_ENV"] = "production"
    register_console(app)
    assert app.config["SESSION_COOKIE_SECURE"] is True
    assert app.config["SESSION_COOKIE_HTTPONLY"] is True


def test_a_revoked_session_or_disabled_account_ends_the_console(demo, people, browser_as):
    browser = browser_as(people["bureau_admin@above"])
    assert browser.get("/console/").status_code == 200
    admin = db.session.scalars(select(User).where(User.openid == "demo-bureau_admin")).one()
    admin.is_active = False
    db.session.commit()
    assert browser.get("/console/").status_code == 302
    admin.is_active = True
    db.session.commit()
    browser = browser_as(people["bureau_admin@above"])
    db.session.execute(update(AuthSession).values(revoked_at=utcnow()))
    db.session.commit()
    assert browser.get("/console/hazards").status_code == 302


def test_logout_needs_the_csrf_token_and_revokes(demo, people, browser_as):
    browser = browser_as(people["bureau_admin@above"])
    assert browser.post("/console/logout").status_code == 400
    assert browser.post("/console/logout", data={"csrf_token": "guess"}).status_code == 400
    assert browser.get("/console/").status_code == 200
    with browser.session_transaction() as cookie:
        token = cookie["csrf"]
    out = browser.post("/console/logout", data={"csrf_token": token})
    assert out.status_code == 302 and out.headers["Location"].endswith("/console/login")
    assert browser.get("/console/").status_code == 302
    # The console's token is revoked; the phone's own session stays.
    revoked = db.session.scalars(select(AuthSession).where(AuthSession.revoked_at.is_not(None)))
    assert len(list(revoked)) == 1


def test_codes_a_day_past_their_expiry_are_dropped(demo, client):
    old = shown_code(client)
    recent = shown_code(client)
    for code, age in ((old, timedelta(days=1, minutes=1)), (recent, timedelta(hours=23))):
        db.session.execute(
            update(ConsoleLogin).where(ConsoleLogin.code == code).values(expires_at=utcnow() - age)
        )
    db.session.commit()
    shown_code(client)
    kept = set(db.session.scalars(select(ConsoleLogin.code)))
    assert old not in kept and recent in kept and len(kept) == 2
