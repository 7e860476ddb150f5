"""What the caller must do now (the phone's 待办): hazards waiting for them, by the step they
owe, and, for parents, notices a child of theirs has not yet acknowledged.

Who owes which step is not decided here: each group is the lifecycle's own rule as SQL
(``hazard_lifecycle.takeable_where``), so the list never offers what ``allowed_actions`` would
refuse. The whole answer is a fixed number of statements, however many hazards wait.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from sqlalchemy import String, and_, case, func, literal, or_, select, union_all
from sqlalchemy.orm import selectinload

from server import access
from server.extensions import db
from server.models import Hazard, Notice, NoticeRecipient, User
from server.models.hazards import OPEN_STATUSES, RECTIFYING, REPORTED
from server.services import hazard_views
from server.services.escalation import OVERDUE_STATUSES
from server.services.hazard_access import scope_filter
from server.services.hazard_lifecycle import takeable_where
from server.services.hazard_queries import LIST_LOADS

HAZARD_ITEMS = 5
NOTICE_ITEMS = 20
GROUPS = ("overdue", "verify", "fix", "plan", "classify")


def _hazard_groups(user: User, today: date) -> dict[str, Any]:
    """Each group's WHERE clause for this user."""
    # Past the deadline and still being worked on, where the user answers for it: those who
    # plan there and those told of escalations there (the same rule as ``is_overdue``).
    answerable = or_(
        Hazard.school_id.in_(access.unit_ids_where(user, "hazard.plan")),
        Hazard.school_id.in_(access.unit_ids_where(user, "hazard.escalation")),
    )
    overdue = and_(
        Hazard.deadline < today,
        Hazard.status.in_(OVERDUE_STATUSES),
        Hazard.duplicate_of_id.is_(None),
        answerable,
    )
    # The plan names the user (start, then submit the fix), or a fix they submitted was
    # rejected back to them (it is rectifying again, and they may submit it again).
    rejected_back = and_(
        takeable_where(user, "fix"),
        Hazard.status == RECTIFYING,
        Hazard.fix_submitted_by_id == user.id,
    )
    fix = or_(
        takeable_where(user, "start", by_role=False),
        takeable_where(user, "fix", by_role=False),
        rejected_back,
    )
    return {
        "overdue": overdue,
        "verify": takeable_where(user, "verify"),
        "fix": fix,
        # Reported and filed under a focus problem: a plan is due (a planned hazard's plan may
        # be revised, but nobody owes that).
        "plan": and_(takeable_where(user, "plan"), Hazard.status == REPORTED),
        # Reported without one (不确定): it must be classified before it can be planned.
        "classify": and_(
            takeable_where(user, "classify"),
            Hazard.status == REPORTED,
            Hazard.focus_problem_id.is_(None),
        ),
    }


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
    # Every group lies within these: open, not folded, in the caller's scope (each group's
    # capability or the plan naming the caller implies seeing the school's hazards). Said once
    # more here so the counts read only the open hazards in scope, not the whole table.
    base = (
        scope_filter(user),
        Hazard.status.in_(OPEN_STATUSES),
        Hazard.duplicate_of_id.is_(None),
    )
    groups = {name: and_(*base, where) for name, where in _hazard_groups(user, today).items()}
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


def todo(user: User, today: date) -> dict[str, Any]:
    """Everything the caller must do now, with the total of all counts."""
    found = {"hazards": hazards(user, today), "notices": notices(user)}
    total = sum(group["count"] for group in found["hazards"].values())
    found["total"] = total + found["notices"]["count"]
    return found
