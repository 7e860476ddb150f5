"""Logging in to the web console by scanning: the browser shows a code, a staff member's phone
approves it, and the browser that showed it (and only that one) trades it once for a session.

Each step is one conditional UPDATE, so two phones approving, or two polls of the same browser,
cannot both win. The session the browser gets is an ordinary ``AuthSession`` (``tokens.py``):
revoking it, or disabling the account, ends the console session exactly as it ends the phone's.
"""

from __future__ import annotations

import secrets
from datetime import timedelta

from sqlalchemy import delete, select, update

from server import access
from server.errors import ApiError
from server.extensions import db
from server.models import ConsoleLogin, User, utcnow
from server.services.tokens import issue_token

CODE_TTL = timedelta(minutes=2)
# Used and expired codes are kept this long (to read what happened), then dropped.
KEEP_CODES = timedelta(days=1)
QR_PREFIX = "SAFETY-WEB:"
PENDING, APPROVED, EXPIRED = "pending", "approved", "expired"
# Any staff role carries it; a parent-only account holds no grant and so does not.
STAFF_CAPABILITY = "unit.view"


def new_nonce() -> str:
    """The browser's secret, kept in its session cookie beside the code it shows."""
    return secrets.token_urlsafe(24)


def start(nonce: str) -> ConsoleLogin:
    """A fresh code for the browser holding ``nonce`` (committed). Each view of the login page
    makes one, so codes a day past their expiry are dropped here (one indexed statement)."""
    now = utcnow()
    db.session.execute(delete(ConsoleLogin).where(ConsoleLogin.expires_at < now - KEEP_CODES))
    login = ConsoleLogin(
        code=secrets.token_urlsafe(24), nonce=nonce, created_at=now, expires_at=now + CODE_TTL
    )
    db.session.add(login)
    db.session.commit()
    return login


def _by_code(code: str) -> ConsoleLogin | None:
    """The login a code names, if any."""
    return db.session.scalars(select(ConsoleLogin).where(ConsoleLogin.code == code)).first()


def confirm(user: User, code: str) -> ConsoleLogin:
    """The phone's approval: any staff member; 404 for an unknown code, 410 for one that
    expired, was approved already or was used."""
    if not access.may_somewhere(user, STAFF_CAPABILITY):
        raise access.forbidden(STAFF_CAPABILITY)
    # The phone may send what it scanned, prefix and all.
    login = _by_code(code.removeprefix(QR_PREFIX))
    if login is None:
        raise ApiError(404, "not_found", "No such login code.")
    now = utcnow()
    claimed = db.session.execute(
        update(ConsoleLogin)
        .where(
            ConsoleLogin.id == login.id,
            ConsoleLogin.approved_at.is_(None),
            ConsoleLogin.consumed_at.is_(None),
            ConsoleLogin.expires_at > now,
        )
        .values(approved_by_id=user.id, approved_at=now)
        .execution_options(synchronize_session=False)
    ).rowcount
    db.session.commit()
    if claimed != 1:
        raise ApiError(410, "code_expired", "The code has expired or was used; refresh it.")
    db.session.refresh(login)
    return login


def poll(code: str | None, nonce: str | None, client_ip: str | None) -> tuple[str, str | None]:
    """The browser's question: ``(state, token)``. On approval the code is consumed by a
    conditional UPDATE (it logs in once) and a session token is issued for the approver."""
    login = _by_code(code) if code and nonce else None
    # Another browser's code (a nonce that does not match) is as good as no code.
    if login is None or not secrets.compare_digest(login.nonce, nonce or ""):
        return EXPIRED, None
    if login.approved_at is None:
        return (PENDING if login.expires_at > utcnow() else EXPIRED), None
    consumed = db.session.execute(
        update(ConsoleLogin)
        .where(ConsoleLogin.id == login.id, ConsoleLogin.consumed_at.is_(None))
        .values(consumed_at=utcnow())
        .execution_options(synchronize_session=False)
    ).rowcount
    if consumed != 1:
        db.session.rollback()
        return EXPIRED, None
    approver = db.session.get(User, login.approved_by_id)
    if approver is None or not approver.is_active:
        db.session.commit()
        return EXPIRED, None
    token, _session = issue_token(approver, client_ip)
    db.session.commit()
    return APPROVED, token
