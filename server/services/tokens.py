"""Bearer tokens: signed with the app secret, backed by a session row so they can be revoked."""

from __future__ import annotations

import secrets
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


class LiveSession:
    """What a request keeps of the session its token names: the id (to revoke it), its expiry
    and its user's id. Not an ORM row: loading one costs a mapped entity on every request.

    ``user`` is the ORM ``User``, loaded by the token check or, when the check read only the
    user's columns, on first access (a primary-key load); routes needing only the id never pay
    for the entity."""

    __slots__ = ("_user", "expires_at", "id", "user_id")

    def __init__(self, id: str, user_id: int, expires_at: datetime, user: User | None = None):
        """Keep the session's facts; ``user`` when the check already loaded it."""
        self.id, self.user_id, self.expires_at, self._user = id, user_id, expires_at, user

    @property
    def user(self) -> User:
        """The session's user, loaded once on first access when the check did not load it."""
        if self._user is None:
            user = db.session.get(User, self.user_id)
            if user is None:  # deleted since the check: as if the token named nobody
                raise ApiError(401, "unauthorized", "The token is invalid.")
            self._user = user
        return self._user


@lru_cache(maxsize=8)
def _serializer_for(secret_key: str) -> URLSafeSerializer:
    """One signer per secret: building it (key derivation set-up) on every request is waste."""
    return URLSafeSerializer(secret_key, salt=_SALT)


def _check_statement(*user_columns) -> Select:
    """The user of a session (bound as ``sid``), or only the user columns given, and the
    session's two dates, in one statement."""
    return (
        select(*(user_columns or (User,)), AuthSession.revoked_at, AuthSession.expires_at)
        .join(AuthSession, AuthSession.user_id == User.id)
        .where(AuthSession.id == bindparam("sid"))
    )


# Built once: every authenticated request runs one, and building it (and its cache key) each time
# cost about as much Python as running it. The second reads no entity: building the ORM ``User``
# is most of the check's Python, and routes that only need the id skip it.
_CHECK = _check_statement()
_CHECK_COLUMNS = _check_statement(User.id, User.is_active)


def resolve_token(token: str, load_user: bool = True) -> LiveSession:
    """Return the live session a token names, or raise a 401 saying why not.

    Every authenticated request comes through here, so it is one statement; it loads the user as
    an entity only with ``load_user`` (otherwise ``LiveSession.user`` loads it if asked). Nothing
    is cached across requests: revoking a token or disabling an account takes effect on the very
    next request.
    """
    try:
        payload = _serializer().loads(token)
    except BadSignature as exc:
        raise ApiError(401, "unauthorized", "The token is invalid.") from exc
    sid = payload.get("sid") if isinstance(payload, dict) else None
    found = None
    if isinstance(sid, str):
        # The columns' check goes through the Core connection: no ORM entity to build, so the
        # ORM's execution layer would be pure overhead on every request.
        if load_user:
            found = db.session.execute(_CHECK, {"sid": sid}).first()
        else:
            found = db.session.connection().execute(_CHECK_COLUMNS, {"sid": sid}).first()
    if found is None:
        raise ApiError(401, "unauthorized", "The token is invalid.")
    if load_user:
        user, revoked_at, expires_at = found
        user_id, is_active = user.id, user.is_active
    else:
        user, (user_id, is_active, revoked_at, expires_at) = None, found
    if revoked_at is not None:
        raise ApiError(401, "token_revoked", "The token was revoked; please log in again.")
    if expires_at <= utcnow():
        raise ApiError(401, "token_expired", "The token has expired; please log in again.")
    if not is_active:
        raise ApiError(403, "account_disabled", "This account is disabled.")
    return LiveSession(sid, user_id, expires_at, user)


def revoke(session: LiveSession | AuthSession) -> None:
    """Revoke a session at once (log out); a second revocation keeps the first one's time."""
    db.session.execute(
        update(AuthSession)
        .where(AuthSession.id == session.id, AuthSession.revoked_at.is_(None))
        .values(revoked_at=utcnow())
        .execution_options(synchronize_session=False)
    )
    db.session.commit()
