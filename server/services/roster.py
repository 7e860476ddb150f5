"""Class rosters: the pupils of each class, kept by the school.

The units import brings a roster in (``server/services/roster_import.py``); the class teacher
(or the school's safety officer) adds, renames and removes pupils on the phone. Parents bind
only to a pupil on the roster. Removing a pupil ends their parents' bindings and family codes;
the row itself is deleted only when nothing else refers to it (the notices that reached the
child keep their record: the row stays, marked removed).
"""

from __future__ import annotations

from sqlalchemy import case, delete, func, select, update
from sqlalchemy.exc import IntegrityError

from server import access
from server.errors import ApiError
from server.extensions import db
from server.models import Child, FamilyCode, ParentLink, SchoolClass, User, utcnow
from server.models.people import APPROVED, PENDING
from server.services.references import unreferenced
from server.services.views import View

# Letters, Chinese characters, the middle dot of minority names, spaces; 2 to 20 characters.
NAME_PATTERN = r"^[\w·•\s]+$"
NAME_MIN, NAME_MAX = 2, 20
ROSTER_MAX = 150


def load_class(user: User, class_id: int, capability: str) -> SchoolClass:
    """The class, if the user may use ``capability`` for it (404 out of scope, 403 without)."""
    school_class = db.session.get(SchoolClass, class_id)
    if school_class is None:
        raise access.not_found("class")
    access.require(user, capability, school_class.school, class_id, what="class")
    return school_class


def pupil(school_class: SchoolClass, child_id: int) -> Child:
    """A pupil on the class's roster (404 otherwise)."""
    child = db.session.get(Child, child_id)
    if child is None or child.class_id != school_class.id or child.removed_at is not None:
        raise ApiError(404, "not_found", "No such pupil on this class's roster.")
    return child


def _counts(where) -> dict[int, tuple[int, int]]:
    """Child id -> (approved, waiting) bindings, for the children matching ``where``."""
    rows = db.session.execute(
        select(
            ParentLink.child_id,
            func.count(case((ParentLink.status == APPROVED, 1))),
            func.count(case((ParentLink.status == PENDING, 1))),
        )
        .join(Child, ParentLink.child_id == Child.id)
        .where(where)
        .group_by(ParentLink.child_id)
    )
    return {child_id: (approved, waiting) for child_id, approved, waiting in rows}


def _views(children: list[Child], counts: dict[int, tuple[int, int]]) -> list[View]:
    """Pupils with their numbers of bound and waiting guardians."""
    views = []
    for child in children:
        approved, waiting = counts.get(child.id, (0, 0))
        views.append(View(child, guardians=approved, waiting=waiting))
    return views


def roster(user: User, class_id: int) -> tuple[SchoolClass, list[View]]:
    """The class and its pupils by name, each with how many guardians are bound and waiting."""
    school_class = load_class(user, class_id, "class.roster")
    pupils = db.session.scalars(
        select(Child)
        .where(Child.class_id == class_id, Child.removed_at.is_(None))
        .order_by(Child.name)
    )
    return school_class, _views(list(pupils), _counts(Child.class_id == class_id))


def _on_roster(class_id: int) -> int:
    """How many pupils the class has."""
    query = select(func.count()).select_from(Child)
    return db.session.scalar(query.where(Child.class_id == class_id, Child.removed_at.is_(None)))


def enrol(school_class: SchoolClass, name: str) -> bool:
    """Put ``name`` on the class's roster (the caller commits); False when already on it.

    A pupil removed earlier whose row was kept comes back (the same child, with their record);
    otherwise a new row, whose unique key (class, name) settles two adds at once.
    """
    revived = db.session.execute(
        update(Child)
        .where(Child.class_id == school_class.id, Child.name == name, Child.removed_at.is_not(None))
        .values(removed_at=None)
    )
    if revived.rowcount:
        return True
    exists = select(Child.id).where(Child.class_id == school_class.id, Child.name == name)
    if db.session.scalar(exists) is not None:
        return False
    # No WeChat text check: a minor's name, read only by its class teacher and approved guardians.
    db.session.add(Child(class_id=school_class.id, name=name))
    db.session.flush()
    return True


def _already() -> ApiError:
    """The answer when a name is on the roster already."""
    return ApiError(409, "pupil_exists", "A pupil of this name is already on the roster.")


def add_pupil(user: User, class_id: int, name: str) -> View:
    """The class teacher adds a pupil to the roster."""
    school_class = load_class(user, class_id, "class.roster")
    if _on_roster(class_id) >= ROSTER_MAX:
        raise ApiError(409, "roster_full", f"A class has at most {ROSTER_MAX} pupils.")
    try:
        if not enrol(school_class, name):
            raise _already()
        db.session.commit()
    except IntegrityError as exc:  # the same name added by another tap at the same moment
        db.session.rollback()
        raise _already() from exc
    child = db.session.scalars(
        select(Child).where(Child.class_id == class_id, Child.name == name)
    ).one()
    return _views([child], _counts(Child.id == child.id))[0]


def rename_pupil(user: User, class_id: int, child_id: int, name: str) -> View:
    """Correct a pupil's name (a typo on the roster); bindings stay with the pupil."""
    school_class = load_class(user, class_id, "class.roster")
    child = pupil(school_class, child_id)
    if child.name != name:
        child.name = name
        try:
            db.session.commit()
        except IntegrityError as exc:
            db.session.rollback()
            raise _already() from exc
    return _views([child], _counts(Child.id == child.id))[0]


def remove_pupil(user: User, class_id: int, child_id: int) -> None:
    """Take a pupil off the roster: their bindings and family codes end; the row goes too unless
    a record (a notice that reached the child) refers to it, then it is kept, marked removed."""
    school_class = load_class(user, class_id, "class.roster")
    child = pupil(school_class, child_id)
    db.session.execute(delete(ParentLink).where(ParentLink.child_id == child.id))
    db.session.execute(
        delete(FamilyCode).where(FamilyCode.child_id == child.id, FamilyCode.used_at.is_(None))
    )
    db.session.execute(
        update(Child)
        .where(Child.id == child.id, Child.removed_at.is_(None))
        .values(removed_at=utcnow())
        .execution_options(synchronize_session=False)
    )
    db.session.execute(
        delete(Child)
        .where(Child.id == child.id, unreferenced(Child))
        .execution_options(synchronize_session=False)
    )
    db.session.commit()
