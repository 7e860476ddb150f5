"""The gateway's content checks against the fake WeChat server (real HTTP on loopback)."""

from __future__ import annotations

import pytest

from server.wechat.client import WeChatGateway
from server.wechat.errors import WeChatUnavailable
from server.wechat.fake import FakeWeChatServer


@pytest.fixture
def gateway(fake_wechat: FakeWeChatServer) -> WeChatGateway:
    """A gateway on the (freshly reset) fake."""
    fake_wechat.reset()
    return WeChatGateway(fake_wechat.appid, fake_wechat.secret, api_base_url=fake_wechat.url)


def test_text_check_answers_pass_review_and_risky(gateway, fake_wechat):
    assert gateway.check_text("o1", "配电箱门损坏", 2) == ("pass", 100)
    assert gateway.check_text("o1", "组织赌博", 2) == ("risky", 20006)  # a built-in word
    fake_wechat.set_words({"广告": "review", "暴力": ["risky", 20001]})
    assert gateway.check_text("o1", "这是广告", 2) == ("review", 21000)
    assert gateway.check_text("o1", "广告与暴力", 2) == ("risky", 20001)  # the worst wins
    assert gateway.check_text("o1", "组织赌博", 2) == ("pass", 100)  # the list was replaced


@pytest.mark.parametrize("failure", [{"http_status": 502}, {"errcode": -1}, {"delay": 3}])
def test_unreachable_wechat_is_a_retryable_error(fake_wechat, failure):
    fake_wechat.reset()
    gateway = WeChatGateway(
        fake_wechat.appid, fake_wechat.secret, api_base_url=fake_wechat.url, timeout=(1, 1)
    )
    gateway.access_token()
    fake_wechat.inject_failure("wxa/msg_sec_check", **failure)
    with pytest.raises(WeChatUnavailable):
        gateway.check_text("o1", "x", 2)
    fake_wechat.inject_failure("wxa/media_check_async", **failure)
    with pytest.raises(WeChatUnavailable):
        gateway.check_media_async("o1", "https://example.test/a.jpg", 2)


def test_media_check_returns_a_trace_id_and_the_push_carries_it(gateway, fake_wechat):
    trace_id = gateway.check_media_async("o1", "https://example.test/a.jpg", 2)
    [check] = fake_wechat.media_checks()
    assert check == {**check, "trace_id": trace_id, "media_type": 2, "openid": "o1"}
    event = fake_wechat.media_check_event(trace_id, "risky")
    assert event["Event"] == "wxa_media_check" and event["trace_id"] == trace_id
    assert event["result"] == {"suggest": "risky", "label": "20006"}  # a string, as WeChat sends
