"""The class teacher's side of parents' bindings: the ones waiting, approving or rejecting
them, and one-time family codes.

A binding names a pupil on the roster and waits (``pending``) until the class teacher or the
school's safety officer approves or rejects it, or the parent enters a family code the teacher
gave that child's family. Each decision is one conditional UPDATE from ``pending``: of two taps at
once one decides and the other gets a 409.
"""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import selectinload

from server.errors import ApiError
from server.extensions import db
from server.models import Child, FamilyCode, ParentLink, User, utcnow
from server.models.people import APPROVED, PENDING, REJECTED
from server.services import content
from server.services.codes import new_code
from server.services.roster import load_class, pupil
from server.services.views import View

FAMILY_CODE_LENGTH = 6
FAMILY_CODE_LIFETIME = timedelta(days=3)


def waiting(user: User, class_id: int) -> list[View]:
    """The class's bindings waiting for a decision, oldest first, each with whether the
    parent's name is still held by the text check (the teacher then sees that, not the name)."""
    load_class(user, class_id, "class.bindings")
    links = list(
        db.session.scalars(
            select(ParentLink)
            .join(Child, ParentLink.child_id == Child.id)
            .where(Child.class_id == class_id, ParentLink.status == PENDING)
            .order_by(ParentLink.id)
            # Each row shows its child and parent: loaded for the list, not per row.
            .options(selectinload(ParentLink.child), selectinload(ParentLink.parent))
        )
    )
    return _views(links)


def _views(links: list[ParentLink]) -> list[View]:
    """Bindings as the class teacher sees them: with whether each parent's name is held."""
    held = content.held_texts("user", sorted({link.parent_id for link in links}))
    return [
        View(link, parent_name_under_review=(link.parent_id, "display_name") in held)
        for link in links
    ]


def decide(user: User, class_id: int, link_id: int, approve: bool) -> View:
    """Approve or reject a waiting binding of the class; a decided one is a 409."""
    load_class(user, class_id, "class.bindings")
    link = db.session.get(ParentLink, link_id)
    if link is None or link.child.class_id != class_id:
        raise ApiError(404, "not_found", "No such binding in this class.")
    decided = db.session.execute(
        update(ParentLink)
        .where(ParentLink.id == link_id, ParentLink.status == PENDING)
        .values(
            status=APPROVED if approve else REJECTED, decided_at=utcnow(), decided_by_id=user.id
        )
        .execution_options(synchronize_session=False)
    )
    if decided.rowcount != 1:
        db.session.rollback()
        raise already_decided()
    db.session.commit()
    db.session.refresh(link)
    return _views([link])[0]


def already_decided() -> ApiError:
    """The answer for a binding that is no longer waiting."""
    return ApiError(409, "already_decided", "This binding has already been decided.")


def give_family_code(user: User, class_id: int, child_id: int) -> FamilyCode:
    """A fresh one-time code for a pupil's family; the pupil's earlier unused codes stop working."""
    school_class = load_class(user, class_id, "class.bindings")
    child = pupil(school_class, child_id)
    now = utcnow()
    db.session.execute(
        update(FamilyCode)
        .where(
            FamilyCode.child_id == child.id,
            FamilyCode.used_at.is_(None),
            FamilyCode.expires_at > now,
        )
        .values(expires_at=now)
    )
    for _attempt in range(10):
        text = new_code(FAMILY_CODE_LENGTH)
        if db.session.scalar(select(FamilyCode.id).where(FamilyCode.code == text)) is None:
            break
    else:
        raise RuntimeError("could not draw a free family code")
    code = FamilyCode(
        code=text, child_id=child.id, created_by_id=user.id, expires_at=now + FAMILY_CODE_LIFETIME
    )
    db.session.add(code)
    try:
        db.session.commit()
    except IntegrityError as exc:  # drawn by another request in the same instant
        db.session.rollback()
        raise ApiError(409, "code_conflict", "Please try again.") from exc
    return code


def use_family_code(user: User, link: ParentLink, raw_code: str) -> bool:
    """Approve the user's waiting ``link`` with a family code for its child (the caller
    commits). False when the code is unknown, for another child, expired or used: the caller
    counts a failed attempt and answers 422."""
    now = utcnow()
    used = db.session.execute(
        update(FamilyCode)
        .where(
            FamilyCode.code == raw_code,
            FamilyCode.child_id == link.child_id,
            FamilyCode.used_at.is_(None),
            FamilyCode.expires_at > now,
        )
        .values(used_at=now, used_by_id=user.id)
        .execution_options(synchronize_session=False)
    )
    if used.rowcount != 1:
        return False
    approved = db.session.execute(
        update(ParentLink)
        .where(ParentLink.id == link.id, ParentLink.status == PENDING)
        .values(status=APPROVED, decided_at=now, decided_by_id=None)
        .execution_options(synchronize_session=False)
    )
    if approved.rowcount != 1:
        db.session.rollback()
        raise already_decided()
    return True
