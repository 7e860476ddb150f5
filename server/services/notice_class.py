"""A class's notices and its missing acknowledgments, for its class teacher and the school's own
staff (names stay at the school: above it only the counts of ``notice_completion`` are shown).

A child counts once (see ``notice_completion``): the class's figures are of distinct children,
its pending list holds only children no guardian has acknowledged, and a reminder reaches only
their guardians.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import case, distinct, func, select
from sqlalchemy.exc import IntegrityError

from server import access
from server.clock import local_time, local_today
from server.errors import ApiError
from server.extensions import db
from server.models import (
    Child,
    ClassReminder,
    Notice,
    NoticeRecipient,
    ParentLink,
    SchoolClass,
    User,
)
from server.models.people import APPROVED
from server.roles import RELATION_NAMES
from server.services import notice_views
from server.services.notify import enqueue_deliveries, notify
from server.services.views import View


def _require_class_staff(user: User, class_id: int) -> SchoolClass:
    """The class, if the user is its class teacher or staff of its school itself."""
    school_class = db.session.get(SchoolClass, class_id)
    if school_class is None:
        raise access.not_found("class")
    # Above the school, names are never shown: only the counts of the completion view.
    access.require(user, "notice.class_pending", school_class.school, class_id, what="class")
    return school_class


def notices_for_class(user: User, class_id: int) -> list[View]:
    """Sent notices that reached a class, newest first (class teacher and school staff), each
    with this class's figures: its children reached and those acknowledged (by any guardian)."""
    _require_class_staff(user, class_id)
    reached = select(NoticeRecipient.notice_id).where(NoticeRecipient.class_id == class_id)
    notices = list(
        db.session.scalars(
            select(Notice).where(Notice.id.in_(reached)).order_by(Notice.id.desc()).limit(100)
        )
    )
    figures = _class_figures([n.id for n in notices], class_id)
    views = []
    for shown in notice_views.views(notices):
        children, acknowledged = figures.get(shown.id, (0, 0))
        views.append(View(shown, class_children=children, class_acknowledged=acknowledged))
    return views


def _class_figures(notice_ids: list[int], class_id: int) -> dict[int, tuple[int, int]]:
    """Per notice, the class's distinct children reached and acknowledged, in one query (an
    acknowledged child's rows all carry the acknowledgment, so a child counts once)."""
    if not notice_ids:
        return {}
    acknowledged = case((NoticeRecipient.acknowledged_at.is_not(None), NoticeRecipient.child_id))
    rows = db.session.execute(
        select(
            NoticeRecipient.notice_id,
            func.count(distinct(NoticeRecipient.child_id)),
            func.count(distinct(acknowledged)),
        )
        .where(NoticeRecipient.notice_id.in_(notice_ids), NoticeRecipient.class_id == class_id)
        .group_by(NoticeRecipient.notice_id)
    )
    return {notice_id: (children, done) for notice_id, children, done in rows}


def _class_notice(notice_id: int, school_class: SchoolClass) -> Notice:
    """A sent notice issued at or above the class's school (its staff may know its title);
    anything else is not found, so no title of a sibling's notice is learnt here."""
    notice = db.session.get(Notice, notice_id)
    if notice is None or notice.sent_at is None or not notice.unit.contains(school_class.school):
        raise access.not_found("notice")
    return notice


def _reminder_on(notice_id: int, class_id: int, day) -> ClassReminder | None:
    """The class's reminder for the notice on ``day``, if one was sent."""
    query = select(ClassReminder).where(
        ClassReminder.notice_id == notice_id,
        ClassReminder.class_id == class_id,
        ClassReminder.sent_on == day,
    )
    return db.session.scalars(query).first()


def _pending_rows(notice_id: int, class_id: int):
    """(recipient, child, link, guardian's name) for the guardians (still bound, and approved:
    one who unbound and asked again is waiting) of the class's children not yet acknowledged by
    anyone: an acknowledged child's rows all carry the acknowledgment."""
    return db.session.execute(
        select(NoticeRecipient, Child, ParentLink, User.display_name)
        .join(Child, NoticeRecipient.child_id == Child.id)
        .join(User, User.id == NoticeRecipient.parent_id)
        .join(
            ParentLink,
            (ParentLink.child_id == Child.id)
            & (ParentLink.parent_id == NoticeRecipient.parent_id)
            & (ParentLink.status == APPROVED),
        )
        .where(
            NoticeRecipient.notice_id == notice_id,
            NoticeRecipient.class_id == class_id,
            NoticeRecipient.acknowledged_at.is_(None),
        )
        .order_by(Child.name, NoticeRecipient.id)
    ).all()


def pending(user: User, notice_id: int, class_id: int) -> dict[str, Any]:
    """The class's children not yet acknowledged, one entry each with its guardians (a child
    counts once, whichever guardian acknowledges), and whether a reminder went out today."""
    school_class = _require_class_staff(user, class_id)
    notice = _class_notice(notice_id, school_class)
    rows = _pending_rows(notice_id, class_id)
    reminded = _reminder_on(notice_id, class_id, local_today())
    children: dict[int, dict[str, Any]] = {}
    for rec, child, link, parent_name in rows:
        entry = children.setdefault(
            child.id, {"child_name": child.name, "read": False, "guardians": []}
        )
        entry["read"] = entry["read"] or rec.read_at is not None
        entry["guardians"].append(
            {
                "relation": link.relation,
                "relation_name": RELATION_NAMES[link.relation],
                "parent_name": parent_name,
                "read": rec.read_at is not None,
            }
        )
    return {
        "notice": notice,
        "class_": school_class,
        "pending": list(children.values()),
        "parents": len({row[0].parent_id for row in rows}),
        "children": len(children),
        "reminded_today": reminded is not None,
    }


def remind(user: User, notice_id: int, class_id: int) -> int:
    """Remind the guardians of the class's children not yet acknowledged (by any guardian): at
    most once a day per class."""
    school_class = _require_class_staff(user, class_id)
    notice = _class_notice(notice_id, school_class)
    today = local_today()
    done = _reminder_on(notice_id, class_id, today)
    if done is not None:
        raise ApiError(409, "already_reminded_today", "This class was already reminded today.")
    parents = {row[0].parent_id for row in _pending_rows(notice_id, class_id)}
    # Claim the day's reminder before writing any message: the unique constraint on
    # (notice, class, day) decides between two taps at once. On PostgreSQL the second insert
    # waits here for the first transaction and then fails, so only one set of inbox messages
    # and deliveries is ever written.
    db.session.add(
        ClassReminder(
            notice_id=notice_id,
            class_id=class_id,
            sent_by_id=user.id,
            sent_on=today,
            recipients=len(parents),
        )
    )
    try:
        db.session.flush()
    except IntegrityError as exc:
        db.session.rollback()
        raise ApiError(
            409, "already_reminded_today", "This class was already reminded today."
        ) from exc
    deliveries = notify(
        parents,
        kind="notice_reminder",
        title=f"请确认:{notice.title}",
        body="您还没有确认这份通知,请阅读后点击“确认已阅”。",
        template_key="reminder",
        values={
            "title": notice.title,
            "hint": "请阅读并确认",
            "notice_id": notice.id,
            "sent_at": local_time(notice.sent_at),
        },
        data={"notice_id": notice.id},
    )
    db.session.commit()
    enqueue_deliveries(deliveries)
    return len(parents)
