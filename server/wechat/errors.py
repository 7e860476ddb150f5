"""Exceptions raised by the WeChat gateway.

Callers (the login endpoint, the notification sender) only ever see these,
never wechatpy's or requests' exceptions, so they can decide per class whether
to retry, tell the user to try again, or alert an operator.
"""

from __future__ import annotations


class WeChatError(Exception):
    """Base class: a WeChat call failed. ``errcode`` is None when WeChat never answered."""

    def __init__(self, errcode: int | None, errmsg: str) -> None:
        """Keep WeChat's error code and message; both end up in logs."""
        super().__init__(f"WeChat error {errcode}: {errmsg}")
        self.errcode = errcode
        self.errmsg = errmsg


class WeChatCodeInvalid(WeChatError):
    """The wx.login code is unknown, expired or already used (40029, 40163, 41008)."""


class WeChatRateLimited(WeChatError):
    """WeChat throttles us (45011 login frequency, 45009 daily API quota): retry later."""


class WeChatUserBlocked(WeChatError):
    """WeChat blocks this user as high-risk (40226): do not retry."""


class WeChatUnavailable(WeChatError):
    """WeChat is unreachable or unhealthy (-1, network error, timeout, HTTP 5xx, bad JSON).

    Transient by nature: safe to retry with backoff.
    """


class WeChatConfigError(WeChatError):
    """Our own appid/secret/grant_type are wrong (40013, 40125, 40002): an operator must act."""


class WeChatUserRefused(WeChatError):
    """The user has not granted (or revoked) this subscribe-message template (43101)."""


class WeChatApiError(WeChatError):
    """Any other WeChat error (e.g. 40003 bad openid, 40037 bad template, 47003 bad data)."""


#: errcode -> exception class; anything missing here becomes WeChatApiError.
ERRCODE_CLASSES: dict[int, type[WeChatError]] = {
    40029: WeChatCodeInvalid,
    40163: WeChatCodeInvalid,
    41008: WeChatCodeInvalid,
    45011: WeChatRateLimited,
    45009: WeChatRateLimited,
    40226: WeChatUserBlocked,
    -1: WeChatUnavailable,
    40013: WeChatConfigError,
    40125: WeChatConfigError,
    40002: WeChatConfigError,
    43101: WeChatUserRefused,
}


def error_for_code(errcode: int, errmsg: str) -> WeChatError:
    """Build the exception matching a WeChat ``errcode``."""
    return ERRCODE_CLASSES.get(errcode, WeChatApiError)(errcode, errmsg)
