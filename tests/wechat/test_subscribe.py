"""Subscribe messages through the gateway against the fake."""

from __future__ import annotations

import pytest

from server.wechat.client import WeChatGateway
from server.wechat.errors import (
    WeChatApiError,
    WeChatRateLimited,
    WeChatUnavailable,
    WeChatUserRefused,
)
from server.wechat.fake import FakeWeChatServer
from tests.wechat import TEMPLATE

OPENID = "o-parent"
DATA = {"thing1": {"value": "Tom arrived at gate"}, "time2": {"value": "2024-09-01 07:45"}}
SEND = "cgi-bin/message/subscribe/send"


@pytest.fixture
def ready(fake: FakeWeChatServer) -> FakeWeChatServer:
    """The fake with one known user and one registered template."""
    fake.register_openid(OPENID)
    fake.register_template(TEMPLATE)
    return fake


def test_send_records_message(ready: FakeWeChatServer, gateway: WeChatGateway) -> None:
    """A valid message gets a msgid and is recorded with its data and page."""
    msgid = gateway.send_subscribe_message(OPENID, TEMPLATE, DATA, page="pages/home/index")
    [message] = ready.messages()
    assert message["msgid"] == msgid
    assert message["touser"] == OPENID and message["template_id"] == TEMPLATE
    assert message["data"] == DATA and message["page"] == "pages/home/index"
    assert message["miniprogram_state"] is None


def test_logged_in_user_is_known(ready: FakeWeChatServer, gateway: WeChatGateway) -> None:
    """Any openid that logged in can receive messages."""
    gateway.code_to_session(ready.mint_code("o-new"))
    assert gateway.send_subscribe_message("o-new", TEMPLATE, DATA) > 0


def test_miniprogram_state_passed_through(ready: FakeWeChatServer, gateway: WeChatGateway) -> None:
    """miniprogram_state reaches WeChat (via the raw post)."""
    gateway.send_subscribe_message(OPENID, TEMPLATE, DATA, page="p/x", miniprogram_state="trial")
    [message] = ready.messages()
    assert (message["miniprogram_state"], message["page"]) == ("trial", "p/x")


def test_refusing_user(ready: FakeWeChatServer, gateway: WeChatGateway) -> None:
    """A user without a grant answers 43101 -> WeChatUserRefused."""
    ready.refuse(OPENID, TEMPLATE)
    with pytest.raises(WeChatUserRefused) as exc:
        gateway.send_subscribe_message(OPENID, TEMPLATE, DATA)
    assert exc.value.errcode == 43101
    assert ready.messages() == []


@pytest.mark.parametrize(
    ("openid", "template", "data", "errcode"),
    [
        ("o-stranger", TEMPLATE, DATA, 40003),
        (OPENID, "tmpl-unknown", DATA, 40037),
        (OPENID, TEMPLATE, {"thing1": {"value": "x" * 21}}, 47003),
        (OPENID, TEMPLATE, {"thing1": "not an object"}, 47003),
        (OPENID, TEMPLATE, {}, 47003),
    ],
)
def test_rejected_messages(
    ready: FakeWeChatServer, gateway: WeChatGateway, openid, template, data, errcode: int
) -> None:
    """Unknown user, unknown template and bad data are WeChatApiError keeping errcode."""
    with pytest.raises(WeChatApiError) as exc:
        gateway.send_subscribe_message(openid, template, data)
    assert exc.value.errcode == errcode


def test_bad_miniprogram_state(ready: FakeWeChatServer, gateway: WeChatGateway) -> None:
    """An unknown miniprogram_state is 47003."""
    with pytest.raises(WeChatApiError) as exc:
        gateway.send_subscribe_message(OPENID, TEMPLATE, DATA, miniprogram_state="prod")
    assert exc.value.errcode == 47003


def test_thing_of_twenty_chars_is_fine(ready: FakeWeChatServer, gateway: WeChatGateway) -> None:
    """The thing limit is inclusive (20 characters, CJK counted as one)."""
    gateway.send_subscribe_message(OPENID, TEMPLATE, {"thing1": {"value": "到" * 20}})


def test_system_busy_and_daily_limit(ready: FakeWeChatServer, gateway: WeChatGateway) -> None:
    """-1 is WeChatUnavailable; 45009 on send is rate limiting too."""
    ready.inject_failure(SEND, errcode=-1)
    with pytest.raises(WeChatUnavailable):
        gateway.send_subscribe_message(OPENID, TEMPLATE, DATA)
    ready.inject_failure(SEND, errcode=45009)
    with pytest.raises(WeChatRateLimited) as exc:
        gateway.send_subscribe_message(OPENID, TEMPLATE, DATA)
    assert exc.value.errcode == 45009


def test_seeded_error_rate_is_repeatable(ready: FakeWeChatServer, gateway: WeChatGateway) -> None:
    """The random error rate fails the same calls for the same seed."""

    def outcomes() -> list[bool]:
        """Send 40 messages, return which ones failed."""
        ready.set_error_rate(SEND, errcode=-1, rate=0.3, seed=7)
        failed = []
        for _ in range(40):
            try:
                gateway.send_subscribe_message(OPENID, TEMPLATE, DATA)
                failed.append(False)
            except WeChatUnavailable:
                failed.append(True)
        return failed

    first = outcomes()
    assert 0 < sum(first) < 40
    assert outcomes() == first
    assert len(ready.messages()) == 2 * (40 - sum(first))
