"""Patrol compliance per checkpoint, person or school of a unit's subtree over a period of days.

- due: slots of the period whose window has closed, or that are done (early or in time);
- done_on_time: slots done (status ``done``); done_late: slots done after their window (``late``);
- missed: slots marked missed, and open slots whose window has closed (the minute job marks them
  missed shortly; the figures do not wait for it);
- late_submissions: patrols of those slots received more than ``LATE_SUBMISSION_AFTER`` after
  they were scanned (a round done offline in time and sent later: not a late patrol);
- rate: on time / due, null when nothing was due.

A person's slot is the patrol's author's when it was done, else the plan's named person; slots
of a plan for a role that nobody did are grouped under the role. Two statements whatever the
number of slots: the grouped figures, and the names of the keys.
"""

from __future__ import annotations

from datetime import date, datetime, timedelta
from typing import Any

from sqlalchemy import and_, case, func, null, or_, select

from server import access
from server.extensions import db
from server.models import Unit, User
from server.models.patrols import (
    SLOT_DONE,
    SLOT_LATE,
    SLOT_MISSED,
    SLOT_OPEN,
    Checkpoint,
    Patrol,
    PatrolPlan,
    PatrolSlot,
)
from server.roles import ROLES

# A patrol received this long after its scan was sent late (queued offline on the phone).
LATE_SUBMISSION_AFTER = timedelta(minutes=30)
FIGURES = ("due", "done_on_time", "done_late", "missed", "late_submissions")


def _late_submission(dialect: str):
    """SQL for "received more than LATE_SUBMISSION_AFTER after scanned" on either database
    (SQLite keeps instants as text: julianday measures them in days)."""
    if dialect == "sqlite":
        days = LATE_SUBMISSION_AFTER.total_seconds() / 86400
        return func.julianday(Patrol.received_at) - func.julianday(Patrol.scanned_at) > days
    return Patrol.received_at - Patrol.scanned_at > LATE_SUBMISSION_AFTER


def _count(condition) -> Any:
    """SUM(CASE WHEN condition THEN 1 ELSE 0 END), zero for no rows."""
    return func.coalesce(func.sum(case((condition, 1), else_=0)), 0)


def _keys(by: str):
    """The grouping columns: the key's id, and (for person) the role of unclaimed slots."""
    if by == "checkpoint":
        return PatrolSlot.checkpoint_id, None
    if by == "school":
        return PatrolSlot.school_id, None
    person = func.coalesce(Patrol.user_id, PatrolPlan.assignee_user_id)
    return person, case((person.is_(None), PatrolPlan.assignee_role), else_=None)


def _names(by: str, ids: list[int]) -> dict[int, str]:
    """The names of the keys, in one statement."""
    if not ids:
        return {}
    model, column = {
        "checkpoint": (Checkpoint, Checkpoint.name),
        "school": (Unit, Unit.name),
        "person": (User, User.display_name),
    }[by]
    return dict(db.session.execute(select(model.id, column).where(model.id.in_(ids))).all())


def _kind_filter(only_kind: str | None) -> list:
    """The condition on the slots' plan kind (none for every kind)."""
    if only_kind == EVERY_KIND:
        return []
    if only_kind is None:
        return [PatrolPlan.managed_by.is_(None)]
    return [PatrolPlan.managed_by == only_kind]


def _rate(row: dict[str, int]) -> float | None:
    """On time / due, four decimals; None when nothing was due."""
    return round(row["done_on_time"] / row["due"], 4) if row["due"] else None


# ``only_kind``'s default: slots of every kind of plan (patrols by hand, water visits, buses).
EVERY_KIND = "*"


def compliance(
    user: User,
    unit_id: int,
    date_from: date,
    date_to: date,
    by: str,
    now: datetime,
    only_kind: str | None = EVERY_KIND,
) -> dict[str, Any]:
    """The figures of the unit's subtree, one row per key (the worst rate first), and totals;
    ``only_kind``: the slots of one kind of plan (None: patrols by hand, as the figures'
    patrol compliance counts them; "water"; "bus")."""
    unit = access.load_unit(user, unit_id, "patrol.view")
    key, role = _keys(by)
    closed = PatrolSlot.closes_at <= now
    missed = or_(PatrolSlot.status == SLOT_MISSED, and_(PatrolSlot.status == SLOT_OPEN, closed))
    late_sent = and_(Patrol.id.is_not(None), _late_submission(db.engine.dialect.name))
    rows = db.session.execute(
        select(
            key.label("key"),
            (null() if role is None else role).label("role"),
            _count(or_(closed, PatrolSlot.status.in_((SLOT_DONE, SLOT_LATE)))).label("due"),
            _count(PatrolSlot.status == SLOT_DONE).label("done_on_time"),
            _count(PatrolSlot.status == SLOT_LATE).label("done_late"),
            _count(missed).label("missed"),
            _count(late_sent).label("late_submissions"),
        )
        .join(PatrolPlan, PatrolPlan.id == PatrolSlot.plan_id)
        .outerjoin(Patrol, Patrol.slot_id == PatrolSlot.id)
        .where(
            PatrolSlot.school_id.in_(access.unit_ids_below([unit.path])),
            PatrolSlot.day >= date_from,
            PatrolSlot.day <= date_to,
            *_kind_filter(only_kind),
        )
        .group_by(*(column for column in (key, role) if column is not None))
    ).all()
    names = _names(by, [row.key for row in rows if row.key is not None])
    result = []
    for row in rows:
        if not row.due:
            continue  # only slots still to come: nothing to judge yet
        figures = {name: int(getattr(row, name)) for name in FIGURES}
        if row.key is None:
            label = ROLES[row.role].name if row.role in ROLES else row.role
            ref = {"id": None, "name": f"{label}(岗位)"}
        else:
            ref = {"id": row.key, "name": names.get(row.key)}
        result.append({"key": ref, **figures, "rate": _rate(figures)})
    result.sort(key=lambda r: (r["rate"], r["key"]["name"] or "", r["key"]["id"] or 0))
    totals = {name: sum(r[name] for r in result) for name in FIGURES}
    totals["rate"] = _rate(totals)
    return {
        "unit": unit,
        "date_from": date_from,
        "date_to": date_to,
        "rows": result,
        "totals": totals,
    }
