"""A person's own profile: the name they go by and, optionally, a mobile number."""

from __future__ import annotations

from sqlalchemy import select

from server.errors import ApiError
from server.extensions import db
from server.models import ContentCheck, Unit, User
from server.models.content import HELD
from server.services import content
from server.services.views import View

# Sent for "leave as it is"; None for the phone means "remove it".
UNCHANGED = object()


def _is_new_name(user: User, display_name: str | None) -> bool:
    """Whether ``display_name`` changes anything: not when absent, the name the user has, or
    the one already held for review (sending it again neither checks it again nor moves it)."""
    if display_name is None or display_name == user.display_name:
        return False
    return display_name != held_name(user)


def screen_name(user: User, display_name: str | None) -> str:
    """WeChat's text check of a new name (scene: profile), before anything is written: risky
    raises 422 ``content_risky``; returns pass, review or pending."""
    if not _is_new_name(user, display_name):
        return content.PASSED
    return content.check_text(user, "display_name", display_name, content.SCENE_PROFILE)


def apply_profile(
    user: User,
    display_name: str | None,
    phone: object = UNCHANGED,
    verdict: str = content.PASSED,
    unit: Unit | None = None,
) -> None:
    """Set the name (when given) and the phone (when given; None removes it) on the user,
    without committing: joining a unit sets them in the same transaction as the grant. A name
    the text check held is kept aside (others go on seeing the old one, or none) and takes
    effect when released; ``unit`` is where its reviewers are (default: the first grant's; the
    admins of any unit the person belongs to may release it too, ``access.require_any``)."""
    if _is_new_name(user, display_name):
        if unit is None and user.grants:
            unit = user.grants[0].unit
        content.replace_name(user, unit, display_name, verdict)
        if verdict == content.PASSED:
            user.display_name = display_name
    if phone is not UNCHANGED:
        user.phone = phone


def held_name(user: User) -> str | None:
    """The name the user gave that the content check still holds, if any."""
    return db.session.scalar(
        select(ContentCheck.content).where(
            ContentCheck.subject == "user",
            ContentCheck.subject_id == user.id,
            ContentCheck.field == "display_name",
            ContentCheck.status.in_(HELD),
        )
    )


def own_view(user: User) -> View:
    """The user as they see themself: a held name shows to them (flagged), not to others."""
    pending = held_name(user)
    return View(
        user, display_name=pending or user.display_name, name_under_review=pending is not None
    )


def require_name(user: User, display_name: str | None) -> None:
    """People give their name when they join a unit or bind a child (WeChat no longer hands out
    nicknames): 422 ``name_required`` for someone without one, given or held."""
    if display_name is None and not user.display_name and held_name(user) is None:
        raise ApiError(
            422,
            "name_required",
            "Give your name first: people without one must.",
            {"display_name": ["Required for people without a name yet."]},
        )


def update_profile(user: User, display_name: str | None, phone: object = UNCHANGED) -> View:
    """Change one's own name and/or phone (``PATCH /me``); the name through the text check."""
    verdict = screen_name(user, display_name)
    apply_profile(user, display_name, phone, verdict)
    db.session.commit()
    return own_view(user)
