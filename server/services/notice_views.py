"""Notices as their viewer sees them: the record, a short-lived link to its image, and for a
parent each child's read/acknowledged state. Lists load what they show per page, not per row."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import selectinload

from server.extensions import db
from server.models import Child, Notice, NoticeRecipient, SchoolClass
from server.services import content
from server.services.photos import display_url
from server.services.views import View

# What a notice shows besides its own columns, loaded for a whole list at once.
NOTICE_LOADS = (
    selectinload(Notice.unit),
    selectinload(Notice.targets),
    selectinload(Notice.attachment_photo),
)


def child_status(
    child_id: int,
    child_name: str,
    class_name: str,
    read_at: datetime | None,
    acknowledged_at: datetime | None,
) -> dict[str, Any]:
    """One child's state for a notice, as parents see it."""
    return {
        "child_id": child_id,
        "child_name": child_name,
        "class_name": class_name,
        "read": read_at is not None,
        "acknowledged": acknowledged_at is not None,
        "acknowledged_at": acknowledged_at,
    }


def _names(rows: Iterable[NoticeRecipient]) -> dict[int, tuple[str, str]]:
    """Child id -> (child's name, class name) for the rows, in one query."""
    child_ids = sorted({row.child_id for row in rows})
    if not child_ids:
        return {}
    found = db.session.execute(
        select(Child.id, Child.name, SchoolClass.name)
        .join(SchoolClass, Child.class_id == SchoolClass.id)
        .where(Child.id.in_(child_ids))
    )
    return {child_id: (child, klass) for child_id, child, klass in found}


def view(
    notice: Notice,
    rows: list[NoticeRecipient] | None = None,
    names: dict[int, tuple[str, str]] | None = None,
    held: bool | None = None,
) -> View:
    """The notice with its image link, whether the content check holds it, and for a parent
    (``rows``) each child's state."""
    rows = rows or []
    names = names if names is not None else _names(rows)
    photo = notice.attachment_photo
    if held is None:
        held = notice.sent_at is None and content.is_held("notice", notice.id)
    return View(
        notice,
        under_review=held,
        attachment_url=display_url(photo) if photo is not None else None,
        children=[
            child_status(
                row.child_id,
                *names.get(row.child_id, ("", "")),
                row.read_at,
                row.acknowledged_at,
            )
            for row in rows
        ],
    )


def views(notices: list[Notice]) -> list[View]:
    """Staff's list of notices (their unit, targets and image loaded for the list at once)."""
    if notices:
        ids = [n.id for n in notices]
        db.session.scalars(select(Notice).where(Notice.id.in_(ids)).options(*NOTICE_LOADS)).all()
    held = content.held_ids("notice", [n.id for n in notices if n.sent_at is None])
    return [view(notice, held=notice.id in held) for notice in notices]


def parent_views(found: list[tuple[Notice, list[NoticeRecipient]]]) -> list[View]:
    """A parent's page of notices with each child's state (names in one query)."""
    names = _names(row for _notice, rows in found for row in rows)
    return [view(notice, rows, names, held=False) for notice, rows in found]
