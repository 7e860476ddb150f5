"""Bearer tokens: signed with the app secret, backed by a session row so they can be revoked."""

from __future__ import annotations

import secrets
from datetime import timedelta

from flask import current_app
from itsdangerous import BadSignature, URLSafeSerializer
from sqlalchemy import select
from sqlalchemy.orm import joinedload

from server.errors import ApiError
from server.extensions import db
from server.models import AuthSession, User, utcnow

_SALT = "auth-token-v1"


def _serializer() -> URLSafeSerializer:
    """The signer; expiry lives in the session row, where revocation does too."""
    return URLSafeSerializer(current_app.config["SECRET_KEY"], salt=_SALT)


def issue_token(user: User, client_ip: str | None) -> tuple[str, AuthSession]:
    """Create a session for ``user`` and return its signed token (the caller commits)."""
    ttl = timedelta(hours=current_app.config["TOKEN_TTL_HOURS"])
    session = AuthSession(
        id=secrets.token_hex(16),
        user_id=user.id,
        expires_at=utcnow() + ttl,
        client_ip=client_ip,
    )
    db.session.add(session)
    return _serializer().dumps({"sid": session.id}), session


def resolve_token(token: str) -> AuthSession:
    """Return the live session a token names, or raise a 401 saying why not."""
    try:
        payload = _serializer().loads(token)
    except BadSignature as exc:
        raise ApiError(401, "unauthorized", "The token is invalid.") from exc
    sid = payload.get("sid") if isinstance(payload, dict) else None
    # One query for the session and its user: every authenticated request comes through here.
    session = (
        db.session.scalars(
            select(AuthSession).options(joinedload(AuthSession.user)).where(AuthSession.id == sid)
        ).first()
        if isinstance(sid, str)
        else None
    )
    if session is None:
        raise ApiError(401, "unauthorized", "The token is invalid.")
    if session.revoked_at is not None:
        raise ApiError(401, "token_revoked", "The token was revoked; please log in again.")
    if session.expires_at <= utcnow():
        raise ApiError(401, "token_expired", "The token has expired; please log in again.")
    if not session.user.is_active:
        raise ApiError(403, "account_disabled", "This account is disabled.")
    return session


def revoke(session: AuthSession) -> None:
    """Revoke a session at once (log out)."""
    if session.revoked_at is None:
        session.revoked_at = utcnow()
        db.session.commit()
