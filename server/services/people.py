"""A person's own profile: the name they go by and, optionally, a mobile number."""

from __future__ import annotations

from server.errors import ApiError
from server.extensions import db
from server.models import User

# Sent for "leave as it is"; None for the phone means "remove it".
UNCHANGED = object()


def apply_profile(user: User, display_name: str | None, phone: object = UNCHANGED) -> None:
    """Set the name (when given) and the phone (when given; None removes it) on the user,
    without committing: joining a unit sets them in the same transaction as the grant."""
    if display_name is not None:
        user.display_name = display_name
    if phone is not UNCHANGED:
        user.phone = phone


def require_name(user: User, display_name: str | None) -> None:
    """People give their name when they join (WeChat no longer hands out nicknames)."""
    if display_name is None and not user.display_name:
        raise ApiError(
            422,
            "name_required",
            "Give your name to join.",
            {"display_name": ["Required for people without a name yet."]},
        )


def update_profile(user: User, display_name: str | None, phone: object = UNCHANGED) -> User:
    """Change one's own name and/or phone (``PATCH /me``)."""
    apply_profile(user, display_name, phone)
    db.session.commit()
    return user
