"""Bearer tokens: signed with the app secret, backed by a session row so they can be revoked."""

from __future__ import annotations

import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta
from functools import lru_cache

from flask import current_app
from itsdangerous import BadSignature, URLSafeSerializer
from sqlalchemy import Select, bindparam, select, update

from server.errors import ApiError
from server.extensions import db
from server.models import AuthSession, User, utcnow

_SALT = "auth-token-v1"


def _serializer() -> URLSafeSerializer:
    """The signer; expiry lives in the session row, where revocation does too."""
    return _serializer_for(current_app.config["SECRET_KEY"])


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


@dataclass(frozen=True, slots=True)
class LiveSession:
    """What a request keeps of the session its token names: the id (to revoke it), its expiry
    and its user. Not an ORM row: loading one costs a mapped entity on every request."""

    id: str
    user_id: int
    expires_at: datetime
    user: User


@lru_cache(maxsize=8)
def _serializer_for(secret_key: str) -> URLSafeSerializer:
    """One signer per secret: building it (key derivation set-up) on every request is waste."""
    return URLSafeSerializer(secret_key, salt=_SALT)


def _check_statement() -> Select:
    """The user of a session (bound as ``sid``) and the session's two dates, in one statement."""
    return (
        select(User, AuthSession.revoked_at, AuthSession.expires_at)
        .join(AuthSession, AuthSession.user_id == User.id)
        .where(AuthSession.id == bindparam("sid"))
    )


# Built once: every authenticated request runs it, and building it (and its cache key) each time
# cost about as much Python as running it.
_CHECK = _check_statement()


def resolve_token(token: str) -> LiveSession:
    """Return the live session a token names, or raise a 401 saying why not.

    Every authenticated request comes through here, so it is one statement that loads only the
    user as an entity. Nothing is cached across requests: revoking a token or disabling an
    account takes effect on the very next request.
    """
    try:
        payload = _serializer().loads(token)
    except BadSignature as exc:
        raise ApiError(401, "unauthorized", "The token is invalid.") from exc
    sid = payload.get("sid") if isinstance(payload, dict) else None
    found = db.session.execute(_CHECK, {"sid": sid}).first() if isinstance(sid, str) else None
    if found is None:
        raise ApiError(401, "unauthorized", "The token is invalid.")
    user, revoked_at, expires_at = found
    if revoked_at is not None:
        raise ApiError(401, "token_revoked", "The token was revoked; please log in again.")
    if expires_at <= utcnow():
        raise ApiError(401, "token_expired", "The token has expired; please log in again.")
    if not user.is_active:
        raise ApiError(403, "account_disabled", "This account is disabled.")
    return LiveSession(sid, user.id, expires_at, user)


def revoke(session: LiveSession | AuthSession) -> None:
    """Revoke a session at once (log out); a second revocation keeps the first one's time."""
    db.session.execute(
        update(AuthSession)
        .where(AuthSession.id == session.id, AuthSession.revoked_at.is_(None))
        .values(revoked_at=utcnow())
        .execution_options(synchronize_session=False)
    )
    db.session.commit()
