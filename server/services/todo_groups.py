"""The to-do's hazard groups as SQL: which hazards wait for this user, by the step they owe.

Who owes which step is not decided here: each group is the lifecycle's own rule as SQL
(``hazard_lifecycle.takeable_where``), so neither the to-do nor the list filtered by a group
(``GET /hazards?todo=fix``) ever offers what ``allowed_actions`` would refuse.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from sqlalchemy import and_, or_

from server import access
from server.models import Hazard, User
from server.models.hazards import OPEN_STATUSES, RECTIFYING, REPORTED
from server.services.escalation import OVERDUE_STATUSES
from server.services.hazard_access import scope_filter
from server.services.hazard_lifecycle import takeable_where

GROUPS = ("overdue", "verify", "fix", "plan", "classify")


def _group_clauses(user: User, today: date) -> dict[str, Any]:
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


def base_clauses(user: User) -> tuple[Any, ...]:
    """What every group lies within: open, not folded, in the caller's scope (each group's
    capability or the plan naming the caller implies seeing the school's hazards)."""
    return (
        scope_filter(user),
        Hazard.status.in_(OPEN_STATUSES),
        Hazard.duplicate_of_id.is_(None),
    )


def group_clauses(user: User, today: date) -> dict[str, Any]:
    """Each group's full WHERE clause for this user."""
    base = base_clauses(user)
    return {name: and_(*base, where) for name, where in _group_clauses(user, today).items()}


def group_clause(user: User, name: str, today: date) -> Any:
    """One group's full WHERE clause (a user without grants owes nothing)."""
    if not user.grants:
        return False
    return group_clauses(user, today)[name]
