"""Errors on console pages as pages: out of scope is "not found", a missing capability is
"not allowed", a refused form is "bad request" — in words, never as JSON."""

from __future__ import annotations

from flask import render_template
from werkzeug.exceptions import HTTPException

from server.console import bp
from server.errors import ApiError

TITLES = {
    400: "请求无效",
    403: "没有权限",
    404: "未找到",
    410: "已失效",
    413: "文件太大",
    422: "输入有误",
}
# Refusals that say more than their status, in words.
MESSAGES = {
    "not_on_yourself": "不能修改自己的账号或角色，请联系其他管理员。",
    "beyond_your_scope": "此人在您管理的单位以外还有角色，请联系上级管理员。",
}


def _page(status: int, message: str | None = None):
    """The error page for a status (with what went wrong, when known)."""
    title = TITLES.get(status, "出错了")
    page = render_template("console/error.html", status=status, title=title, message=message)
    return page, status


@bp.errorhandler(ApiError)
def _api_error(error: ApiError):
    """A service's refusal (404 out of scope, 403 without the capability, 422 bad input)."""
    return _page(error.status, MESSAGES.get(error.code))


@bp.errorhandler(HTTPException)
def _http_error(error: HTTPException):
    """Werkzeug's errors (a bad CSRF token, an unknown id in the URL)."""
    return _page(error.code or 500)
