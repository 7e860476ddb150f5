"""The console's session: who is logged in (an API token in the signed cookie, checked on
every request like a bearer token), the CSRF token of its forms, and the login-required guard."""

from __future__ import annotations

import hmac
import secrets
from collections.abc import Callable
from functools import wraps
from typing import Any

from flask import abort, current_app, g, redirect, request, session, url_for

from server.console import bp
from server.errors import ApiError
from server.services.tokens import resolve_token

TOKEN_KEY = "console_token"
CSRF_KEY = "csrf"


def log_in(token: str) -> None:
    """Start the console session with a freshly issued token (a new CSRF token with it)."""
    session.clear()
    session[TOKEN_KEY] = token
    session[CSRF_KEY] = secrets.token_urlsafe(24)


def resolve_login() -> bool:
    """Load ``g.user`` and ``g.auth_session`` from the cookie's token; False (and the cookie
    cleared) when there is none or it was revoked, expired or its account disabled."""
    token = session.get(TOKEN_KEY)
    if not isinstance(token, str):
        return False
    try:
        auth_session = resolve_token(token)
    except ApiError:
        session.clear()
        return False
    g.auth_session = auth_session
    g.user = auth_session.user
    return True


def console_login_required(view: Callable[..., Any]) -> Callable[..., Any]:
    """A console page: the logged-in user in ``g.user``, or a redirect to the QR login."""

    @wraps(view)
    def wrapped(*args: Any, **kwargs: Any) -> Any:
        if not resolve_login():
            return redirect(url_for("console.login"))
        return view(*args, **kwargs)

    return wrapped


def csrf_token() -> str:
    """The session's CSRF token for forms (made on first use)."""
    if CSRF_KEY not in session:
        session[CSRF_KEY] = secrets.token_urlsafe(24)
    return session[CSRF_KEY]


# Views that take a file: endpoint -> the setting bounding their body (the console's other
# forms keep the small JSON limit). Raised here, before the CSRF check parses the form.
UPLOAD_LIMITS: dict[str, str] = {}


@bp.before_request
def _check_csrf() -> None:
    """Every POST to the console carries the session's CSRF token (a 400 otherwise): the
    SameSite cookie alone does not stop a same-site form."""
    if request.method != "POST":
        return
    limit = UPLOAD_LIMITS.get(request.endpoint or "")
    if limit is not None:
        request.max_content_length = current_app.config[limit]
    sent = request.form.get("csrf_token", "")
    expected = session.get(CSRF_KEY, "")
    if not expected or not hmac.compare_digest(str(sent), str(expected)):
        abort(400, description="csrf")


@bp.context_processor
def _template_globals() -> dict[str, Any]:
    """``csrf_token()`` in every template."""
    return {"csrf_token": csrf_token}
