"""WeChat integration: API gateway (login, subscribe messages) and a fake API server.

Import the fake explicitly (``from server.wechat.fake import FakeWeChatServer``);
it is kept out of this namespace so production imports do not pull it in.
"""

from server.wechat.client import (
    ConfigurableWeChatClient,
    SessionInfo,
    WeChatGateway,
    translate_error,
)
from server.wechat.errors import (
    WeChatApiError,
    WeChatCodeInvalid,
    WeChatConfigError,
    WeChatError,
    WeChatRateLimited,
    WeChatUnavailable,
    WeChatUserBlocked,
    WeChatUserRefused,
)

__all__ = [
    "ConfigurableWeChatClient",
    "SessionInfo",
    "WeChatApiError",
    "WeChatCodeInvalid",
    "WeChatConfigError",
    "WeChatError",
    "WeChatGateway",
    "WeChatRateLimited",
    "WeChatUnavailable",
    "WeChatUserBlocked",
    "WeChatUserRefused",
    "translate_error",
]
