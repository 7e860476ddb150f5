"""WeChat's content security calls (version 2), mixed into the gateway: the text check
``wxa/msg_sec_check`` and the asynchronous media check ``wxa/media_check_async``, whose verdict
arrives later as a ``wxa_media_check`` message push (``server/api/reviews.py``). Failures are
translated like every other call: unreachable, busy or 5xx is ``WeChatUnavailable``."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from server.wechat.errors import WeChatUnavailable

SUGGESTIONS = ("pass", "review", "risky")


def _label(verdict: dict[str, Any]) -> int | None:
    """WeChat's label (100 normal, 20001 politics, 20006 crime, …) as an int, None if absent."""
    try:
        return int(verdict["label"])
    except (KeyError, TypeError, ValueError):
        return None


class ContentSecurityCalls:
    """The content checks; the gateway provides ``client`` and ``_call``."""

    client: Any
    _call: Callable[..., Any]

    def check_text(self, openid: str, content: str, scene: int = 2) -> tuple[str, int | None]:
        """WeChat's text check (msgSecCheck, version 2): ``(suggest, label)`` with suggest one of
        ``pass``, ``review``, ``risky``. ``scene``: 1 profile, 2 comment, 3 forum, 4 social log."""
        body = {"version": 2, "openid": openid, "scene": scene, "content": content}
        result = self._call(
            lambda: self.client.post(self.client.api_root + "wxa/msg_sec_check", data=body)
        )
        verdict = result.get("result") if isinstance(result, dict) else None
        suggest = verdict.get("suggest") if isinstance(verdict, dict) else None
        if suggest not in SUGGESTIONS:
            raise WeChatUnavailable(None, f"malformed msg_sec_check answer: {result!r:.200}")
        return suggest, _label(verdict)

    def check_media_async(self, openid: str, media_url: str, scene: int = 2) -> str:
        """Start WeChat's media check (mediaCheckAsync, version 2) of an image; returns the
        ``trace_id`` its verdict will carry when it arrives at the message callback."""
        body = {
            "media_url": media_url,
            "media_type": 2,
            "version": 2,
            "scene": scene,
            "openid": openid,
        }
        result = self._call(
            lambda: self.client.post(self.client.api_root + "wxa/media_check_async", data=body)
        )
        if not isinstance(result, dict) or not result.get("trace_id"):
            raise WeChatUnavailable(None, f"malformed media_check_async answer: {result!r:.200}")
        return str(result["trace_id"])
