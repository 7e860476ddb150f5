"""WeChat API access for the service: login (code2Session) and subscribe messages.

Everything goes through wechatpy, with two adjustments wechatpy 1.8.18 lacks:
a per-instance API base URL (so tests and the demo can point at the fake
server) and a timeout on the access-token request. Every failure reaches the
caller as one of the exceptions in :mod:`server.wechat.errors`.
"""

from __future__ import annotations

import os
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any, TypeVar

import requests
from redis.exceptions import RedisError
from wechatpy import WeChatClient
from wechatpy.client.api.base import BaseWeChatAPI
from wechatpy.exceptions import WeChatClientException
from wechatpy.session.memorystorage import MemoryStorage
from wechatpy.session.redisstorage import RedisStorage

from server.wechat.content_security import ContentSecurityCalls
from server.wechat.errors import (
    WeChatApiError,
    WeChatCodeInvalid,
    WeChatError,
    WeChatUnavailable,
    error_for_code,
)
from server.wechat.tokens import TOKEN_EXPIRY_MARGIN, LocalTokenCache

DEFAULT_API_BASE_URL = "https://api.weixin.qq.com/"
# Error codes on which wechatpy refetches the token and retries the call.
TOKEN_ERRCODES = (40001, 40014, 42001)
T = TypeVar("T")
# Exceptions that mean "the call failed" rather than "our code is wrong".
TRANSLATED_ERRORS = (WeChatClientException, requests.RequestException, ValueError, RedisError)


# Connections kept per client: one client serves all the threads of a worker process.
HTTP_POOL_SIZE = 64


@dataclass(frozen=True)
class SessionInfo:
    """Result of code2Session; session_key stays out of repr so it never lands in logs."""

    openid: str
    session_key: str = field(repr=False)
    unionid: str | None = None


class ConfigurableWeChatClient(LocalTokenCache, WeChatClient):
    """wechatpy's WeChatClient with a per-instance base URL, token timeout and stable_token."""

    def __init__(
        self,
        appid: str,
        secret: str,
        api_base_url: str = DEFAULT_API_BASE_URL,
        session: Any = None,
        timeout: float | tuple[float, float] | None = (3, 10),
        use_stable_token: bool = False,
    ) -> None:
        """Point every endpoint, the token call included, at ``api_base_url``."""
        super().__init__(appid, secret, session=session, timeout=timeout)
        # One client serves every thread of a worker: size the connection pool for them, so
        # threads reuse keep-alive connections instead of opening one per message.
        adapter = requests.adapters.HTTPAdapter(pool_connections=4, pool_maxsize=HTTP_POOL_SIZE)
        self._http.mount("http://", adapter)
        self._http.mount("https://", adapter)
        # requests reads the proxy and CA-bundle variables from the environment again on every
        # request, scanning os.environ twice (about a tenth of a send's CPU, measured against
        # the fake): read them once here, for WeChat's host, and let the session keep them. A
        # .netrc is not read.
        self._http.trust_env = False
        self._http.proxies = requests.utils.get_environ_proxies(api_base_url)
        bundle = os.environ.get("REQUESTS_CA_BUNDLE") or os.environ.get("CURL_CA_BUNDLE")
        if bundle:
            self._http.verify = bundle
        self.api_root = api_base_url.rstrip("/") + "/"
        self.use_stable_token = use_stable_token
        self._retry_state = threading.local()
        self._local_token: tuple[str, float] | None = None  # see LocalTokenCache
        self._token_lock = threading.Lock()
        # Instance attribute shadows the class one that _request reads.
        self.API_BASE_URL = self.api_root + "cgi-bin/"
        # wechatpy's __new__ gave each client its own endpoint objects (wxa, ...), some of
        # which carry their own absolute base URL; rebase those on this instance only.
        # vars() and not inspect.getmembers(): the latter would evaluate the
        # access_token property and hit the network.
        for api in vars(self).values():
            base = getattr(api, "API_BASE_URL", None)
            if isinstance(api, BaseWeChatAPI) and base and base.startswith(DEFAULT_API_BASE_URL):
                api.API_BASE_URL = self.api_root + base[len(DEFAULT_API_BASE_URL) :]

    def fetch_access_token(self) -> dict[str, Any]:
        """Fetch and store a token from the configured base URL, with a timeout.

        wechatpy's own version hard-codes the URL and sends no timeout at all.
        """
        if self.use_stable_token:
            body = {
                "grant_type": "client_credential",
                "appid": self.appid,
                "secret": self.secret,
                "force_refresh": False,
            }
            res = self._http.post(
                self.API_BASE_URL + "stable_token", json=body, timeout=self.timeout
            )
        else:
            params = {"grant_type": "client_credential", "appid": self.appid, "secret": self.secret}
            res = self._http.get(self.API_BASE_URL + "token", params=params, timeout=self.timeout)
        if res.status_code >= 400:
            raise WeChatClientException(None, f"HTTP {res.status_code}", self, res.request, res)
        try:
            result = res.json()
        except ValueError:
            result = None
        if not isinstance(result, dict):
            raise WeChatClientException(None, "invalid JSON", self, res.request, res)
        if result.get("errcode", 0) != 0 or "access_token" not in result:
            errcode = result.get("errcode")
            errcode = int(errcode) if errcode is not None else None
            raise WeChatClientException(errcode, result.get("errmsg", ""), self, res.request, res)
        expires_in = int(result.get("expires_in", 7200))
        # Drop the shared copy a minute early: processes that only read the token from
        # Redis have no expires_at of their own, so the key's TTL is their only expiry
        # check; the minute matches the margin wechatpy uses for the fetching process.
        ttl = max(expires_in - TOKEN_EXPIRY_MARGIN, 1)
        self.session.set(self.access_token_key, result["access_token"], ttl)
        self.expires_at = int(time.time()) + expires_in
        self._keep_local(result["access_token"], ttl)
        return result

    def _handle_result(
        self,
        res: Any,
        method: str | None = None,
        url: str | None = None,
        result_processor: Callable[[dict], Any] | None = None,
        **kwargs: Any,
    ) -> Any:
        """Replace a rejected token and retry once per call, not forever.

        wechatpy retries recursively without a limit, so a server that keeps
        rejecting fresh tokens would end in RecursionError; and it always fetches a new
        token, where another process may already have put one in Redis.
        """
        result = res if isinstance(res, dict) else self._decode_result(res)
        code = _errcode(result) if isinstance(result, dict) else None
        if code in TOKEN_ERRCODES:
            params = kwargs.get("params")
            if getattr(self._retry_state, "active", False) or not isinstance(params, dict):
                raise WeChatClientException(code, result.get("errmsg", ""), self, None, res)
            params["access_token"] = self._replace_rejected(params.get("access_token"))
            self._retry_state.active = True
            try:
                return self._request(
                    method=method, url_or_endpoint=url, result_processor=result_processor, **kwargs
                )
            finally:
                self._retry_state.active = False
        if isinstance(result, dict) and not code and "base_resp" not in result:
            # The common case, a success: skip decoding the body a second time.
            return result_processor(result) if result_processor else result
        return super()._handle_result(res, method, url, result_processor, **kwargs)


def _errcode(result: dict[str, Any]) -> int | None:
    """Return a JSON answer's errcode as int, or None when absent or not numeric."""
    try:
        return int(result["errcode"])
    except (KeyError, TypeError, ValueError):
        return None


def translate_error(exc: Exception) -> WeChatError:
    """Map a wechatpy, requests or redis exception onto our exception classes."""
    if isinstance(exc, WeChatError):
        return exc
    if isinstance(exc, WeChatClientException):
        if exc.errcode is not None:
            return error_for_code(int(exc.errcode), str(exc.errmsg or ""))
        response = exc.response
        status = getattr(response, "status_code", None)
        if status is not None and 400 <= status < 500:
            return WeChatApiError(None, f"HTTP {status} from WeChat")
        return WeChatUnavailable(None, str(exc.errmsg or f"HTTP {status} from WeChat"))
    if isinstance(exc, requests.Timeout):
        return WeChatUnavailable(None, f"timeout: {exc}")
    if isinstance(exc, RedisError):
        return WeChatUnavailable(None, f"access-token storage (Redis) failed: {exc}")
    # RequestException covers connection errors; ValueError undecodable JSON.
    return WeChatUnavailable(None, f"{type(exc).__name__}: {exc}")


class WeChatGateway(ContentSecurityCalls):
    """The service's single door to WeChat (content checks: ``content_security.py``)."""

    def __init__(
        self,
        appid: str,
        secret: str,
        api_base_url: str = DEFAULT_API_BASE_URL,
        redis_client: Any = None,
        use_stable_token: bool = False,
        timeout: float | tuple[float, float] = (3, 10),
        token_key_prefix: str = "wechatpy",
    ) -> None:
        """Build the client; with ``redis_client`` all processes share one access token.

        The token lives in Redis under ``{token_key_prefix}:{appid}_access_token``.
        """
        storage = (
            RedisStorage(redis_client, prefix=token_key_prefix)
            if redis_client is not None
            else MemoryStorage()
        )
        self.client = ConfigurableWeChatClient(
            appid,
            secret,
            api_base_url=api_base_url,
            session=storage,
            timeout=timeout,
            use_stable_token=use_stable_token,
        )

    def _call(self, func: Callable[[], T]) -> T:
        """Run a wechatpy call and translate any failure."""
        try:
            return func()
        except TRANSLATED_ERRORS as exc:
            # Anything else (TypeError from unserialisable data, ...) is our bug: let it raise.
            raise translate_error(exc) from exc

    def access_token(self) -> str:
        """Return a valid access token, fetching one if the shared storage has none."""
        return self._call(lambda: self.client.access_token)

    def code_to_session(self, code: str) -> SessionInfo:
        """Exchange a wx.login code for the user's openid, session_key and unionid.

        Note: wechatpy first obtains an access token (real code2Session does not need
        one), so a token-endpoint outage also fails logins.
        """
        if not code:
            raise WeChatCodeInvalid(41008, "missing code")
        result = self._call(lambda: self.client.wxa.code_to_session(code))
        # wechatpy hands back the raw Response when the body is not JSON.
        if (
            not isinstance(result, dict)
            or not result.get("openid")
            or not result.get("session_key")
        ):
            raise WeChatUnavailable(None, f"malformed code2Session answer: {result!r:.200}")
        return SessionInfo(
            openid=result["openid"],
            session_key=result["session_key"],
            unionid=result.get("unionid") or None,
        )

    def send_subscribe_message(
        self,
        openid: str,
        template_id: str,
        data: dict[str, Any],
        page: str | None = None,
        miniprogram_state: str | None = None,
    ) -> int:
        """Send a subscribe message and return WeChat's msgid.

        ``miniprogram_state`` ("developer", "trial", "formal") picks which build the
        message opens; wechatpy's helper cannot send it, hence the raw post.
        """
        if miniprogram_state is None:
            result = self._call(
                lambda: self.client.wxa.send_subscribe_message(openid, template_id, data, page)
            )
        else:
            body: dict[str, Any] = {
                "touser": openid,
                "template_id": template_id,
                "data": data,
                "miniprogram_state": miniprogram_state,
            }
            if page is not None:
                body["page"] = page
            result = self._call(lambda: self.client.post("message/subscribe/send", data=body))
        if not isinstance(result, dict) or result.get("msgid") is None:
            raise WeChatUnavailable(None, f"malformed subscribe/send answer: {result!r:.200}")
        return int(result["msgid"])
