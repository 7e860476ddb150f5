"""code2Session through the gateway against the fake, including every error mapping."""

from __future__ import annotations

import socket

import pytest

from server.wechat.client import WeChatGateway
from server.wechat.errors import (
    WeChatCodeInvalid,
    WeChatConfigError,
    WeChatRateLimited,
    WeChatUnavailable,
    WeChatUserBlocked,
)
from server.wechat.fake import FakeWeChatServer
from tests.wechat import APPID, SECRET

LOGIN = "sns/jscode2session"


def test_login_returns_openid_and_unionid(fake: FakeWeChatServer, gateway: WeChatGateway) -> None:
    """A minted code logs in as its openid, with the unionid it was minted with."""
    info = gateway.code_to_session(fake.mint_code("o-parent-1", unionid="u-parent-1"))
    assert (info.openid, info.unionid) == ("o-parent-1", "u-parent-1")
    assert info.session_key and info.session_key not in repr(info)


def test_login_without_unionid(fake: FakeWeChatServer, gateway: WeChatGateway) -> None:
    """unionid is None when WeChat does not send one."""
    assert gateway.code_to_session(fake.mint_code("o-2")).unionid is None


def test_code_is_single_use(fake: FakeWeChatServer, gateway: WeChatGateway) -> None:
    """The second use of a code answers 40163."""
    code = fake.mint_code("o-3")
    gateway.code_to_session(code)
    with pytest.raises(WeChatCodeInvalid) as exc:
        gateway.code_to_session(code)
    assert exc.value.errcode == 40163


def test_code_expires_after_five_minutes(fake: FakeWeChatServer, gateway: WeChatGateway) -> None:
    """A code older than 300 s answers 40029; a younger one still works."""
    old, fresh = fake.mint_code("o-4"), None
    fake.advance(200)
    fresh = fake.mint_code("o-5")
    fake.advance(101)
    with pytest.raises(WeChatCodeInvalid) as exc:
        gateway.code_to_session(old)
    assert exc.value.errcode == 40029
    assert gateway.code_to_session(fresh).openid == "o-5"


@pytest.mark.parametrize("code", ["never-minted", ""])
def test_unknown_or_empty_code(gateway: WeChatGateway, code: str) -> None:
    """Unknown and empty codes are WeChatCodeInvalid."""
    with pytest.raises(WeChatCodeInvalid):
        gateway.code_to_session(code)


def test_default_openid_accepts_unknown_code_once(
    fake: FakeWeChatServer, gateway: WeChatGateway
) -> None:
    """With a default openid, DevTools' real codes log in, once each."""
    fake.set_default_openid("o-devtools")
    assert gateway.code_to_session("real-wx-login-code").openid == "o-devtools"
    with pytest.raises(WeChatCodeInvalid):
        gateway.code_to_session("real-wx-login-code")
    fake.set_default_openid(None)
    with pytest.raises(WeChatCodeInvalid):
        gateway.code_to_session("another-code")


@pytest.mark.parametrize(
    ("appid", "secret", "errcode"), [(APPID, "wrong", 40125), ("wx-wrong", SECRET, 40013)]
)
def test_wrong_credentials_are_config_errors(
    fake: FakeWeChatServer, make_gateway, appid: str, secret: str, errcode: int
) -> None:
    """Bad appid/secret fail already at the token call, as WeChatConfigError."""
    with pytest.raises(WeChatConfigError) as exc:
        make_gateway(appid=appid, secret=secret).code_to_session(fake.mint_code("o-6"))
    assert exc.value.errcode == errcode


@pytest.mark.parametrize(
    ("errcode", "exc_type"),
    [
        (45011, WeChatRateLimited),
        (45009, WeChatRateLimited),
        (40226, WeChatUserBlocked),
        (-1, WeChatUnavailable),
    ],
)
def test_injected_login_errors(
    fake: FakeWeChatServer, gateway: WeChatGateway, errcode: int, exc_type: type
) -> None:
    """Injected WeChat errors map to our classes, and only for ``times`` calls."""
    code = fake.mint_code("o-7")
    fake.inject_failure(LOGIN, errcode=errcode)
    with pytest.raises(exc_type) as exc:
        gateway.code_to_session(code)
    assert exc.value.errcode == errcode
    assert gateway.code_to_session(code).openid == "o-7"  # the failure was used up


def test_http_503_is_unavailable(fake: FakeWeChatServer, gateway: WeChatGateway) -> None:
    """A 5xx answer is WeChatUnavailable."""
    fake.inject_failure(LOGIN, http_status=503, times=2)
    for _ in range(2):
        with pytest.raises(WeChatUnavailable):
            gateway.code_to_session(fake.mint_code("o-8"))


def test_non_json_answer_is_unavailable(fake: FakeWeChatServer, gateway: WeChatGateway) -> None:
    """A 200 answer that is not JSON is WeChatUnavailable (wechatpy returns the raw Response)."""
    fake.inject_failure(LOGIN, http_status=200)
    with pytest.raises(WeChatUnavailable):
        gateway.code_to_session(fake.mint_code("o-9"))


def test_token_endpoint_outage_fails_login(fake: FakeWeChatServer, gateway: WeChatGateway) -> None:
    """wechatpy fetches a token before code2Session, so a token 503 fails the login."""
    fake.inject_failure("cgi-bin/token", http_status=503)
    with pytest.raises(WeChatUnavailable):
        gateway.code_to_session(fake.mint_code("o-10"))


def test_read_timeout_is_unavailable(fake: FakeWeChatServer, make_gateway) -> None:
    """An answer slower than the read timeout is WeChatUnavailable."""
    gateway = make_gateway(timeout=(1, 0.3))
    gateway.access_token()  # so that only the login call is slow
    fake.inject_failure(LOGIN, delay=1.5)
    with pytest.raises(WeChatUnavailable, match="timeout"):
        gateway.code_to_session(fake.mint_code("o-11"))


def test_token_call_timeout_is_unavailable(fake: FakeWeChatServer, make_gateway) -> None:
    """The token call has a timeout too (wechatpy's own has none)."""
    fake.inject_failure("cgi-bin/token", delay=1.5)
    with pytest.raises(WeChatUnavailable, match="timeout"):
        make_gateway(timeout=(1, 0.3)).access_token()


def test_server_not_running_is_unavailable() -> None:
    """A closed port is WeChatUnavailable."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    gateway = WeChatGateway(APPID, SECRET, api_base_url=f"http://127.0.0.1:{port}/")
    with pytest.raises(WeChatUnavailable):
        gateway.code_to_session("any")
