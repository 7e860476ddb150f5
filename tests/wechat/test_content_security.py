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


def test_the_demo_fake_pushes_a_signed_verdict_by_itself():
    """``flask wechat fake-server`` answers every media check with a push to the app."""
    import json
    import threading
    import time
    from http.server import BaseHTTPRequestHandler, HTTPServer
    from urllib.parse import parse_qs, urlparse

    from server.wechat.fake_content import push_signature

    received = []

    class Callback(BaseHTTPRequestHandler):
        def do_POST(self):
            """Record the push and answer as the app does."""
            body = self.rfile.read(int(self.headers["Content-Length"]))
            received.append((parse_qs(urlparse(self.path).query), json.loads(body)))
            self.send_response(200)
            self.end_headers()

        def log_message(self, *args):
            """Quiet."""

    server = HTTPServer(("127.0.0.1", 0), Callback)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        with FakeWeChatServer("app", "secret") as fake:
            fake.auto_verdict = (f"http://127.0.0.1:{server.server_port}/cb", "tok", "pass")
            gateway = WeChatGateway("app", "secret", api_base_url=fake.url)
            trace_id = gateway.check_media_async("o1", "https://example.test/a.jpg", 2)
            deadline = time.monotonic() + 5
            while not received and time.monotonic() < deadline:
                time.sleep(0.05)
    finally:
        server.shutdown()
    [(query, event)] = received
    expected = push_signature("tok", query["timestamp"][0], query["nonce"][0])
    assert query["signature"] == [expected]
    assert (event["trace_id"], event["result"]["suggest"]) == (trace_id, "pass")
