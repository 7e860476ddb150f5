"""Fixtures: one fake WeChat server per session (reset per test) and gateway factories."""

from __future__ import annotations

import uuid
from collections.abc import Callable, Iterator
from typing import Any

import pytest
import redis

from server.wechat.client import WeChatGateway
from server.wechat.fake import FakeWeChatServer
from tests.wechat import APPID, SECRET


@pytest.fixture(scope="session")
def _fake_server() -> Iterator[FakeWeChatServer]:
    """Start the fake once: starting is cheap but stop() waits for the serve loop."""
    with FakeWeChatServer(APPID, SECRET) as server:
        yield server


@pytest.fixture
def fake(_fake_server: FakeWeChatServer) -> FakeWeChatServer:
    """The shared fake, wiped and with the default 300 s token grace."""
    _fake_server.reset()
    _fake_server.token_grace_seconds = 300
    return _fake_server


@pytest.fixture
def make_gateway(fake: FakeWeChatServer) -> Callable[..., WeChatGateway]:
    """Factory of gateways aimed at the fake; keyword arguments override the defaults."""

    def factory(**overrides: Any) -> WeChatGateway:
        """Build one gateway."""
        kwargs: dict[str, Any] = {
            "appid": APPID,
            "secret": SECRET,
            "api_base_url": fake.url,
            "timeout": (1, 2),
        }
        kwargs.update(overrides)
        return WeChatGateway(**kwargs)

    return factory


@pytest.fixture
def gateway(make_gateway: Callable[..., WeChatGateway]) -> WeChatGateway:
    """A gateway with in-memory token storage."""
    return make_gateway()


@pytest.fixture
def redis_client() -> Iterator[tuple[redis.Redis, str]]:
    """Redis db 15 and a random key prefix; only keys under that prefix are deleted."""
    client = redis.Redis(host="127.0.0.1", port=6379, db=15, socket_connect_timeout=1)
    try:
        client.ping()
    except redis.RedisError as exc:
        pytest.skip(f"Redis at 127.0.0.1:6379 not reachable: {exc}")
    prefix = f"test-wechat-{uuid.uuid4().hex}"
    yield client, prefix
    for key in client.scan_iter(match=f"{prefix}:*"):
        client.delete(key)
    client.close()
