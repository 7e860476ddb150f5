"""Parents and their notices: the page of notices that reached them, opening one (read for each
child) and acknowledging it per child."""

from __future__ import annotations

from typing import Any

from sqlalchemy import Select, Update, bindparam, case, func, select, update

from server.errors import ApiError
from server.extensions import db
from server.models import Child, Notice, NoticeRecipient, Notification, SchoolClass, User, utcnow
from server.models.types import UTCDateTime
from server.services.notice_views import NOTICE_LOADS, child_status


def _my_rows(user: User, notice_id: int) -> list[NoticeRecipient]:
    """The caller's recipient rows of a notice (one per child); 404 when it did not reach them."""
    rows = list(
        db.session.scalars(
            select(NoticeRecipient)
            .where(NoticeRecipient.notice_id == notice_id, NoticeRecipient.parent_id == user.id)
            # Children in roster order: the rows were inserted in whatever order the join gave.
            .order_by(NoticeRecipient.child_id)
        )
    )
    if not rows:
        raise ApiError(404, "not_found", "No such notice for you.")
    return rows


def open_notice(user: User, notice_id: int) -> tuple[Notice, list[NoticeRecipient]]:
    """A parent opens a notice: it counts as read for each of their children."""
    rows = _my_rows(user, notice_id)
    now = utcnow()
    for row in rows:
        if row.read_at is None:
            row.read_at = now
    _mark_inbox_read(user.id, notice_id)
    db.session.commit()
    return db.session.get(Notice, notice_id), rows


def _inbox_read_statement() -> Update:
    """Mark a user's unread inbox messages of a notice (the notice and any reminders) read: the
    notice's id is in each message's JSON data."""
    inbox = Notification.__table__.c
    return (
        update(Notification.__table__)
        .where(
            inbox.user_id == bindparam("owner"),
            inbox.read_at.is_(None),
            inbox.kind.in_(("notice", "notice_reminder")),
            inbox.data["notice_id"].as_integer() == bindparam("notice"),
        )
        .values(read_at=bindparam("now", type_=UTCDateTime()))
    )


def _acknowledge_statement() -> Update:
    """The acknowledgment of one child for a notice, as one conditional UPDATE of every
    guardian's row of that child (see :func:`acknowledge`), returning the caller's read and
    acknowledged times and the child's and class's names.

    The names are nested subqueries rather than a join: SQLAlchemy writes RETURNING's columns
    without their table on SQLite, where a join of two tables with an ``id`` each is ambiguous.
    """
    rows = NoticeRecipient.__table__.c
    now = bindparam("now", type_=UTCDateTime())
    notice_id, child_id, parent_id = bindparam("notice"), bindparam("child"), bindparam("me")
    # The class of the caller's own row: NULL, so nothing matches, unless the notice reached this
    # parent for this child (checked in the same statement). Every row of a notice was written
    # at its sending, so all the child's rows carry that class, and the (notice, class, child)
    # index then finds exactly them.
    my_class = (
        select(rows.class_id)
        .where(rows.notice_id == notice_id, rows.parent_id == parent_id, rows.child_id == child_id)
        .scalar_subquery()
    )
    class_id = select(Child.class_id).where(Child.id == child_id).scalar_subquery()
    child_name = select(Child.name).where(Child.id == child_id).scalar_subquery()
    class_name = select(SchoolClass.name).where(SchoolClass.id == class_id).scalar_subquery()
    return (
        update(NoticeRecipient.__table__)
        .where(rows.notice_id == notice_id, rows.class_id == my_class, rows.child_id == child_id)
        .values(
            acknowledged_at=func.coalesce(rows.acknowledged_at, now),
            read_at=case(
                (rows.parent_id == parent_id, func.coalesce(rows.read_at, now)),
                else_=rows.read_at,
            ),
        )
        .returning(
            rows.parent_id,
            rows.read_at,
            rows.acknowledged_at,
            child_name.label("child_name"),
            class_name.label("class_name"),
        )
    )


def _acknowledge_and_read_statement() -> Select:
    """PostgreSQL only: the acknowledgment and the inbox's UPDATE as one statement (DML in
    WITH), the inbox read only when the acknowledgment found the caller's rows."""
    acked = _acknowledge_statement().cte("acked")
    inbox = (
        _inbox_read_statement()
        .where(select(acked.c.parent_id).exists())
        .returning(Notification.__table__.c.id)
        .cte("inbox")
    )
    return select(*acked.c).add_cte(inbox)


# Built once: parents acknowledge in waves of thousands, and building these expressions (and
# their cache keys) on every request cost more Python than running them.
_INBOX_READ = _inbox_read_statement()
_ACKNOWLEDGE = _acknowledge_statement()
_ACKNOWLEDGE_AND_READ = _acknowledge_and_read_statement()


def _mark_inbox_read(user_id: int, notice_id: int) -> None:
    """Opening or acknowledging a notice reads its inbox messages too, in one UPDATE."""
    db.session.execute(_INBOX_READ, {"owner": user_id, "notice": notice_id, "now": utcnow()})


def acknowledge(user_id: int, notice_id: int, child_id: int) -> dict[str, Any]:
    """Acknowledge for one child; a repeat is harmless and changes nothing.

    A child counts once: the acknowledgment goes onto every guardian's row of this child for
    the notice (the other guardian then sees it acknowledged and is not reminded), in one
    conditional UPDATE of the child's rows for the notice (the first time wins, later ones keep its
    time); the caller's own row also counts as read, and so do the notice's inbox messages.
    Parents acknowledge in waves of thousands, so on PostgreSQL this is one statement (both
    UPDATEs, returning the names the answer shows); elsewhere two. It takes the caller's id, not
    the ``User``: the recipient rows are the whole rule, and loading the user would be waste.
    """
    params = {"notice": notice_id, "child": child_id, "me": user_id, "owner": user_id}
    params["now"] = utcnow()
    connection = db.session.connection()  # Core statements: the ORM layer would only add cost
    together = connection.dialect.name == "postgresql"
    rows = connection.execute(_ACKNOWLEDGE_AND_READ if together else _ACKNOWLEDGE, params).all()
    if not rows:
        db.session.rollback()
        raise ApiError(404, "not_found", "This notice did not reach you for that child.")
    row = next(r for r in rows if r.parent_id == user_id)
    if not together:
        _mark_inbox_read(user_id, notice_id)
    db.session.commit()
    return child_status(child_id, row.child_name, row.class_name, row.read_at, row.acknowledged_at)


def my_notices(
    user: User, before_id: int | None = None, limit: int = 20
) -> tuple[list[tuple[Notice, list[NoticeRecipient]]], int | None]:
    """A page of the notices that reached the caller, newest first, with their per-child rows,
    and the id to continue before."""
    mine = select(NoticeRecipient.notice_id).where(NoticeRecipient.parent_id == user.id)
    if before_id:
        mine = mine.where(NoticeRecipient.notice_id < before_id)
    ids = list(
        db.session.scalars(
            mine.distinct().order_by(NoticeRecipient.notice_id.desc()).limit(limit + 1)
        )
    )
    next_before = ids[limit - 1] if len(ids) > limit else None
    ids = ids[:limit]
    rows = db.session.scalars(
        select(NoticeRecipient)
        .where(NoticeRecipient.parent_id == user.id, NoticeRecipient.notice_id.in_(ids))
        .order_by(NoticeRecipient.child_id)
    )
    grouped: dict[int, list[NoticeRecipient]] = {nid: [] for nid in ids}
    for row in rows:
        grouped[row.notice_id].append(row)
    notices = {
        n.id: n
        for n in db.session.scalars(select(Notice).where(Notice.id.in_(ids)).options(*NOTICE_LOADS))
    }
    return [(notices[nid], grouped[nid]) for nid in ids], next_before
