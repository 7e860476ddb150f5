"""Logging in by scanning: the page shows a QR code and asks, every two seconds, whether a
phone confirmed it; logging out revokes the session's token."""

from __future__ import annotations

import segno
from flask import g, jsonify, redirect, render_template, request, session, url_for

from server.console import bp
from server.console.session import console_login_required, log_in, resolve_login
from server.services import console_logins
from server.services.tokens import revoke

CODE_KEY = "login_code"
NONCE_KEY = "login_nonce"


@bp.route("/login", methods=["GET"])
def login():
    """The QR code to scan with the mini-program (a new one each time the page is shown)."""
    if resolve_login():
        return redirect(url_for("console.dashboard"))
    nonce = session.get(NONCE_KEY) or console_logins.new_nonce()
    started = console_logins.start(nonce)
    session[NONCE_KEY] = nonce
    session[CODE_KEY] = started.code
    content = console_logins.QR_PREFIX + started.code
    svg = segno.make(content, error="m").svg_inline(scale=6, dark="#1f2329")
    ttl = int(console_logins.CODE_TTL.total_seconds())
    return render_template("console/login.html", code=started.code, svg=svg, ttl=ttl)


@bp.route("/login/status", methods=["GET"])
def login_status():
    """``pending``, ``approved`` (this browser is now logged in) or ``expired``."""
    state, token = console_logins.poll(
        session.get(CODE_KEY), session.get(NONCE_KEY), request.remote_addr
    )
    if token is not None:
        log_in(token)
    response = jsonify({"state": state, "next": url_for("console.dashboard")})
    response.headers["Cache-Control"] = "no-store"
    return response


@bp.route("/logout", methods=["POST"])
@console_login_required
def logout():
    """End the session: its token is revoked, the cookie emptied."""
    revoke(g.auth_session)
    session.clear()
    return redirect(url_for("console.login"))
