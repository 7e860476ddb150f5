"""Tests of server.wechat against the fake WeChat server; shared constants live here."""

APPID = "wx0123456789abcdef"
SECRET = "s3cr3t-for-tests"
TEMPLATE = "tmpl-arrival-notice"
