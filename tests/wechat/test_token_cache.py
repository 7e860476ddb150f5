"""The access token kept in each process: no Redis read per message, a rejected token replaced
by the one another process already fetched (not by yet another fetch), the shared copy re-read
once the local one ages out."""

from __future__ import annotations

import json
import time

from server.wechat import tokens
from server.wechat.fake import FakeWeChatServer
from tests.wechat import APPID, TEMPLATE

DATA = {"thing1": {"value": "Arrived at school"}}


def _openid(fake: FakeWeChatServer, openid: str = "o-cache") -> str:
    """Register a user and the template; return the openid."""
    fake.register_openid(openid)
    fake.register_template(TEMPLATE)
    return openid


def test_sends_use_the_process_copy(fake: FakeWeChatServer, make_gateway, redis_client) -> None:
    """Once a process holds a token, sending reads nothing from Redis (the key can vanish)."""
    client, prefix = redis_client
    gateway = make_gateway(redis_client=client, token_key_prefix=prefix)
    token = gateway.access_token()
    client.delete(f"{prefix}:{APPID}_access_token")
    for _ in range(3):
        gateway.send_subscribe_message(_openid(fake), TEMPLATE, DATA)
    assert gateway.access_token() == token
    assert fake.token_requests == 1
    assert client.get(f"{prefix}:{APPID}_access_token") is None  # never read back, nor refetched


def test_rejected_token_is_replaced_by_the_shared_one(
    fake: FakeWeChatServer, make_gateway, redis_client
) -> None:
    """Another process refreshed the token (the old one dies at once, grace 0): the rejected
    process takes the new token from Redis and retries, without fetching a third."""
    fake.token_grace_seconds = 0
    client, prefix = redis_client
    one = make_gateway(redis_client=client, token_key_prefix=prefix)
    two = make_gateway(redis_client=client, token_key_prefix=prefix)
    old = one.access_token()
    two.client.fetch_access_token()  # the other process refreshes
    one.send_subscribe_message(_openid(fake), TEMPLATE, DATA)
    assert one.access_token() == two.access_token() != old
    assert fake.token_requests == 2
    assert len(fake.messages()) == 1


def test_process_copy_ages_out(fake: FakeWeChatServer, make_gateway, redis_client) -> None:
    """Past its deadline (``LOCAL_TOKEN_SECONDS`` at most) the process reads the shared token
    again."""
    client, prefix = redis_client
    gateway = make_gateway(redis_client=client, token_key_prefix=prefix)
    token = gateway.access_token()
    deadline = gateway.client._local_token[1]
    assert deadline <= time.monotonic() + tokens.LOCAL_TOKEN_SECONDS
    client.set(f"{prefix}:{APPID}_access_token", json.dumps("replaced-elsewhere"), ex=600)
    assert gateway.access_token() == token  # still within the local minute
    gateway.client._local_token = (token, time.monotonic() - 1)  # the minute is over
    assert gateway.access_token() == "replaced-elsewhere"
    assert fake.token_requests == 1
