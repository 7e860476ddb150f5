"""What the caller must do now (the phone's 待办): hazards waiting for them, by the step they
owe; for parents, notices a child of theirs has not yet acknowledged; and the patrol rounds
due now (open slots of today whose window has opened or opens within the hour).

Who owes which step is not decided here: each group is the lifecycle's own rule as SQL
(``hazard_lifecycle.takeable_where``), so the list never offers what ``allowed_actions`` would
refuse. The whole answer is a fixed number of statements, however many hazards wait.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from sqlalchemy import String, case, func, literal, select, union_all
from sqlalchemy.orm import selectinload

from server.extensions import db
from server.models import Hazard, Notice, NoticeRecipient, User, utcnow
from server.services import hazard_views, patrol_today
from server.services.hazard_queries import LIST_LOADS
from server.services.todo_groups import GROUPS, base_clauses, group_clauses

HAZARD_ITEMS = 5
NOTICE_ITEMS = 20


def _order(group: str):
    """Overdue: the longest overdue first; the rest: major first, then the newest."""
    if group == "overdue":
        return (Hazard.deadline.asc(), Hazard.id.asc())
    return (case((Hazard.severity == "major", 0), else_=1), Hazard.id.desc())


def _sort_key(group: str):
    """The same order in Python, for the rows loaded together."""
    if group == "overdue":
        return lambda h: (h.deadline, h.id)
    return lambda h: (0 if h.severity == "major" else 1, -h.id)


def hazards(user: User, today: date) -> dict[str, dict[str, Any]]:
    """Each group's count and its first five hazards, as lists show them."""
    if not user.grants:  # parents: no hazard is ever theirs to handle, and no query is run
        return {name: {"count": 0, "items": []} for name in GROUPS}
    # The counts read only the open hazards in scope, not the whole table.
    base = base_clauses(user)
    groups = group_clauses(user, today)
    counts = db.session.execute(
        select(
            *(
                func.coalesce(func.sum(case((groups[name], 1), else_=0)), 0).label(name)
                for name in GROUPS
            )
        ).where(*base)
    ).one()
    firsts = union_all(
        *(
            select(sub.c.id, sub.c.group)
            for name in GROUPS
            for sub in [
                select(Hazard.id, literal(name, String).label("group"))
                .where(groups[name])
                .order_by(*_order(name))
                .limit(HAZARD_ITEMS)
                .subquery()
            ]
        )
    )
    picked = db.session.execute(firsts).all()
    ids = sorted({hazard_id for hazard_id, _group in picked})
    loaded = {
        h.id: h
        for h in db.session.scalars(select(Hazard).where(Hazard.id.in_(ids)).options(*LIST_LOADS))
    }
    views = {v.id: v for v in hazard_views.summaries(list(loaded.values()), today, user)}
    result = {}
    for name in GROUPS:
        rows = sorted((loaded[hid] for hid, group in picked if group == name), key=_sort_key(name))
        result[name] = {"count": getattr(counts, name), "items": [views[h.id] for h in rows]}
    return result


def notices(user: User) -> dict[str, Any]:
    """Notices that reached the caller with a child of theirs no guardian has acknowledged yet
    (a child counts once: the first acknowledgment is written onto every guardian's row, so an
    unacknowledged row of the caller's is a child still owed), newest first."""
    mine = (
        select(
            NoticeRecipient.notice_id,
            func.count(func.distinct(NoticeRecipient.child_id)).label("pending"),
        )
        .where(NoticeRecipient.parent_id == user.id, NoticeRecipient.acknowledged_at.is_(None))
        .group_by(NoticeRecipient.notice_id)
        .subquery()
    )
    count = db.session.scalar(select(func.count()).select_from(mine))
    if not count:
        return {"count": 0, "items": []}
    rows = db.session.execute(
        select(Notice, mine.c.pending)
        .join(mine, mine.c.notice_id == Notice.id)
        .options(selectinload(Notice.unit))
        .order_by(Notice.sent_at.desc(), Notice.id.desc())
        .limit(NOTICE_ITEMS)
    ).all()
    items = [
        {
            "id": notice.id,
            "title": notice.title,
            "sent_at": notice.sent_at,
            "unit": notice.unit,
            "children_pending": pending,
        }
        for notice, pending in rows
    ]
    return {"count": count, "items": items}


def todo(user: User, today: date, now: datetime | None = None) -> dict[str, Any]:
    """Everything the caller must do now, with the total of all counts."""
    found = {
        "hazards": hazards(user, today),
        "notices": notices(user),
        "patrols": patrol_today.todo_group(user, now or utcnow()),
    }
    total = sum(group["count"] for group in found["hazards"].values())
    found["total"] = total + found["notices"]["count"] + found["patrols"]["count"]
    return found
