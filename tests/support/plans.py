"""The body of a hazard's rectification plan for tests: the four typed fields and a responsible
person picked from the hazard's school, as the phone sends it (the name is the person's own)."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

from sqlalchemy import case, select

from server.extensions import db
from server.models import Hazard, RoleGrant, User

# The typed fields of a plan (the deadline a week ahead, so it is never in the past).
PLAN = {
    "deadline": (date.today() + timedelta(days=7)).isoformat(),
    "measures": "更换配电箱门并加锁,线路穿管",
    "funds_yuan": "1200.50",
    "contingency": "整改期间设置警示标志,专人看守",
}


def school_staff(hazard_id: int) -> User:
    """A person the plan of the hazard may name: its school's admin when there is one (they may
    act on it anyway, so naming them gives nobody new actions), else anyone with a role there."""
    hazard = db.session.get(Hazard, hazard_id)
    assert hazard is not None, hazard_id
    return db.session.scalars(
        select(User)
        .join(RoleGrant, RoleGrant.user_id == User.id)
        .where(RoleGrant.unit_id == hazard.school_id, User.is_active.is_(True))
        .order_by(case((RoleGrant.role == "school_admin", 0), else_=1), RoleGrant.id)
        .limit(1)
    ).one()


def plan_for(hazard_id: int, **changes: Any) -> dict[str, Any]:
    """A valid plan for the hazard naming :func:`school_staff` responsible; ``changes`` override
    fields (``responsible_user_id`` to name someone else)."""
    return {**PLAN, "responsible_user_id": school_staff(hazard_id).id, **changes}
