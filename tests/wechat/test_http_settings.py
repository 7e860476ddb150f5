"""The WeChat client's HTTP session: the proxy and CA-bundle variables are read from the
environment once, when the client is made, not on every request (requests scans os.environ
twice per request otherwise), and they still apply."""

from __future__ import annotations

import pytest

from server.wechat.client import WeChatGateway
from tests.wechat import APPID

WECHAT = "https://api.weixin.qq.com/"
# Each also in lower case, as requests reads both.
VARIABLES = (
    "HTTPS_PROXY", "HTTP_PROXY", "ALL_PROXY", "NO_PROXY", "REQUESTS_CA_BUNDLE", "CURL_CA_BUNDLE",
)  # fmt: skip


@pytest.fixture
def clean_env(monkeypatch):
    """No proxy or CA-bundle variable from the machine running the tests."""
    for name in VARIABLES:
        monkeypatch.delenv(name, raising=False)
        monkeypatch.delenv(name.lower(), raising=False)
    return monkeypatch


def _session(**kwargs):
    """The requests session of a new gateway."""
    return WeChatGateway(APPID, "secret", api_base_url=WECHAT, **kwargs).client._http


def test_a_proxy_set_in_the_environment_is_used(clean_env):
    clean_env.setenv("HTTPS_PROXY", "http://proxy.internal:3128")
    session = _session()
    assert session.trust_env is False  # nothing re-read per request
    assert session.proxies.get("https") == "http://proxy.internal:3128"


def test_no_proxy_for_wechat_is_honoured(clean_env):
    clean_env.setenv("HTTPS_PROXY", "http://proxy.internal:3128")
    clean_env.setenv("NO_PROXY", "api.weixin.qq.com")
    assert _session().proxies == {}


def test_a_ca_bundle_set_in_the_environment_is_used(clean_env, tmp_path):
    bundle = tmp_path / "ca.pem"
    bundle.write_text("")
    clean_env.setenv("REQUESTS_CA_BUNDLE", str(bundle))
    assert _session().verify == str(bundle)
    clean_env.delenv("REQUESTS_CA_BUNDLE")
    assert _session().verify is True  # the default: certifi's bundle
