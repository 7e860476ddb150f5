"""Notices to parents: write, target, preview, send; parents read and acknowledge per child."""

from __future__ import annotations

from typing import Any

from sqlalchemy import func, insert, literal, select, update
from sqlalchemy.exc import IntegrityError

from server import access
from server.clock import local_time
from server.errors import ApiError
from server.extensions import db
from server.models import (
    Child,
    Notice,
    NoticeRecipient,
    NoticeTarget,
    Notification,
    ParentLink,
    Photo,
    SchoolClass,
    Unit,
    User,
    utcnow,
)
from server.models.types import UTCDateTime
from server.services.notify import enqueue_deliveries, notify
from server.services.photos import display_url

BATCH = 1000


def _resolve_targets(issuer: Unit, unit_ids: list[int], class_ids: list[int]) -> list[NoticeTarget]:
    """Targets within the issuing unit's tree; anything else is refused by id."""
    targets = []
    bad: dict[str, list[str]] = {}
    for unit_id in unit_ids:
        unit = db.session.get(Unit, unit_id)
        if unit is None or not issuer.contains(unit):
            bad.setdefault("unit_ids", []).append(f"{unit_id} is not within {issuer.name}")
        else:
            targets.append(NoticeTarget(unit_id=unit_id))
    for class_id in class_ids:
        school_class = db.session.get(SchoolClass, class_id)
        if school_class is None or not issuer.contains(school_class.school):
            bad.setdefault("class_ids", []).append(f"{class_id} is not within {issuer.name}")
        else:
            targets.append(NoticeTarget(class_id=class_id))
    if bad:
        raise ApiError(422, "validation_error", "Some targets are outside your unit.", bad)
    if not targets:
        raise ApiError(
            422,
            "validation_error",
            "Choose at least one unit or class.",
            {"unit_ids": ["At least one target is required."]},
        )
    return targets


def create_notice(user: User, data: dict[str, Any]) -> Notice:
    """Save a notice (not sent yet)."""
    issuer = access.load_unit(user, data["unit_id"], "notice.write")
    notice = Notice(
        author_id=user.id, unit_id=issuer.id, title=data["title"].strip(), body=data["body"].strip()
    )
    if data.get("attachment_photo_id"):
        notice.attachment_photo = _own_attachment(user, data["attachment_photo_id"])
    notice.targets = _resolve_targets(issuer, data.get("unit_ids", []), data.get("class_ids", []))
    db.session.add(notice)
    try:
        db.session.commit()
    except IntegrityError as exc:
        # The photo was swept between the check and the insert (an upload over a day old).
        db.session.rollback()
        raise _unknown_attachment() from exc
    return notice


def _own_attachment(user: User, photo_id: int) -> Photo:
    """The user's own uploaded photo to attach; 422 otherwise."""
    photo = db.session.get(Photo, photo_id)
    if photo is None or photo.uploader_id != user.id:
        raise _unknown_attachment()
    return photo


def _unknown_attachment() -> ApiError:
    """The error for an attachment that is not (or no longer) the writer's upload."""
    return ApiError(
        422,
        "validation_error",
        "Unknown attachment.",
        {"attachment_photo_id": ["Upload the attachment first."]},
    )


def attachment_url(notice: Notice) -> str | None:
    """A short-lived URL of the notice's image (callers checked the viewer may see the notice)."""
    if notice.attachment_photo is None:
        return None
    return display_url(notice.attachment_photo)


def _target_classes(notice: Notice) -> list[int]:
    """Every class the notice reaches: its classes, and the classes below its units."""
    class_ids = {t.class_id for t in notice.targets if t.class_id}
    unit_paths = [db.session.get(Unit, t.unit_id).path for t in notice.targets if t.unit_id]
    if unit_paths:
        below = access.unit_ids_below(unit_paths)
        class_ids.update(
            db.session.scalars(select(SchoolClass.id).where(SchoolClass.school_id.in_(below)))
        )
    return sorted(class_ids)


def _pairs(notice: Notice):
    """(parent, child, class, school path) for every bound parent of a targeted class."""
    class_ids = _target_classes(notice)
    for start in range(0, len(class_ids), BATCH):
        chunk = class_ids[start : start + BATCH]
        yield from db.session.execute(
            select(ParentLink.parent_id, Child.id, Child.class_id, Unit.path)
            .join(Child, ParentLink.child_id == Child.id)
            .join(SchoolClass, Child.class_id == SchoolClass.id)
            .join(Unit, SchoolClass.school_id == Unit.id)
            .where(Child.class_id.in_(chunk))
        )


def get_authored(user: User, notice_id: int) -> Notice:
    """A notice issued from a unit the user writes for (404 otherwise)."""
    return access.load(user, Notice, notice_id, "notice.write", lambda n: n.unit, "notice")


def issued_notices(user: User, limit: int = 100) -> list[Notice]:
    """Notices issued from the units the user writes for and below, newest first."""
    units = access.unit_ids_where(user, "notice.write")
    query = select(Notice).where(Notice.unit_id.in_(units)).order_by(Notice.id.desc())
    return list(db.session.scalars(query.limit(limit)))


def delete_draft(user: User, notice_id: int) -> None:
    """Delete a notice that was never sent (a sent one is part of the record)."""
    notice = get_authored(user, notice_id)
    if notice.sent_at is not None:
        raise ApiError(409, "already_sent", "A sent notice cannot be deleted.")
    db.session.delete(notice)
    db.session.commit()


def preview(user: User, notice_id: int) -> dict[str, int]:
    """How many parents, children and classes the notice would reach."""
    notice = get_authored(user, notice_id)
    pairs = list(_pairs(notice))
    return {
        "parents": len({p[0] for p in pairs}),
        "children": len({p[1] for p in pairs}),
        "classes": len({p[2] for p in pairs}),
        "pairs": len(pairs),
    }


def send_notice(user: User, notice_id: int) -> tuple[Notice, int]:
    """Send once: a recipient row per parent and child, an inbox message and a push per parent,
    all in one transaction; pushes are then handed to the worker."""
    notice = get_authored(user, notice_id)
    if notice.sent_at is not None:
        raise ApiError(409, "already_sent", "This notice has already been sent.")
    # Mark it sent first, conditionally, so two clicks cannot send it twice.
    claimed = db.session.execute(
        update(Notice)
        .where(Notice.id == notice.id, Notice.sent_at.is_(None))
        .values(sent_at=utcnow())
    )
    if claimed.rowcount != 1:
        db.session.rollback()
        raise ApiError(409, "already_sent", "This notice has already been sent.")
    rows = [
        {
            "notice_id": notice.id,
            "parent_id": parent,
            "child_id": child,
            "class_id": class_id,
            "unit_path": path,
        }
        for parent, child, class_id, path in _pairs(notice)
    ]
    if not rows:
        db.session.rollback()
        raise ApiError(422, "no_recipients", "No parent is bound in the targeted classes yet.")
    for start in range(0, len(rows), BATCH):
        db.session.execute(insert(NoticeRecipient), rows[start : start + BATCH])
    db.session.refresh(notice)
    deliveries = notify(
        {row["parent_id"] for row in rows},
        kind="notice",
        title=notice.title,
        body=notice.body[:200],
        template_key="notice",
        values={
            "title": notice.title,
            "sender": notice.unit.name,
            "sent_at": local_time(notice.sent_at),
            "hint": "请阅读并确认",
            "notice_id": notice.id,
        },
        data={"notice_id": notice.id},
    )
    db.session.commit()
    enqueue_deliveries(deliveries)
    return notice, len(rows)


def _my_rows(user: User, notice_id: int) -> list[NoticeRecipient]:
    """The caller's recipient rows of a notice (one per child); 404 when it did not reach them."""
    rows = list(
        db.session.scalars(
            select(NoticeRecipient).where(
                NoticeRecipient.notice_id == notice_id, NoticeRecipient.parent_id == user.id
            )
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
    _mark_inbox_read(user, notice_id)
    db.session.commit()
    return db.session.get(Notice, notice_id), rows


def _mark_inbox_read(user: User, notice_id: int) -> None:
    """Opening a notice reads its inbox messages too (the notice and any reminders)."""
    unread = db.session.scalars(
        select(Notification).where(
            Notification.user_id == user.id,
            Notification.read_at.is_(None),
            Notification.kind.in_(("notice", "notice_reminder")),
        )
    )
    for message in unread:
        if message.data.get("notice_id") == notice_id:
            message.read_at = utcnow()


def acknowledge(user: User, notice_id: int, child_id: int) -> dict[str, Any]:
    """Acknowledge for one child; a repeat is harmless and changes nothing.

    One conditional UPDATE does it (the first time wins, later ones keep its time): parents
    acknowledge in waves of thousands, so this path is kept to a few statements.
    """
    now = literal(utcnow(), UTCDateTime())
    row = db.session.execute(
        update(NoticeRecipient)
        .where(
            NoticeRecipient.notice_id == notice_id,
            NoticeRecipient.parent_id == user.id,
            NoticeRecipient.child_id == child_id,
        )
        .values(
            acknowledged_at=func.coalesce(NoticeRecipient.acknowledged_at, now),
            read_at=func.coalesce(NoticeRecipient.read_at, now),
        )
        .returning(
            NoticeRecipient.class_id, NoticeRecipient.read_at, NoticeRecipient.acknowledged_at
        )
    ).first()
    if row is None:
        db.session.rollback()
        raise ApiError(404, "not_found", "This notice did not reach you for that child.")
    child_name, class_name = db.session.execute(
        select(Child.name, SchoolClass.name)
        .join(SchoolClass, Child.class_id == SchoolClass.id)
        .where(Child.id == child_id)
    ).one()
    _mark_inbox_read(user, notice_id)
    db.session.commit()
    return child_status(child_id, child_name, class_name, row.read_at, row.acknowledged_at)


def child_status(child_id, child_name, class_name, read_at, acknowledged_at) -> dict[str, Any]:
    """One child's state for a notice, as parents see it."""
    return {
        "child_id": child_id,
        "child_name": child_name,
        "class_name": class_name,
        "read": read_at is not None,
        "acknowledged": acknowledged_at is not None,
        "acknowledged_at": acknowledged_at,
    }


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
        .order_by(NoticeRecipient.id)
    )
    grouped: dict[int, list[NoticeRecipient]] = {nid: [] for nid in ids}
    for row in rows:
        grouped[row.notice_id].append(row)
    return [(db.session.get(Notice, nid), grouped[nid]) for nid in ids], next_before
