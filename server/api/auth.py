"""Login through WeChat and logout."""

from __future__ import annotations

from flask import g, request
from flask_smorest import Blueprint

from server.api.schemas import LoginRequest, LoginResponse
from server.auth import login_required
from server.services.auth import login_with_code
from server.services.tokens import revoke

blp = Blueprint("auth", __name__, url_prefix="/api/v1/auth", description="Login and logout")


@blp.route("/login", methods=["POST"])
@blp.arguments(LoginRequest)
@blp.response(200, LoginResponse)
@blp.alt_response(401, description="The wx.login code is invalid or used")
@blp.alt_response(429, description="WeChat's login rate limit")
@blp.alt_response(503, description="WeChat unreachable or busy")
@blp.doc(security=[])
def login(body):
    """Exchange a ``wx.login`` code for a bearer token."""
    token, session, user = login_with_code(body["code"], request.remote_addr)
    return {"token": token, "expires_at": session.expires_at, "user": user}


@blp.route("/logout", methods=["POST"])
@login_required
@blp.response(204)
def logout():
    """Revoke the token this request was made with."""
    revoke(g.auth_session)
