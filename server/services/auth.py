"""WeChat login: a ``wx.login`` code -> code2Session -> the user by openid -> our own token."""

from __future__ import annotations

from flask import current_app
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from server.errors import ApiError
from server.extensions import db
from server.models import AuthSession, User, utcnow
from server.services.tokens import issue_token
from server.wechat import (
    WeChatCodeInvalid,
    WeChatConfigError,
    WeChatError,
    WeChatGateway,
    WeChatRateLimited,
    WeChatUnavailable,
    WeChatUserBlocked,
)


def wechat_gateway() -> WeChatGateway:
    """The app's WeChat gateway (built once in ``create_app``)."""
    return current_app.extensions["wechat"]


def _session_info(code: str):
    """Ask WeChat who the code belongs to, mapping its answers to API errors.

    None of these errors creates a user: we only touch the database once WeChat said yes.
    """
    try:
        return wechat_gateway().code_to_session(code)
    except WeChatCodeInvalid as exc:
        raise ApiError(
            401, "wechat_code_invalid", "The login code is invalid or was already used."
        ) from exc
    except WeChatRateLimited as exc:
        raise ApiError(
            429, "rate_limited", "Too many logins right now; try again shortly."
        ) from exc
    except WeChatUserBlocked as exc:
        raise ApiError(403, "wechat_user_blocked", "WeChat has restricted this account.") from exc
    except WeChatUnavailable as exc:
        raise ApiError(503, "wechat_unavailable", "WeChat is unreachable or busy.") from exc
    except WeChatConfigError as exc:
        current_app.logger.error("WeChat rejected our credentials: %s", exc)
        raise ApiError(503, "wechat_unavailable", "WeChat login is misconfigured.") from exc
    except WeChatError as exc:
        current_app.logger.warning("unexpected WeChat answer: %s", exc)
        raise ApiError(503, "wechat_unavailable", "WeChat gave an unexpected answer.") from exc


def _find_or_create_user(openid: str, unionid: str | None) -> User:
    """The user with this openid, created on first login (a race creates it only once)."""
    user = db.session.scalars(select(User).where(User.openid == openid)).first()
    if user is not None:
        return user
    user = User(openid=openid, unionid=unionid)
    db.session.add(user)
    try:
        db.session.flush()
    except IntegrityError:
        # Two first logins at once: the other request created the row; use it.
        db.session.rollback()
        user = db.session.scalars(select(User).where(User.openid == openid)).one()
    return user


def login_with_code(code: str, client_ip: str | None) -> tuple[str, AuthSession, User]:
    """Exchange a ``wx.login`` code for our token; raises ApiError for WeChat's refusals."""
    info = _session_info(code)
    user = _find_or_create_user(info.openid, info.unionid)
    if not user.is_active:
        raise ApiError(403, "account_disabled", "This account is disabled.")
    if info.unionid and user.unionid != info.unionid:
        user.unionid = info.unionid
    user.last_login_at = utcnow()
    token, session = issue_token(user, client_ip)
    db.session.commit()
    return token, session, user
