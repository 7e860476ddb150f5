"""Parents bind to a pupil on their child's class roster with the class code and the child's
name; the binding waits for the class teacher's approval or a family code. A parent without a
name gives theirs here (as staff do when joining): the class teacher sees who asks.

Guessing is limited (``server/services/guessing.py``): a class code nobody has, a name not on the
roster and a wrong family code each count as a failed attempt, and too many answer 429.
"""

from __future__ import annotations

from sqlalchemy import delete, func, select
from sqlalchemy.exc import IntegrityError

from server.errors import ApiError
from server.extensions import db
from server.models import Child, ParentLink, SchoolClass, User
from server.models.people import PENDING
from server.services import guessing
from server.services.bindings import use_family_code
from server.services.codes import normalise_code
from server.services.people import UNCHANGED, apply_profile, require_name, screen_name

MAX_CHILDREN_PER_PARENT = 10


def list_links(user: User) -> list[ParentLink]:
    """The children this user is bound to (waiting, approved or rejected)."""
    query = select(ParentLink).where(ParentLink.parent_id == user.id).order_by(ParentLink.id)
    return list(db.session.scalars(query))


def _failed(user: User, error: ApiError) -> ApiError:
    """Undo the attempt, count it as failed, and return the error to raise."""
    db.session.rollback()
    guessing.failed(user)
    return error


def _wrong_family_code() -> ApiError:
    """The answer for a family code that does not approve this binding."""
    return ApiError(
        422,
        "family_code_invalid",
        "The family code is wrong, used or expired; ask the class teacher for a new one.",
        {"family_code": ["Wrong, used or expired."]},
    )


def bind_child(
    user: User,
    class_code: str,
    child_name: str,
    relation: str,
    family_code: str | None = None,
    display_name: str | None = None,
    phone: object = UNCHANGED,
) -> ParentLink:
    """Bind the user as ``relation`` of the named pupil of the class with ``class_code``: waiting
    for approval, or approved at once by the pupil's ``family_code``. The parent's name (required
    when they have none) and phone are set as joining sets them, in the binding's commit; a name
    the text check holds waits for the school's admins."""
    require_name(user, display_name)
    guessing.check(user)
    code = normalise_code(class_code)
    school_class = db.session.scalars(
        select(SchoolClass).where(SchoolClass.class_code == code)
    ).first()
    if school_class is None:
        raise _failed(user, ApiError(404, "class_not_found", "No class has this class code."))
    # Asked once the class is known (a mistyped code costs no WeChat call); risky refuses here.
    verdict = screen_name(user, display_name)
    # One parent's binds take turns on PostgreSQL (two taps at once): the checks below then
    # see the other's committed link. SQLite's writers take turns anyway.
    db.session.execute(select(User.id).where(User.id == user.id).with_for_update())
    child_id = db.session.scalar(
        select(Child.id).where(
            Child.class_id == school_class.id,
            Child.name == child_name.strip(),
            Child.removed_at.is_(None),
        )
    )
    if child_id is None:
        raise _failed(
            user,
            ApiError(
                422,
                "child_not_on_roster",
                "No pupil of this name is on the class roster; check the name with the class "
                "teacher.",
                {"child_name": ["Not on the class roster."]},
            ),
        )
    if _is_bound(user, child_id):
        db.session.rollback()
        raise ApiError(409, "child_already_bound", "You are already bound to this child.")
    # Before the link is added: the profile's own queries would flush it outside the try below.
    apply_profile(user, display_name, phone, verdict, school_class.school)
    link = ParentLink(parent_id=user.id, child_id=child_id, relation=relation, status=PENDING)
    db.session.add(link)
    try:
        db.session.flush()
        # Counted with our own link in, after every link committed before ours (PostgreSQL:
        # the lock above; SQLite: writers take turns), so two binds at once cannot both slip
        # under the limit.
        if _link_count(user) > MAX_CHILDREN_PER_PARENT:
            db.session.rollback()
            raise ApiError(409, "too_many_children", "A parent may bind at most 10 children.")
        if family_code and not use_family_code(user, link, normalise_code(family_code)):
            raise _failed(user, _wrong_family_code())
        db.session.commit()
    except IntegrityError as exc:
        db.session.rollback()
        if _is_bound(user, child_id):
            raise ApiError(
                409, "child_already_bound", "You are already bound to this child."
            ) from exc
        # The pupil left the roster meanwhile: say so.
        raise ApiError(409, "bind_conflict", "The class roster changed; try again.") from exc
    db.session.refresh(link)
    return link


def enter_family_code(user: User, link_id: int, family_code: str) -> ParentLink:
    """Approve the user's waiting binding with the family code the class teacher gave them."""
    guessing.check(user)
    link = _own(user, link_id)
    if link.status != PENDING:
        raise ApiError(409, "already_decided", "This binding has already been decided.")
    if not use_family_code(user, link, normalise_code(family_code)):
        raise _failed(user, _wrong_family_code())
    db.session.commit()
    db.session.refresh(link)
    return link


def _own(user: User, link_id: int) -> ParentLink:
    """One of the user's bindings (404 otherwise)."""
    link = db.session.get(ParentLink, link_id)
    if link is None or link.parent_id != user.id:
        raise ApiError(404, "not_found", "No such child bound to you.")
    return link


def _link_count(user: User) -> int:
    """How many children the user is bound to."""
    query = select(func.count()).select_from(ParentLink).where(ParentLink.parent_id == user.id)
    return db.session.scalar(query)


def _is_bound(user: User, child_id: int) -> bool:
    """Whether the user is bound to the child (read afresh, after a failed insert)."""
    query = select(ParentLink.id).where(
        ParentLink.parent_id == user.id, ParentLink.child_id == child_id
    )
    return db.session.scalar(query) is not None


def unbind_child(user: User, link_id: int) -> None:
    """Remove the user's binding, whatever its state and whatever the child received: the pupil
    stays on the roster (the school keeps it) and the record of notices stays whole."""
    _own(user, link_id)
    deleted = db.session.execute(
        delete(ParentLink)
        .where(ParentLink.id == link_id, ParentLink.parent_id == user.id)
        .execution_options(synchronize_session=False)
    )
    if deleted.rowcount != 1:  # removed by another tap (or the pupil's removal) meanwhile
        db.session.rollback()
        raise ApiError(404, "not_found", "No such child bound to you.")
    db.session.commit()
