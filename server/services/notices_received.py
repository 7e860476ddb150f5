"""Notices from above, as the staff of each unit they reached see them (read-only): a centre
school follows up the bureau's letter with its own unit's completion.

A notice counts as received by a unit when it was sent from a unit strictly above it and reached
parents there (its recipients carry their school's path, so "reached" is one prefix match).
Notices issued at or below one's own unit are in the issued list instead. Completion counts are
shown to those who may see completion at the unit (``notice.completion``); others see the notice.
"""

from __future__ import annotations

from sqlalchemy import exists, func, select

from server import access
from server.extensions import db
from server.models import Notice, NoticeRecipient, Unit, User
from server.services import notice_views
from server.services.notice_completion import COUNT_KEYS, _rates
from server.services.views import View

LIMIT = 100


def _units(user: User) -> list[Unit]:
    """The caller's highest units (where they see or follow up notices)."""
    tops = access.top_units(user, access.VIEW) + access.top_units(user, "notice.completion")
    units = {unit.id: unit for unit in tops}
    return sorted(units.values(), key=lambda u: (len(u.path), u.name))


def _reached(unit: Unit) -> list[Notice]:
    """Sent notices issued strictly above ``unit`` that reached parents at or below it."""
    above = unit.ancestor_ids()
    if not above:
        return []
    reached = exists().where(
        NoticeRecipient.notice_id == Notice.id,
        NoticeRecipient.unit_path.startswith(unit.path),
    )
    query = (
        select(Notice)
        .where(Notice.unit_id.in_(above), Notice.sent_at.is_not(None), reached)
        .order_by(Notice.id.desc())
        .limit(LIMIT)
    )
    return list(db.session.scalars(query))


def _totals(notice_ids: list[int], unit: Unit) -> dict[int, dict]:
    """Each notice's reached / read / acknowledged counts at or below ``unit``, in one query."""
    if not notice_ids:
        return {}
    rows = db.session.execute(
        select(
            NoticeRecipient.notice_id,
            func.count(),
            func.count(NoticeRecipient.read_at),
            func.count(NoticeRecipient.acknowledged_at),
        )
        .where(
            NoticeRecipient.notice_id.in_(notice_ids),
            NoticeRecipient.unit_path.startswith(unit.path),
        )
        .group_by(NoticeRecipient.notice_id)
    )
    return {nid: _rates(dict(zip(COUNT_KEYS, counts, strict=True))) for nid, *counts in rows}


def received_notices(user: User) -> list[View]:
    """Notices from above that reached the caller's units, newest first, each with the unit it
    reached and, for those who may see completion there, that unit's counts."""
    found: list[View] = []
    for unit in _units(user):
        notices = _reached(unit)
        counts_allowed = access.may(user, "notice.completion", unit)
        totals = _totals([n.id for n in notices], unit) if counts_allowed else {}
        for shown in notice_views.views(notices):
            found.append(
                View(
                    shown,
                    own_unit=unit,
                    completion_unit_id=unit.id if counts_allowed else None,
                    totals=totals.get(shown.id),
                )
            )
    found.sort(key=lambda v: v.id, reverse=True)
    return found[:LIMIT]
