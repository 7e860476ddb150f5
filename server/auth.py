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
    """The authenticated user of this request (only inside ``login_required`` routes); under
    ``login_required(load_user=False)`` it is loaded here, on first use."""
    user = g.get("user")
    if user is None:
        user = g.user = g.auth_session.user
    return user


def current_user_id() -> int:
    """The authenticated user's id, without loading the user (inside ``login_required``)."""
    return g.auth_session.user_id


def login_required(
    view: Callable[..., Any] | None = None, *, load_user: bool = True
) -> Callable[..., Any]:
    """Require a valid ``Authorization: Bearer <token>`` header.

    ``@login_required(load_user=False)`` checks the token just as strictly but reads only the
    user's columns: for hot routes that need only ``current_user_id()`` (``current_user()``
    still works there, at the price of a primary-key load).
    """
    if view is None:
        return lambda inner: login_required(inner, load_user=load_user)

    @wraps(view)
    def wrapped(*args: Any, **kwargs: Any) -> Any:
        header = request.headers.get("Authorization", "")
        scheme, _, token = header.partition(" ")
        if scheme.lower() != "bearer" or not token.strip():
            raise ApiError(401, "unauthorized", "Sign in first: a bearer token is required.")
        session = resolve_token(token.strip(), load_user=load_user)
        g.auth_session = session
        if load_user:
            g.user = session.user
        return view(*args, **kwargs)

    return wrapped
