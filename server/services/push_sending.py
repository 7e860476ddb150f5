"""The sending half of push dispatch: the global rate budget and concurrent requests to WeChat.

``delivery.py`` decides which deliveries go out and records what happened; this module only
takes rate permits and makes the HTTP requests. Permits come from one moving-window budget in
Redis shared by every worker process, taken in blocks (one round trip for a whole batch);
requests go out concurrently through a small per-process thread pool, since a worker spends
almost all of a send waiting for WeChat.
"""

from __future__ import annotations

import threading
import time
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from functools import cache
from typing import Any

from flask import current_app
from limits import parse, storage, strategies

from server.wechat import WeChatError

# Requests in flight at once per worker process, across all its dispatching threads: enough to
# hide WeChat's latency, few enough that the process's own connection pool (64) never queues.
SEND_CONCURRENCY = 16
# Permits taken from the shared budget in one Redis round trip, at most.
PERMIT_BLOCK = 64
RATE_KEY = "wechat-subscribe-send"

_pool_lock = threading.Lock()
_pool: ThreadPoolExecutor | None = None


@dataclass(frozen=True)
class Outcome:
    """What WeChat answered to one delivery: a msgid, or the error it raised."""

    delivery_id: int
    msgid: int | None = None
    error: WeChatError | None = None


@cache
def _limiter(storage_uri: str) -> strategies.MovingWindowRateLimiter:
    """One limiter per storage: Redis shares the budget between every worker process."""
    return strategies.MovingWindowRateLimiter(storage.storage_from_string(storage_uri))


def take_permits(count: int) -> None:
    """Block until the global send budget allows ``count`` more messages, taking them in
    blocks: each block is one atomic acquisition in the shared window, so the rate across
    processes stays what ``WECHAT_SEND_RATE`` says however the blocks interleave."""
    uri = current_app.config.get("REDIS_URL") or "memory://"
    limit = parse(current_app.config["WECHAT_SEND_RATE"])
    limiter = _limiter(uri)
    # A block larger than the window's amount could never be granted.
    block_size = max(1, min(PERMIT_BLOCK, limit.amount))
    while count > 0:
        block = min(block_size, count)
        while not limiter.hit(limit, RATE_KEY, cost=block):
            time.sleep(0.005)
        count -= block


def wait_for_rate_limit() -> None:
    """Block until the global send budget allows one more message."""
    take_permits(1)


def _executor() -> ThreadPoolExecutor:
    """The process's sending pool, made on first use (a forked worker makes its own)."""
    global _pool
    with _pool_lock:
        if _pool is None:
            _pool = ThreadPoolExecutor(SEND_CONCURRENCY, thread_name_prefix="push-send")
        return _pool


def send_all(rows: list[Any]) -> tuple[list[Outcome], BaseException | None]:
    """Send every row (id, openid, template_id, payload) concurrently and return each answer.

    A failure that is not WeChat's (a bug of ours) does not stop the others from being
    recorded: it is handed back as the second value for the caller to raise once the rest is
    saved; its own delivery stays in flight, so recovery marks it uncertain, never resends it.
    """
    gateway = current_app.extensions["wechat"]
    state = current_app.config["WECHAT_MINIPROGRAM_STATE"]

    def send(row: Any) -> Outcome:
        """One request; WeChat's errors become the outcome."""
        try:
            msgid = gateway.send_subscribe_message(
                row.openid,
                row.template_id,
                row.payload["data"],
                page=row.payload.get("page"),
                miniprogram_state=state,
            )
        except WeChatError as exc:
            return Outcome(row.id, error=exc)
        return Outcome(row.id, msgid=msgid)

    if len(rows) == 1:  # no hand-off for a lone message
        try:
            return [send(rows[0])], None
        except Exception as exc:
            return [], exc
    futures = [_executor().submit(send, row) for row in rows]
    outcomes: list[Outcome] = []
    bug: BaseException | None = None
    for future in futures:
        try:
            outcomes.append(future.result())
        except Exception as exc:
            bug = bug or exc
    return outcomes, bug
