"""Hazards seen through the access rules (``server/access.py``): a hazard belongs to its school,
so every question about a hazard is a capability at that school."""

from __future__ import annotations

from sqlalchemy import select

from server import access
from server.extensions import db
from server.models import Hazard, Unit, User
from server.roles import SCHOOL_KINDS


def require_view(user: User, hazard_id: int) -> Hazard:
    """The hazard if the user may see it; otherwise 404 (no probing of others' hazards)."""
    return access.load(user, Hazard, hazard_id, "hazard.view", lambda h: h.school, "hazard")


def can_report_at(user: User, school: Unit) -> bool:
    """Whether the user may report hazards at the school."""
    return access.may(user, "hazard.report", school)


def scope_filter(user: User):
    """A WHERE clause limiting hazards to the schools whose hazards the user may see."""
    return Hazard.school_id.in_(access.unit_ids_where(user, "hazard.view"))


def reportable_schools(user: User) -> list[Unit]:
    """Schools the user may report at (for choosing when a grant covers several)."""
    query = (
        select(Unit)
        .where(
            Unit.kind.in_(SCHOOL_KINDS),
            Unit.id.in_(access.unit_ids_where(user, "hazard.report")),
        )
        .order_by(Unit.name)
    )
    return list(db.session.scalars(query))
