"""State and protocol rules of the fake WeChat API, free of HTTP (``fake.py`` serves it).

Also the data types of failure injection, which ``fake.py`` applies.

Public methods take the lock: the HTTP server is threaded and tests poke the same object.
"""

from __future__ import annotations

import copy
import re
import secrets
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from server.wechat.fake_content import DEFAULT_WORDS, ContentChecks, error

TOKEN_TTL_SECONDS = 7200
CODE_TTL_SECONDS = 300  # wx.login codes live five minutes in real WeChat
# Documented length limits per subscribe-message keyword type; types missing
# here (time, date, amount, ...) are only checked for being non-empty.
VALUE_LIMITS = {
    "thing": 20,
    "number": 32,
    "letter": 32,
    "symbol": 5,
    "character_string": 32,
    "phone_number": 17,
    "car_number": 8,
    "name": 10,
    "phrase": 5,
}
MINIPROGRAM_STATES = ("developer", "trial", "formal")
LANGS = ("zh_CN", "en_US", "zh_HK", "zh_TW")
_KEY_RE = re.compile(r"^([a-z_]+?)(\d+)$")


TOKEN_PATHS = ("cgi-bin/token", "cgi-bin/stable_token")

# Messages WeChat sends with the error codes tests inject most.
DEFAULT_ERRMSGS = {
    -1: "system error",
    45009: "reach max api daily quota limit",
    45011: "api minute-quota reach limit  mustslower  retry next minute",
    40226: "high risk user",
}


@dataclass
class InjectedFailure:
    """One queued misbehaviour of an endpoint; ``times`` counts remaining uses."""

    errcode: int | None = None
    errmsg: str | None = None
    http_status: int | None = None
    delay: float | None = None
    times: int = 1


def make_failure(
    errcode: Any = None,
    errmsg: str | None = None,
    http_status: Any = None,
    delay: Any = None,
    times: Any = 1,
) -> InjectedFailure:
    """Build an InjectedFailure from loosely typed (e.g. JSON) values; reject a no-op."""
    failure = InjectedFailure(
        errcode=None if errcode is None else int(errcode),
        errmsg=errmsg,
        http_status=None if http_status is None else int(http_status),
        delay=None if delay is None else float(delay),
        times=int(times),
    )
    if failure.errcode is None and failure.http_status is None and not failure.delay:
        raise ValueError("a failure needs errcode, http_status or delay")
    return failure


@dataclass
class _Code:
    """A minted wx.login code."""

    openid: str
    unionid: str | None
    expires_at: float
    used: bool = False


class FakeWeChatState(ContentChecks):
    """Everything the fake remembers, guarded by one lock; its methods are the control API."""

    def __init__(
        self,
        appid: str,
        secret: str,
        token_grace_seconds: float = 300,
        now: Callable[[], float] | None = None,
    ) -> None:
        """Create empty state; ``now`` replaces the wall clock (``advance`` shifts either)."""
        self.appid = appid
        self.secret = secret
        self.token_grace_seconds = token_grace_seconds
        self._now_fn = now or time.time
        self._lock = threading.RLock()
        self.reset()

    # ----- clock and control -------------------------------------------------

    def now(self) -> float:
        """Current fake time in seconds."""
        return self._now_fn() + self._offset

    def advance(self, seconds: float) -> None:
        """Move the fake clock forward (expires codes and tokens without sleeping)."""
        with self._lock:
            self._offset += seconds

    def reset(self) -> None:
        """Forget everything: tokens, codes, users, templates, failures, messages, clock shift."""
        with self._lock:
            self._offset = 0.0
            self._tokens: dict[str, float] = {}  # token -> expires_at
            self._current: dict[str, str | None] = {"token": None, "stable": None}
            self._codes: dict[str, _Code] = {}
            self._default_openid: str | None = None
            self._openids: set[str] = set()
            self._templates: set[str] = set()
            self._refusals: set[tuple[str, str]] = set()
            self._messages: list[dict[str, Any]] = []
            self._next_msgid = 1000
            self._words: dict[str, tuple[str, int]] = dict(DEFAULT_WORDS)
            self._media_checks: list[dict[str, Any]] = []

    def mint_code(self, openid: str, unionid: str | None = None) -> str:
        """Create a single-use login code for ``openid`` (as wx.login would)."""
        code = secrets.token_hex(16)
        with self._lock:
            self._codes[code] = _Code(openid, unionid, self.now() + CODE_TTL_SECONDS)
        return code

    def set_default_openid(self, openid: str | None) -> None:
        """Map every unknown code (once each) to ``openid``; None turns this off."""
        with self._lock:
            self._default_openid = openid

    def register_openid(self, openid: str) -> None:
        """Make ``openid`` a known user without a login."""
        with self._lock:
            self._openids.add(openid)

    def register_template(self, template_id: str) -> None:
        """Make ``template_id`` a template of this mini-program."""
        with self._lock:
            self._templates.add(template_id)

    def refuse(self, openid: str, template_id: str) -> None:
        """Mark ``openid`` as not having granted ``template_id`` (sends answer 43101)."""
        with self._lock:
            self._refusals.add((openid, template_id))

    def messages(self) -> list[dict[str, Any]]:
        """Copies of every accepted subscribe message, oldest first."""
        with self._lock:
            return copy.deepcopy(self._messages)

    # ----- access tokens -----------------------------------------------------

    def _check_app(
        self, grant_type: str | None, expected: str, appid: Any, secret: Any
    ) -> dict[str, Any] | None:
        """Validate grant type and credentials; return an error body or None."""
        if grant_type != expected:
            return error(40002, "invalid grant_type")
        if appid != self.appid:
            return error(40013, "invalid appid")
        if secret != self.secret:
            return error(40125, "invalid appsecret")
        return None

    def _issue(self, kind: str) -> str:
        """Mint a token for ``kind`` and cut the previous one's life to the grace period."""
        now = self.now()
        previous = self._current[kind]
        if previous is not None and previous in self._tokens:
            self._tokens[previous] = min(self._tokens[previous], now + self.token_grace_seconds)
        token = secrets.token_urlsafe(64)
        self._tokens[token] = now + TOKEN_TTL_SECONDS
        self._current[kind] = token
        return token

    def get_token(self, grant_type: str | None, appid: Any, secret: Any) -> dict[str, Any]:
        """``GET cgi-bin/token``: always a new token."""
        with self._lock:
            problem = self._check_app(grant_type, "client_credential", appid, secret)
            if problem:
                return problem
            return {"access_token": self._issue("token"), "expires_in": TOKEN_TTL_SECONDS}

    def get_stable_token(self, body: dict[str, Any]) -> dict[str, Any]:
        """``POST cgi-bin/stable_token``: the same token until expiry unless force_refresh."""
        with self._lock:
            problem = self._check_app(
                body.get("grant_type"), "client_credential", body.get("appid"), body.get("secret")
            )
            if problem:
                return problem
            now = self.now()
            token = self._current["stable"]
            if body.get("force_refresh") or token is None or self._tokens[token] <= now:
                token = self._issue("stable")
            return {"access_token": token, "expires_in": int(self._tokens[token] - now)}

    def check_token(self, token: str | None) -> dict[str, Any] | None:
        """Return an error body when ``token`` cannot be used, else None."""
        with self._lock:
            if not token:
                return error(41001, "access_token missing")
            expires_at = self._tokens.get(token)
            if expires_at is None:
                return error(40001, "invalid credential, access_token is invalid or not latest")
            if expires_at <= self.now():
                return error(42001, "access_token expired")
            return None

    # ----- login ---------------------------------------------------------------

    def code_to_session(self, args: dict[str, Any]) -> dict[str, Any]:
        """``GET sns/jscode2session``; any access_token argument is ignored, like WeChat does."""
        with self._lock:
            problem = self._check_app(
                args.get("grant_type"), "authorization_code", args.get("appid"), args.get("secret")
            )
            if problem:
                return problem
            js_code = args.get("js_code")
            if not js_code:
                return error(41008, "missing code")
            entry = self._codes.get(js_code)
            if entry is None and self._default_openid is not None:
                # Lets real wx.login codes from WeChat DevTools log in against the demo.
                entry = _Code(self._default_openid, None, self.now() + CODE_TTL_SECONDS)
                self._codes[js_code] = entry
            if entry is None or entry.expires_at <= self.now():
                return error(40029, "invalid code")
            if entry.used:
                return error(40163, "code been used")
            entry.used = True
            self._openids.add(entry.openid)
            result = {"openid": entry.openid, "session_key": secrets.token_urlsafe(18)}
            if entry.unionid:
                result["unionid"] = entry.unionid
            return result

    # ----- subscribe messages --------------------------------------------------

    def send_subscribe(self, token: str | None, body: Any) -> dict[str, Any]:
        """``POST cgi-bin/message/subscribe/send``: validate, record, return a msgid."""
        with self._lock:
            problem = self.check_token(token)
            if problem:
                return problem
            if not isinstance(body, dict):
                return error(47001, "data format error")
            touser, template_id = body.get("touser"), body.get("template_id")
            if touser not in self._openids:
                return error(40003, "invalid openid")
            if template_id not in self._templates:
                return error(40037, "invalid template_id")
            problem = _check_payload(body)
            if problem:
                return problem
            if (touser, template_id) in self._refusals:
                return error(43101, "user refuse to accept the msg")
            self._next_msgid += 1
            record = {
                "msgid": self._next_msgid,
                "at": self.now(),
                **{k: copy.deepcopy(body.get(k)) for k in ("touser", "template_id", "data")},
                **{k: body.get(k) for k in ("page", "miniprogram_state", "lang")},
            }
            self._messages.append(record)
            return {"errcode": 0, "errmsg": "ok", "msgid": self._next_msgid}


def _check_payload(body: dict[str, Any]) -> dict[str, Any] | None:
    """Validate ``data``, ``miniprogram_state`` and ``lang``; return a 47003 body or None."""
    for key, allowed in (("miniprogram_state", MINIPROGRAM_STATES), ("lang", LANGS)):
        if body.get(key) is not None and body[key] not in allowed:
            return error(47003, f"argument invalid! {key} invalid")
    data = body.get("data")
    if not isinstance(data, dict) or not data:
        return error(47003, "argument invalid! data is empty")
    for key, item in data.items():
        match = _KEY_RE.match(str(key))
        if not match or not isinstance(item, dict) or "value" not in item:
            return error(47003, f"argument invalid! data.{key} invalid")
        value = item["value"]
        if not isinstance(value, (str, int, float)) or str(value) == "":
            return error(47003, f"argument invalid! data.{key}.value is empty")
        limit = VALUE_LIMITS.get(match.group(1))
        if limit is not None and len(str(value)) > limit:
            return error(47003, f"argument invalid! data.{key}.value too long")
    return None
