"""The fake WeChat server's content security: ``wxa/msg_sec_check`` and
``wxa/media_check_async`` (version 2), and the ``wxa_media_check`` message push a media
verdict arrives as. Mixed into :class:`server.wechat.fake_state.FakeWeChatState`.

Text: content containing a configured word gets that word's suggest (``risky`` or ``review``)
and label; anything else passes. Media: every check is recorded with its trace_id; the verdict
is whatever a test (or the control API) delivers for it.
"""

from __future__ import annotations

import copy
import hashlib
import logging
import secrets
import threading
from typing import Any

import requests
from flask import Flask, Response, jsonify, request
from werkzeug.exceptions import BadRequest

# Content checks: text containing one of these words gets this suggest and label (WeChat's labels:
# 100 normal, 20001 politics, 20002 porn, 20006 crime, 21000 other); everything else passes.
DEFAULT_WORDS: dict[str, tuple[str, int]] = {
    "赌博": ("risky", 20006),
    "毒品": ("risky", 20006),
    "代开发票": ("review", 21000),
}
log = logging.getLogger(__name__)
LABEL_FOR = {"pass": 100, "review": 21000, "risky": 20006}
TEXT_MAX_CHARS = 2500


def error(errcode: int, errmsg: str) -> dict[str, Any]:
    """Return a WeChat-style JSON error body."""
    return {"errcode": errcode, "errmsg": errmsg}


def check_text_rules(words: dict[str, tuple[str, int]], content: str) -> tuple[str, int]:
    """The fake's verdict on a text: the worst suggest among the words it contains."""
    found = [verdict for word, verdict in words.items() if word in content]
    for suggest in ("risky", "review"):
        for verdict in found:
            if verdict[0] == suggest:
                return verdict
    return "pass", 100


class ContentChecks:
    """WeChat's content security calls (mixed into :class:`FakeWeChatState`)."""

    # (callback URL, push token, suggest): the demo's fake answers every media check by itself.
    auto_verdict: tuple[str, str, str] | None = None

    def set_words(self, words: dict[str, Any]) -> None:
        """Replace the word list: ``{word: "risky"|"review"}`` (or ``[suggest, label]``)."""
        table = {}
        for word, verdict in words.items():
            suggest = verdict[0] if isinstance(verdict, (list, tuple)) else verdict
            if suggest not in ("risky", "review"):
                raise ValueError(f"suggest of {word!r} must be risky or review")
            label = verdict[1] if isinstance(verdict, (list, tuple)) else LABEL_FOR[suggest]
            table[str(word)] = (suggest, int(label))
        with self._lock:
            self._words = table

    def msg_sec_check(self, token: str | None, body: Any) -> dict[str, Any]:
        """``POST wxa/msg_sec_check`` (version 2): pass, or review/risky for listed words."""
        with self._lock:
            problem = self.check_token(token)
            if problem:
                return problem
            if not isinstance(body, dict) or body.get("version") != 2:
                return error(47001, "data format error")
            content, scene = body.get("content"), body.get("scene")
            if not isinstance(content, str) or not content or len(content) > TEXT_MAX_CHARS:
                return error(47001, "data format error: content")
            if scene not in (1, 2, 3, 4):
                return error(47001, "data format error: scene")
            if not body.get("openid"):
                return error(40003, "invalid openid")
            suggest, label = check_text_rules(self._words, content)
            trace_id = secrets.token_hex(12)
            detail = [
                {
                    "strategy": "content_model",
                    "errcode": 0,
                    "suggest": suggest,
                    "label": label,
                    "prob": 90,
                }
            ]
            return {
                "errcode": 0,
                "errmsg": "ok",
                "result": {"suggest": suggest, "label": label},
                "detail": detail,
                "trace_id": trace_id,
            }

    def media_check_async(self, token: str | None, body: Any) -> dict[str, Any]:
        """``POST wxa/media_check_async`` (version 2): record the check, return its trace_id."""
        with self._lock:
            problem = self.check_token(token)
            if problem:
                return problem
            if not isinstance(body, dict) or body.get("version") != 2:
                return error(47001, "data format error")
            url, media_type = body.get("media_url"), body.get("media_type")
            if not isinstance(url, str) or not url.startswith(("http://", "https://")):
                return error(47001, "data format error: media_url")
            if media_type not in (1, 2) or body.get("scene") not in (1, 2, 3, 4):
                return error(47001, "data format error: media_type or scene")
            if not body.get("openid"):
                return error(40003, "invalid openid")
            trace_id = secrets.token_hex(12)
            auto = self.auto_verdict
            if auto is not None:  # the demo: WeChat's verdict follows by itself, as a push
                threading.Timer(1.0, _push_quietly, (self, *auto, trace_id)).start()
            self._media_checks.append(
                {
                    "trace_id": trace_id,
                    "at": self.now(),
                    **{k: body.get(k) for k in ("media_url", "media_type", "scene", "openid")},
                }
            )
            return {"errcode": 0, "errmsg": "ok", "trace_id": trace_id}

    def media_checks(self) -> list[dict[str, Any]]:
        """Copies of every media check started, oldest first."""
        with self._lock:
            return copy.deepcopy(self._media_checks)

    def media_check_event(self, trace_id: str, suggest: str, label: int | None = None) -> dict:
        """The JSON message push WeChat sends when a media check ends (``wxa_media_check``).
        Labels are strings, as pushes seen in WeChat's community show (``"label": "100"``)."""
        with self._lock:
            check = next((c for c in self._media_checks if c["trace_id"] == trace_id), {})
            return {
                "ToUserName": "gh_fake",
                "FromUserName": check.get("openid", ""),
                "CreateTime": int(self.now()),
                "MsgType": "event",
                "Event": "wxa_media_check",
                "appid": self.appid,
                "trace_id": trace_id,
                "version": 2,
                "detail": [
                    {
                        "strategy": "content_model",
                        "errcode": 0,
                        "suggest": suggest,
                        "label": str(label or LABEL_FOR.get(suggest, 100)),
                        "prob": 90,
                    }
                ],
                "errcode": 0,
                "errmsg": "ok",
                "result": {"suggest": suggest, "label": str(label or LABEL_FOR.get(suggest, 100))},
            }


def push_signature(token: str, timestamp: str, nonce: str) -> str:
    """WeChat's message-push signature: SHA-1 of the sorted token, timestamp and nonce."""
    return hashlib.sha1("".join(sorted([token, timestamp, nonce])).encode()).hexdigest()


def push_media_verdict(
    fake: Any,
    callback_url: str,
    push_token: str,
    trace_id: str,
    suggest: str,
    label: int | None = None,
) -> int:
    """POST a media verdict to the app's message callback, signed as WeChat signs its pushes;
    returns the HTTP status the app answered."""
    timestamp, nonce = str(int(fake.now())), secrets.token_hex(8)
    params = {
        "signature": push_signature(push_token, timestamp, nonce),
        "timestamp": timestamp,
        "nonce": nonce,
    }
    event = fake.media_check_event(trace_id, suggest, label)
    return requests.post(callback_url, params=params, json=event, timeout=10).status_code


def _push_quietly(fake: Any, callback_url: str, push_token: str, suggest: str, trace_id: str):
    """Push a verdict for the demo, logging rather than raising when the app is not up."""
    try:
        push_media_verdict(fake, callback_url, push_token, trace_id, suggest)
    except requests.RequestException as exc:
        log.warning("fake WeChat: media verdict for %s not delivered: %s", trace_id, exc)


def add_content_routes(app: Flask, fake: Any) -> None:
    """Serve the content security calls and their control API on the fake's Flask app:

    - ``POST /_fake/words`` ``{words: {word: "risky"|"review"}}``: replace the word list;
    - ``GET /_fake/media-checks`` -> ``{media_checks: [...]}``;
    - ``POST /_fake/media-verdict`` ``{trace_id, suggest, label?, callback_url, token}``: push
      the verdict to the app's callback as WeChat would.
    """

    def body() -> dict[str, Any]:
        """The JSON body (wechatpy sends no Content-Type)."""
        data = request.get_json(force=True, silent=True)
        return data if isinstance(data, dict) else {}

    @app.post("/wxa/msg_sec_check")
    def msg_sec_check() -> Response:
        """Check a text."""
        return jsonify(fake.msg_sec_check(request.args.get("access_token"), body()))

    @app.post("/wxa/media_check_async")
    def media_check_async() -> Response:
        """Start a media check."""
        return jsonify(fake.media_check_async(request.args.get("access_token"), body()))

    @app.post("/_fake/words")
    def control_words() -> Response:
        """Replace the words that make a text risky or held for review."""
        words = body().get("words")
        if not isinstance(words, dict):
            raise BadRequest("words must be an object")
        try:
            fake.set_words(words)
        except (TypeError, ValueError) as exc:
            raise BadRequest(str(exc)) from exc
        return jsonify({"ok": True})

    @app.get("/_fake/media-checks")
    def control_media_checks() -> Response:
        """List the media checks started."""
        return jsonify({"media_checks": fake.media_checks()})

    @app.post("/_fake/media-verdict")
    def control_media_verdict() -> Response:
        """Deliver a media verdict to the app's callback."""
        data = body()
        missing = [k for k in ("trace_id", "suggest", "callback_url", "token") if not data.get(k)]
        if missing:
            raise BadRequest(f"missing {missing}")
        status = push_media_verdict(
            fake,
            data["callback_url"],
            data["token"],
            data["trace_id"],
            data["suggest"],
            data.get("label"),
        )
        return jsonify({"app_status": status})
