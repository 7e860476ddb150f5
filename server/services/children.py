"""Parents bind to their children with the class code and the child's name."""

from __future__ import annotations

from sqlalchemy import delete, func, select
from sqlalchemy.exc import IntegrityError

from server.errors import ApiError
from server.extensions import db
from server.models import Child, ParentLink, SchoolClass, User
from server.services.codes import normalise_code
from server.services.references import unreferenced
from server.services.upsert import insert_if_absent

MAX_CHILDREN_PER_PARENT = 10


def list_links(user: User) -> list[ParentLink]:
    """The children this user is bound to."""
    query = select(ParentLink).where(ParentLink.parent_id == user.id).order_by(ParentLink.id)
    return list(db.session.scalars(query))


def _find_or_create_child(school_class: SchoolClass, name: str) -> Child:
    """The class's child of that name; both parents of one child share the row."""
    query = select(Child).where(Child.class_id == school_class.id, Child.name == name)
    child = db.session.scalars(query).first()
    if child is None:
        # Both parents may bind a new child at the same moment: let the unique constraint
        # pick one insert, then read the row whichever request made it.
        insert_if_absent(Child, {"class_id": school_class.id, "name": name}, ["class_id", "name"])
        child = db.session.scalars(query).one()
    return child


def bind_child(user: User, class_code: str, child_name: str, relation: str) -> ParentLink:
    """Bind the user as ``relation`` of the named child in the class with ``class_code``."""
    code = normalise_code(class_code)
    school_class = db.session.scalars(
        select(SchoolClass).where(SchoolClass.class_code == code)
    ).first()
    if school_class is None:
        raise ApiError(404, "class_not_found", "No class has this class code.")
    # One parent's binds take turns on PostgreSQL (two taps at once): the checks below then
    # see the other's committed link. SQLite's writers take turns anyway.
    db.session.execute(select(User.id).where(User.id == user.id).with_for_update())
    child_id = _find_or_create_child(school_class, child_name.strip()).id
    if _is_bound(user, child_id):
        db.session.rollback()
        raise ApiError(409, "child_already_bound", "You are already bound to this child.")
    link = ParentLink(parent_id=user.id, child_id=child_id, relation=relation)
    db.session.add(link)
    try:
        db.session.flush()
        # Counted with our own link in, after every link committed before ours (PostgreSQL:
        # the lock above; SQLite: writers take turns), so two binds at once cannot both slip
        # under the limit.
        if _link_count(user) > MAX_CHILDREN_PER_PARENT:
            db.session.rollback()
            raise ApiError(409, "too_many_children", "A parent may bind at most 10 children.")
        db.session.commit()
    except IntegrityError as exc:
        db.session.rollback()
        if _is_bound(user, child_id):
            raise ApiError(
                409, "child_already_bound", "You are already bound to this child."
            ) from exc
        # The child's row went away meanwhile (its last other parent unbound): say so.
        raise ApiError(409, "bind_conflict", "The class roster changed; try again.") from exc
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
    """Remove the user's binding; a child that nothing refers to any more (no parent, no notice
    record) is deleted: keep the minimum."""
    link = db.session.get(ParentLink, link_id)
    if link is None or link.parent_id != user.id:
        raise ApiError(404, "not_found", "No such child bound to you.")
    child_id = link.child_id
    db.session.delete(link)
    db.session.flush()
    # The child goes with its last parent, unless something still refers to it: the record of
    # the notices that reached the child (who acknowledged what) stays whole.
    db.session.execute(
        delete(Child)
        .where(Child.id == child_id, unreferenced(Child))
        .execution_options(synchronize_session=False)
    )
    db.session.commit()
