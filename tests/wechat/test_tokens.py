"""Access tokens: configurable base URL, shared Redis storage, stable_token, rotation."""

from __future__ import annotations

import socket

import pytest
import redis
import requests
from redis.backoff import NoBackoff
from redis.retry import Retry
from wechatpy.client.api import WeChatWxa

from server.wechat.client import WeChatGateway
from server.wechat.errors import WeChatApiError, WeChatConfigError, WeChatUnavailable
from server.wechat.fake import FakeWeChatServer
from tests.wechat import APPID, SECRET, TEMPLATE

DATA = {"thing1": {"value": "Arrived at school"}}


def _prepare_send(fake: FakeWeChatServer, openid: str = "o-t") -> str:
    """Register a user and the template; return the openid."""
    fake.register_openid(openid)
    fake.register_template(TEMPLATE)
    return openid


def test_base_url_moves_every_call(fake: FakeWeChatServer) -> None:
    """A gateway on a second fake never touches the first, token call included."""
    with FakeWeChatServer(APPID, SECRET) as other:
        gateway = WeChatGateway(APPID, SECRET, api_base_url=other.url)
        assert gateway.code_to_session(other.mint_code("o-other")).openid == "o-other"
        assert (other.token_requests, fake.token_requests) == (1, 0)
        assert other.url == gateway.client.wxa.API_BASE_URL
        assert other.url + "cgi-bin/" == gateway.client.API_BASE_URL
    # Only this instance moved, not wechatpy's class attribute.
    assert WeChatWxa.API_BASE_URL == "https://api.weixin.qq.com/"


def test_token_is_cached_in_memory(fake: FakeWeChatServer, gateway: WeChatGateway) -> None:
    """Repeated calls reuse the token."""
    first = gateway.access_token()
    gateway.code_to_session(fake.mint_code("o-c"))
    assert gateway.access_token() == first
    assert fake.token_requests == 1


def test_redis_storage_shares_token(fake: FakeWeChatServer, make_gateway, redis_client) -> None:
    """Two gateways (think: two worker processes) on one Redis fetch the token once."""
    client, prefix = redis_client
    one = make_gateway(redis_client=client, token_key_prefix=prefix)
    two = make_gateway(redis_client=client, token_key_prefix=prefix)
    assert one.access_token() == two.access_token()
    two.send_subscribe_message(_prepare_send(fake), TEMPLATE, DATA)
    assert fake.token_requests == 1
    assert client.get(f"{prefix}:{APPID}_access_token") is not None


def test_stable_token_is_shared_without_force_refresh(fake: FakeWeChatServer, make_gateway) -> None:
    """stable_token hands two independent gateways the same token."""
    one = make_gateway(use_stable_token=True)
    two = make_gateway(use_stable_token=True)
    assert one.access_token() == two.access_token()
    assert fake.token_requests == 2


def test_stable_token_force_refresh_then_recovery(fake: FakeWeChatServer, make_gateway) -> None:
    """After someone force-refreshes (grace 0) the gateway gets 40001, refetches, succeeds."""
    fake.token_grace_seconds = 0
    gateway = make_gateway(use_stable_token=True)
    old = gateway.access_token()
    body = {"grant_type": "client_credential", "appid": APPID, "secret": SECRET}
    new = requests.post(
        fake.url + "cgi-bin/stable_token", json={**body, "force_refresh": True}, timeout=5
    ).json()["access_token"]
    assert new != old
    gateway.send_subscribe_message(_prepare_send(fake), TEMPLATE, DATA)
    assert gateway.access_token() == new


def test_stable_token_wrong_secret(make_gateway) -> None:
    """stable_token reports bad credentials like cgi-bin/token."""
    try:
        make_gateway(use_stable_token=True, secret="nope").access_token()
    except WeChatConfigError as exc:
        assert exc.errcode == 40125
    else:
        raise AssertionError("expected WeChatConfigError")


def test_new_token_invalidates_old_one(fake: FakeWeChatServer, make_gateway) -> None:
    """With grace 0 a second cgi-bin/token kills the first; wechatpy refetches and succeeds."""
    fake.token_grace_seconds = 0
    first, second = make_gateway(), make_gateway()
    old = first.access_token()
    second.access_token()
    first.send_subscribe_message(_prepare_send(fake), TEMPLATE, DATA)
    assert fake.token_requests == 3
    assert first.access_token() != old
    assert len(fake.messages()) == 1


def test_old_token_valid_during_grace(fake: FakeWeChatServer, make_gateway) -> None:
    """With the default 300 s grace the old token keeps working after a rotation."""
    first, second = make_gateway(), make_gateway()
    first.access_token()
    second.access_token()
    first.send_subscribe_message(_prepare_send(fake), TEMPLATE, DATA)
    assert fake.token_requests == 2


def test_expired_token_is_refetched(fake: FakeWeChatServer, gateway: WeChatGateway) -> None:
    """Past 7200 fake seconds the fake answers 42001; wechatpy refetches and succeeds."""
    old = gateway.access_token()
    fake.advance(7201)
    gateway.send_subscribe_message(_prepare_send(fake), TEMPLATE, DATA)
    assert gateway.access_token() != old


def test_token_retry_is_bounded(fake: FakeWeChatServer, gateway: WeChatGateway) -> None:
    """A server that keeps answering 40001 ends in an error, not endless recursion."""
    fake.inject_failure("cgi-bin/message/subscribe/send", errcode=40001, times=50)
    try:
        gateway.send_subscribe_message(_prepare_send(fake), TEMPLATE, DATA)
    except WeChatApiError as exc:
        assert exc.errcode == 40001
    else:
        raise AssertionError("expected WeChatApiError")
    assert fake.token_requests == 2  # the first fetch plus exactly one refetch


def test_shared_token_expires_a_minute_early(
    fake: FakeWeChatServer, make_gateway, redis_client
) -> None:
    """The Redis copy outlives no token: its TTL is expires_in minus wechatpy's 60 s margin."""
    client, prefix = redis_client
    make_gateway(redis_client=client, token_key_prefix=prefix).access_token()
    assert 7000 < client.ttl(f"{prefix}:{APPID}_access_token") <= 7140


def test_redis_down_is_unavailable(make_gateway) -> None:
    """An unreachable token store is WeChatUnavailable, not a raw redis error."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    # No retries: redis-py 8 retries with backoff by default, which costs seconds here.
    dead = redis.Redis(host="127.0.0.1", port=port, retry=Retry(NoBackoff(), 0))
    with pytest.raises(WeChatUnavailable, match="Redis"):
        make_gateway(redis_client=dead).access_token()
