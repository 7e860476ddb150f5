"""WeChat's media verdicts in tests: what the message push would bring, signed."""

from __future__ import annotations

import time

from flask import current_app

from server.wechat.fake_content import push_signature

CALLBACK = "/api/v1/wechat/callback"


def signed(token: str | None = None) -> dict[str, str]:
    """Query parameters signed as WeChat signs its pushes (with the app's token by default)."""
    token = token or current_app.config["WECHAT_CALLBACK_TOKEN"]
    timestamp, nonce = str(int(time.time())), "n0nce"
    return {
        "signature": push_signature(token, timestamp, nonce),
        "timestamp": timestamp,
        "nonce": nonce,
    }


def pass_media(client, fake_wechat, suggest: str = "pass") -> int:
    """Deliver WeChat's verdict for every media check started so far; returns how many."""
    checks = fake_wechat.media_checks()
    for check in checks:
        event = fake_wechat.media_check_event(check["trace_id"], suggest)
        response = client.post(CALLBACK, query_string=signed(), json=event)
        assert response.status_code == 200, response.get_json()
    return len(checks)
