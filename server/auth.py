"""Request authentication: the bearer token becomes ``g.user`` and ``g.auth_session``."""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any

from flask import g, request

from server.errors import ApiError
from server.models import User
from server.services.tokens import resolve_token


def current_user() -> User:
    """The authenticated user of this request (only inside ``login_required`` routes)."""
    return g.user


def login_required(view: Callable[..., Any]) -> Callable[..., Any]:
    """Require a valid ``Authorization: Bearer <token>`` header."""

    @wraps(view)
    def wrapped(*args: Any, **kwargs: Any) -> Any:
        header = request.headers.get("Authorization", "")
        scheme, _, token = header.partition(" ")
        if scheme.lower() != "bearer" or not token.strip():
            raise ApiError(401, "unauthorized", "Sign in first: a bearer token is required.")
        session = resolve_token(token.strip())
        g.auth_session = session
        g.user = session.user
        return view(*args, **kwargs)

    return wrapped
