"""Errors on console pages as pages: out of scope is "not found", a missing capability is
"not allowed", a refused form is "bad request" — in words, never as JSON."""

from __future__ import annotations

from flask import render_template
from werkzeug.exceptions import HTTPException

from server.console import bp
from server.errors import ApiError

TITLES = {400: "请求无效", 403: "没有权限", 404: "未找到", 410: "已失效", 422: "输入有误"}


def _page(status: int):
    """The error page for a status."""
    title = TITLES.get(status, "出错了")
    return render_template("console/error.html", status=status, title=title), status


@bp.errorhandler(ApiError)
def _api_error(error: ApiError):
    """A service's refusal (404 out of scope, 403 without the capability, 422 bad input)."""
    return _page(error.status)


@bp.errorhandler(HTTPException)
def _http_error(error: HTTPException):
    """Werkzeug's errors (a bad CSRF token, an unknown id in the URL)."""
    return _page(error.code or 500)
