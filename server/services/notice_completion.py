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

from sqlalchemy import case, distinct, exists, func, select
from sqlalchemy.orm import selectinload

from server import access
from server.extensions import db
from server.models import (
    Notice,
    NoticeRecipient,
    SchoolClass,
    Unit,
    User,
)
from server.roles import SCHOOL_KINDS
from server.services.figures_sql import child_key


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


def _row(counts: dict[str, int]) -> dict[str, Any]:
    """A breakdown row's counts and rates, with the children reached under a second name and
    whether the notice reached anyone there at all (a targeted class where no parent is bound
    is 0 children, not reached: not a 0 % class)."""
    return {**_rates(counts), "children": counts["reached"], "reached_any": counts["reached"] > 0}


def _targeted_classes(notice: Notice, school: Unit) -> dict[int, str]:
    """The school's classes the notice targets (all of them when a unit target covers the
    school), id -> name, in two statements."""
    unit_ids = [t.unit_id for t in notice.targets if t.unit_id is not None]
    class_ids = [t.class_id for t in notice.targets if t.class_id is not None]
    covering = unit_ids and any(
        target.contains(school)
        for target in db.session.scalars(select(Unit).where(Unit.id.in_(unit_ids)))
    )
    query = select(SchoolClass.id, SchoolClass.name).where(SchoolClass.school_id == school.id)
    if not covering:
        if not class_ids:
            return {}
        query = query.where(SchoolClass.id.in_(class_ids))
    return dict(db.session.execute(query).all())


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
        # Every class the notice was meant for, reached or not: a class where no parent is
        # bound shows as not reached instead of vanishing from the list.
        names = _targeted_classes(notice, unit)
        missing = [cid for cid in per_class if cid not in names]
        if missing:
            names.update(
                db.session.execute(
                    select(SchoolClass.id, SchoolClass.name).where(SchoolClass.id.in_(missing))
                ).all()
            )
        empty = dict.fromkeys(COUNT_KEYS, 0)
        for cid in sorted(names, key=lambda cid: (names[cid], cid)):
            counts = per_class.get(cid, empty)
            breakdown.append({"kind": "class", "id": cid, "name": names[cid], **_row(counts)})
    else:
        per_school = _grouped(notice_id, unit.path, NoticeRecipient.unit_path)
        totals = _sum(per_school.values())
        children = db.session.scalars(select(Unit).where(Unit.parent_id == unit.id))
        for child in sorted(children, key=lambda u: u.name):
            sums = _sum(c for path, c in per_school.items() if path.startswith(child.path))
            breakdown.append({"kind": "unit", "id": child.id, "name": child.name, **_row(sums)})
    return {
        "notice": {"id": notice.id, "title": notice.title},
        "unit": unit,
        "totals": _rates(totals),
        "breakdown": breakdown,
    }


REACHING_LIMIT = 100


def reaching(user: User, unit_id: int | None) -> dict[str, Any]:
    """The sent notices that reached children at or below the unit (notice.completion there),
    newest first, each with the unit's counts of distinct children and the same per direct
    child unit, in one grouped statement (a child lies under one child unit, so they add up)."""
    unit = _unit_for(user, unit_id)
    reached = exists().where(
        NoticeRecipient.notice_id == Notice.id, NoticeRecipient.unit_path.startswith(unit.path)
    )
    notices = list(
        db.session.scalars(
            select(Notice)
            .where(Notice.sent_at.is_not(None), reached)
            .options(selectinload(Notice.unit))
            .order_by(Notice.sent_at.desc(), Notice.id.desc())
            .limit(REACHING_LIMIT)
        )
    )
    child = child_key(NoticeRecipient.unit_path, unit.path).label("child")
    rows = db.session.execute(
        select(
            NoticeRecipient.notice_id,
            child,
            func.count(distinct(NoticeRecipient.child_id)),
            _children_where(NoticeRecipient.read_at.is_not(None)),
            _children_where(NoticeRecipient.acknowledged_at.is_not(None)),
        )
        .where(
            NoticeRecipient.notice_id.in_([n.id for n in notices]),
            NoticeRecipient.unit_path.startswith(unit.path),
        )
        .group_by(NoticeRecipient.notice_id, child)
    ).all()
    grouped: dict[int, dict[str, dict[str, int]]] = {}
    for notice_id, key, *counts in rows:
        grouped.setdefault(notice_id, {})[key] = dict(zip(COUNT_KEYS, counts, strict=True))
    children = list(
        db.session.scalars(
            select(Unit).where(Unit.parent_id == unit.id).order_by(Unit.name, Unit.id)
        )
    )
    empty = dict.fromkeys(COUNT_KEYS, 0)
    return {
        "unit": unit,
        "children": children,
        "notices": [
            {
                "notice": notice,
                "totals": _rates(_sum(grouped.get(notice.id, {}).values())),
                "children": [
                    {"unit": c, **_rates(grouped.get(notice.id, {}).get(str(c.id), empty))}
                    for c in children
                ],
            }
            for notice in notices
        ],
    }
