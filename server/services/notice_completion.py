"""Completion of a notice up the hierarchy (counts only), and a class's missing acknowledgments
(names: only for the class teacher and the school's own staff).

A child counts once. ``notice_recipients`` keeps one row per (parent, child) — who was reached,
who read — and a child is acknowledged when any of its guardians acknowledges: the acknowledgment
is written onto every row of that child for the notice at once (``notice_reading.acknowledge``).
So the counts here are of distinct children (reached, read by some guardian, acknowledged), the
class's pending list holds only unacknowledged children, and a reminder reaches only their
guardians; a parent still sees per child whether it is acknowledged, by them or the other guardian.
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
    Unit,
    User,
)
from server.models.people import APPROVED
from server.roles import RELATION_NAMES, SCHOOL_KINDS
from server.services.notify import enqueue_deliveries, notify


def _rates(counts: dict[str, int]) -> dict[str, Any]:
    """Counts with read and acknowledged rates (0..1, None when nobody was reached)."""
    reached = counts["reached"]
    return {
        **counts,
        "read_rate": round(counts["read"] / reached, 4) if reached else None,
        "ack_rate": round(counts["acknowledged"] / reached, 4) if reached else None,
    }


COUNT_KEYS = ("reached", "read", "acknowledged")


def _children_where(condition) -> Any:
    """Count distinct children whose row meets ``condition``."""
    return func.count(distinct(case((condition, NoticeRecipient.child_id))))


def _grouped(notice_id: int, path_prefix: str, column) -> dict[Any, dict[str, int]]:
    """Counts of distinct children below a unit grouped by ``column`` (a class id, or a school's
    path), in one query over the recipients, which carry their school's path. A child's rows all
    share its class and school, so the groups add up without counting a child twice."""
    rows = db.session.execute(
        select(
            column,
            func.count(distinct(NoticeRecipient.child_id)),
            _children_where(NoticeRecipient.read_at.is_not(None)),
            _children_where(NoticeRecipient.acknowledged_at.is_not(None)),
        )
        .where(
            NoticeRecipient.notice_id == notice_id,
            NoticeRecipient.unit_path.startswith(path_prefix),
        )
        .group_by(column)
    )
    return {key: dict(zip(COUNT_KEYS, counts, strict=True)) for key, *counts in rows}


def _sum(groups) -> dict[str, int]:
    """Add up count dicts."""
    groups = list(groups)  # read once per key: a generator would be spent after the first
    return {key: sum(group[key] for group in groups) for key in COUNT_KEYS}


def _unit_for(user: User, unit_id: int | None) -> Unit:
    """The unit asked for, or the caller's top unit, where they may see completion."""
    if unit_id is not None:
        return access.load_unit(user, unit_id, "notice.completion")
    tops = access.top_units(user, "notice.completion")
    if not tops:
        if access.top_units(user):
            raise access.forbidden("notice.completion")
        raise access.not_found()
    return tops[0]


def _completion_notice(user: User, notice_id: int, unit: Unit) -> Notice:
    """The notice, if it concerns the unit: issued on the unit's line (at, above or below it) and
    sent; a draft only for those who may write it. Anything else is not found, so a sibling
    learns neither a notice's existence nor its title."""
    notice = db.session.get(Notice, notice_id)
    if notice is None:
        raise access.not_found("notice")
    if notice.sent_at is None:
        if not access.may(user, "notice.write", notice.unit):
            raise access.not_found("notice")
    elif not (notice.unit.contains(unit) or unit.contains(notice.unit)):
        raise access.not_found("notice")
    return notice


def completion(user: User, notice_id: int, unit_id: int | None) -> dict[str, Any]:
    """A unit's totals and its breakdown: classes for a school, child units above that."""
    unit = _unit_for(user, unit_id)
    notice = _completion_notice(user, notice_id, unit)
    breakdown = []
    if unit.kind in SCHOOL_KINDS:
        per_class = _grouped(notice_id, unit.path, NoticeRecipient.class_id)
        totals = _sum(per_class.values())
        names = (
            dict(
                db.session.execute(
                    select(SchoolClass.id, SchoolClass.name).where(SchoolClass.id.in_(per_class))
                ).all()
            )
            if per_class
            else {}
        )
        for cid, counts in sorted(per_class.items(), key=lambda kv: names[kv[0]]):
            breakdown.append({"kind": "class", "id": cid, "name": names[cid], **_rates(counts)})
    else:
        per_school = _grouped(notice_id, unit.path, NoticeRecipient.unit_path)
        totals = _sum(per_school.values())
        children = db.session.scalars(select(Unit).where(Unit.parent_id == unit.id))
        for child in sorted(children, key=lambda u: u.name):
            sums = _sum(c for path, c in per_school.items() if path.startswith(child.path))
            breakdown.append({"kind": "unit", "id": child.id, "name": child.name, **_rates(sums)})
    return {
        "notice": {"id": notice.id, "title": notice.title},
        "unit": unit,
        "totals": _rates(totals),
        "breakdown": breakdown,
    }


def _require_class_staff(user: User, class_id: int) -> SchoolClass:
    """The class, if the user is its class teacher or staff of its school itself."""
    school_class = db.session.get(SchoolClass, class_id)
    if school_class is None:
        raise access.not_found("class")
    # Above the school, names are never shown: only the counts of the completion view.
    access.require(user, "notice.class_pending", school_class.school, class_id, what="class")
    return school_class


def notices_for_class(user: User, class_id: int) -> list[Notice]:
    """Sent notices that reached a class, newest first (class teacher and school staff)."""
    _require_class_staff(user, class_id)
    reached = select(NoticeRecipient.notice_id).where(NoticeRecipient.class_id == class_id)
    return list(
        db.session.scalars(
            select(Notice).where(Notice.id.in_(reached)).order_by(Notice.id.desc()).limit(100)
        )
    )


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
        "class_": school_class,
        "pending": list(children.values()),
        "parents": len({row[0].parent_id for row in rows}),
        "children": len(children),
        "reminded_today": reminded is not None,
    }


def remind(user: User, notice_id: int, class_id: int) -> int:
    """Remind the guardians of the class's children not yet acknowledged (by any guardian): at
    most once a day per class."""
    _require_class_staff(user, class_id)
    notice = db.session.get(Notice, notice_id)
    if notice is None or notice.sent_at is None:
        raise ApiError(404, "not_found", "No such sent notice.")
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
