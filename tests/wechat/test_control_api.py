"""The fake's HTTP control API, as the demo and other processes use it."""

from __future__ import annotations

import time

import pytest
import requests

from server.wechat.client import WeChatGateway
from server.wechat.errors import WeChatCodeInvalid, WeChatRateLimited, WeChatUnavailable
from server.wechat.fake import FakeWeChatServer
from tests.wechat import APPID, SECRET, TEMPLATE


def _post(fake: FakeWeChatServer, path: str, body: dict) -> requests.Response:
    """POST JSON to the fake."""
    return requests.post(fake.url + path, json=body, timeout=5)


def test_codes_over_http(fake: FakeWeChatServer, gateway: WeChatGateway) -> None:
    """POST /_fake/codes mints a usable code."""
    code = _post(fake, "_fake/codes", {"openid": "o-h", "unionid": "u-h"}).json()["code"]
    info = gateway.code_to_session(code)
    assert (info.openid, info.unionid) == ("o-h", "u-h")


def test_default_openid_over_http(fake: FakeWeChatServer, gateway: WeChatGateway) -> None:
    """POST /_fake/default-openid sets and clears the fallback openid."""
    assert _post(fake, "_fake/default-openid", {"openid": "o-dev"}).ok
    assert gateway.code_to_session("devtools-code").openid == "o-dev"
    _post(fake, "_fake/default-openid", {"openid": None})
    try:
        gateway.code_to_session("devtools-code-2")
    except WeChatCodeInvalid:
        pass
    else:
        raise AssertionError("default openid was not cleared")


def test_failures_templates_messages_stats_reset(
    fake: FakeWeChatServer, gateway: WeChatGateway
) -> None:
    """Failures, templates, openids, refusals, messages, stats and reset over HTTP."""
    _post(fake, "_fake/failures", {"path": "sns/jscode2session", "errcode": 45011})
    try:
        gateway.code_to_session(fake.mint_code("o-x"))
    except WeChatRateLimited:
        pass
    else:
        raise AssertionError("injected failure not applied")
    _post(fake, "_fake/templates", {"template_id": TEMPLATE})
    _post(fake, "_fake/openids", {"openid": "o-y"})
    gateway.send_subscribe_message("o-y", TEMPLATE, {"thing1": {"value": "hi"}})
    messages = requests.get(fake.url + "_fake/messages", timeout=5).json()["messages"]
    assert [m["touser"] for m in messages] == ["o-y"]
    assert requests.get(fake.url + "_fake/stats", timeout=5).json()["token_requests"] == 1
    _post(fake, "_fake/reset", {})
    assert fake.messages() == [] and fake.token_requests == 0


def test_advance_over_http(fake: FakeWeChatServer, gateway: WeChatGateway) -> None:
    """POST /_fake/advance expires codes."""
    code = fake.mint_code("o-z")
    _post(fake, "_fake/advance", {"seconds": 301})
    try:
        gateway.code_to_session(code)
    except WeChatCodeInvalid as exc:
        assert exc.errcode == 40029
    else:
        raise AssertionError("code did not expire")


def test_control_api_rejects_bad_input(fake: FakeWeChatServer) -> None:
    """Missing fields are 400 with a JSON reason."""
    res = _post(fake, "_fake/codes", {})
    assert res.status_code == 400 and "openid" in res.json()["error"]
    assert _post(fake, "_fake/failures", {"path": "cgi-bin/token"}).status_code == 400


def test_raw_protocol_errors(fake: FakeWeChatServer) -> None:
    """The WeChat endpoints answer documented errors to raw HTTP callers."""
    token = requests.get(fake.url + "cgi-bin/token", params={"appid": APPID}, timeout=5).json()
    assert token["errcode"] == 40002
    send = requests.post(fake.url + "cgi-bin/message/subscribe/send", json={}, timeout=5).json()
    assert send["errcode"] == 41001
    send = requests.post(
        fake.url + "cgi-bin/message/subscribe/send?access_token=bogus", json={}, timeout=5
    ).json()
    assert send["errcode"] == 40001
    params = {"appid": APPID, "secret": SECRET, "js_code": "c", "grant_type": "authorization_code"}
    login = requests.get(fake.url + "sns/jscode2session", params=params, timeout=5).json()
    assert login == {"errcode": 40029, "errmsg": "invalid code"}


def test_delayed_request_does_not_outlive_reset(
    fake: FakeWeChatServer, gateway: WeChatGateway
) -> None:
    """A delayed token call finishing after reset() must not rotate the new scenario's token."""
    fake.inject_failure("cgi-bin/token", delay=0.3)
    params = {"grant_type": "client_credential", "appid": APPID, "secret": SECRET}
    with pytest.raises(requests.Timeout):
        requests.get(fake.url + "cgi-bin/token", params=params, timeout=0.05)
    fake.reset()
    fake.token_grace_seconds = 0
    fake.register_openid("o-r")
    fake.register_template(TEMPLATE)
    gateway.access_token()
    time.sleep(0.4)  # the delayed call has ended by now
    gateway.send_subscribe_message("o-r", TEMPLATE, {"thing1": {"value": "hi"}})
    assert fake.token_requests == 1  # no 40001 and refetch: the token survived


def test_error_rate_over_http(fake: FakeWeChatServer, gateway: WeChatGateway) -> None:
    """POST /_fake/failures with ``rate`` sets a random error rate (here: always)."""
    fake.register_openid("o-r")
    fake.register_template(TEMPLATE)
    body = {"path": "cgi-bin/message/subscribe/send", "errcode": -1, "rate": 1.0, "seed": 3}
    assert _post(fake, "_fake/failures", body).ok
    with pytest.raises(WeChatUnavailable) as exc:
        gateway.send_subscribe_message("o-r", TEMPLATE, {"thing1": {"value": "hi"}})
    assert (exc.value.errcode, exc.value.errmsg) == (-1, "system error")
