"""Notices to parents: write, target, preview, send; parents read and acknowledge per child."""

from __future__ import annotations

from typing import Any

from sqlalchemy import insert, select, update
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
    ParentLink,
    Photo,
    SchoolClass,
    Unit,
    User,
    utcnow,
)
from server.models.people import APPROVED
from server.services import content
from server.services.notify import enqueue_deliveries, notify

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
    """Save a notice (not sent yet). Its text goes through WeChat's text check first (risky:
    422, nothing saved; review or WeChat unreachable: saved but held), its image through the
    media check (held until the verdict): a held notice is not sent."""
    issuer = access.load_unit(user, data["unit_id"], "notice.write")
    notice = Notice(
        author_id=user.id, unit_id=issuer.id, title=data["title"].strip(), body=data["body"].strip()
    )
    if data.get("attachment_photo_id"):
        notice.attachment_photo = _own_attachment(user, data["attachment_photo_id"])
    notice.targets = _resolve_targets(issuer, data.get("unit_ids", []), data.get("class_ids", []))
    text = f"{notice.title}\n{notice.body}"
    verdict = content.check_text(user, "body", text)
    db.session.add(notice)
    media = []
    try:
        db.session.flush()
        content.hold_text(user, issuer, "notice", notice.id, "text", text, verdict)
        if notice.attachment_photo is not None:
            media.append(
                content.hold_photo(
                    user, issuer, "notice", notice.id, "attachment", notice.attachment_photo
                )
            )
        db.session.commit()
    except IntegrityError as exc:
        # The photo was swept between the check and the insert (an upload over a day old).
        db.session.rollback()
        raise _unknown_attachment() from exc
    content.start_media_checks([check.id for check in media])
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
    """(parent, child, class, school path) for every approved binding to a pupil of a targeted
    class: a binding still waiting for the class teacher (or rejected) reaches nobody."""
    class_ids = _target_classes(notice)
    for start in range(0, len(class_ids), BATCH):
        chunk = class_ids[start : start + BATCH]
        yield from db.session.execute(
            select(ParentLink.parent_id, Child.id, Child.class_id, Unit.path)
            .join(Child, ParentLink.child_id == Child.id)
            .join(SchoolClass, Child.class_id == SchoolClass.id)
            .join(Unit, SchoolClass.school_id == Unit.id)
            .where(
                Child.class_id.in_(chunk),
                Child.removed_at.is_(None),
                ParentLink.status == APPROVED,
            )
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
    content.forget("notice", notice.id)
    db.session.delete(notice)
    db.session.commit()


def preview(user: User, notice_id: int) -> dict[str, int]:
    """How many parents, children and classes the notice would reach (approved bindings only;
    ``pairs`` counts parent-child bindings, so a child with two guardians is one child)."""
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
    all in one transaction; pushes are then handed to the worker. A notice held by the content
    check is not sent: the request is remembered and it goes out when released (409
    ``content_held``)."""
    notice = get_authored(user, notice_id)
    if notice.sent_at is not None:
        raise ApiError(409, "already_sent", "This notice has already been sent.")
    if content.is_held("notice", notice.id):
        content.send_on_release("notice", notice.id)
        db.session.commit()
        raise ApiError(
            409,
            "content_held",
            "This notice is held by the content check; it will be sent once released.",
        )
    deliveries, count = _deliver(notice)
    if count == 0:
        raise ApiError(422, "no_recipients", "No parent is bound in the targeted classes yet.")
    db.session.commit()
    enqueue_deliveries(deliveries)
    return notice, count


def send_when_released(notice_id: int) -> list[int]:
    """A held notice's last hold went: send it if its writer asked to, in the caller's
    transaction; returns the deliveries to enqueue after the commit."""
    notice = db.session.get(Notice, notice_id)
    if notice is None or notice.sent_at is not None:
        return []
    if not content.send_requested("notice", notice_id):
        return []
    deliveries, _count = _deliver(notice)
    return deliveries


def _deliver(notice: Notice) -> tuple[list[int], int]:
    """Find the recipients, claim the notice as sent (one conditional UPDATE: two clicks cannot
    send it twice) and write its recipients, inbox messages and pushes; without recipients
    nothing is written and (``[]``, 0) comes back."""
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
        return [], 0
    claimed = db.session.execute(
        update(Notice)
        .where(Notice.id == notice.id, Notice.sent_at.is_(None))
        .values(sent_at=utcnow())
    )
    if claimed.rowcount != 1:
        db.session.rollback()
        raise ApiError(409, "already_sent", "This notice has already been sent.")
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
    return deliveries, len(rows)
