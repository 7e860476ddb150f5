"""The access token kept in each process as well as in the shared storage (Redis).

wechatpy reads the token from its storage for every call: with Redis that is a round trip per
message. A process keeps its own copy for as long as the token stays valid (at most
``LOCAL_TOKEN_SECONDS``, refreshed early), and when WeChat rejects a token (40001, 42001) it
drops the copy and takes the shared token if another process already replaced it, else fetches
a new one, once per call.
"""

from __future__ import annotations

import json
import time

# Seconds before a token's expiry at which it is no longer used (wechatpy's margin too).
TOKEN_EXPIRY_MARGIN = 60
# How long a process trusts its own copy of the shared token before reading Redis again: well
# under the five minutes WeChat keeps an old token valid after another process refreshed it.
LOCAL_TOKEN_SECONDS = 60


def _decode(raw: bytes | str) -> str | None:
    """A token as wechatpy's RedisStorage stores it (JSON-encoded)."""
    value = json.loads(raw)
    return value if isinstance(value, str) else None


class LocalTokenCache:
    """Mixed into the wechatpy client (which provides session, expires_at, access_token_key,
    fetch_access_token, and ``_local_token``/``_token_lock`` set in its __init__)."""

    def _keep_local(self, token: str, valid_for: float) -> None:
        """Keep ``token`` in this process for as long as it stays valid, at most a minute."""
        self._local_token = (token, time.monotonic() + min(valid_for, LOCAL_TOKEN_SECONDS))

    def _read_shared(self) -> tuple[str | None, float]:
        """The shared token and for how many seconds it stays valid (one Redis round trip)."""
        redis = getattr(self.session, "redis", None)
        if redis is None:  # in-process storage: only this client fetches, expires_at is ours
            token = self.session.get(self.access_token_key)
            return token, (self.expires_at or 0) - time.time() - TOKEN_EXPIRY_MARGIN
        name = self.session.key_name(self.access_token_key)
        pipe = redis.pipeline(transaction=False)
        pipe.get(name)
        pipe.ttl(name)
        raw, ttl = pipe.execute()
        token = None if raw is None else _decode(raw)
        # The Redis copy expires a minute before the token (fetch_access_token's TTL); a copy
        # someone stored without a TTL (-1) is re-read after the local minute.
        return token, float(LOCAL_TOKEN_SECONDS if ttl == -1 else ttl)

    @property
    def access_token(self) -> str:
        """A valid token: this process's copy while fresh, else the shared one, else fetched
        (the property wechatpy reads for every call)."""
        local = self._local_token
        if local is not None and time.monotonic() < local[1]:
            return local[0]
        with self._token_lock:
            local = self._local_token
            if local is not None and time.monotonic() < local[1]:
                return local[0]
            token, valid_for = self._read_shared()
            if token and valid_for > 0:
                self._keep_local(token, valid_for)
                return token
            self.fetch_access_token()
            return self._local_token[0]

    def _replace_rejected(self, rejected: str | None) -> str:
        """After WeChat rejected ``rejected`` (40001, 42001...): drop it and take the shared
        token if another process already replaced it, else fetch a new one (once per call)."""
        with self._token_lock:
            self._local_token = None
            token, valid_for = self._read_shared()
            if token and token != rejected and valid_for > 0:
                self._keep_local(token, valid_for)
                return token
            self.fetch_access_token()
            return self._local_token[0]
