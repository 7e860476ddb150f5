"""Who may see and change a hazard, decided by role and scope.

- see / report: any staff grant whose unit covers the school;
- plan, start, submit a fix, verify or reject a *general* hazard: an admin grant covering the
  school (the school's safety officer, its supervisor, the bureau); start and submit a fix also
  the named responsible user;
- verify or reject a *major* hazard, mark duplicates: an admin grant *above* the school (the
  supervisor or the bureau), so a school never signs off its own serious hazards.
"""

from __future__ import annotations

from sqlalchemy import select

from server.errors import ApiError
from server.extensions import db
from server.models import Hazard, RoleGrant, Unit, User
from server.roles import ROLES, SCHOOL_KINDS
from server.services.scope import unit_ids_below


def _covering(grants: list[RoleGrant], unit: Unit) -> list[RoleGrant]:
    """The grants whose unit is ``unit`` or above it."""
    return [g for g in grants if g.unit.contains(unit)]


def can_view(user: User, school: Unit) -> bool:
    """Any staff grant at or above the school."""
    return bool(_covering(list(user.grants), school))


def is_school_manager(user: User, school: Unit) -> bool:
    """An admin grant at or above the school."""
    return any(ROLES[g.role].is_admin for g in _covering(list(user.grants), school))


def is_supervisor_of(user: User, school: Unit) -> bool:
    """An admin grant strictly above the school."""
    return any(
        ROLES[g.role].is_admin and g.unit_id != school.id
        for g in _covering(list(user.grants), school)
    )


def require_view(user: User, hazard_id: int) -> Hazard:
    """The hazard if the user may see it; otherwise 404 (no probing of others' hazards)."""
    hazard = db.session.get(Hazard, hazard_id)
    if hazard is None or not can_view(user, hazard.school):
        raise ApiError(404, "not_found", "No such hazard in your scope.")
    return hazard


def forbid(action: str) -> ApiError:
    """The error for a visible hazard the user may not act on."""
    return ApiError(403, "forbidden", f"Your role may not {action} this hazard.")


def can_work_on(user: User, hazard: Hazard) -> bool:
    """School managers, and the person the plan names."""
    return is_school_manager(user, hazard.school) or hazard.responsible_user_id == user.id


def can_sign_off(user: User, hazard: Hazard) -> bool:
    """Verify or reject: managers for general hazards, supervisors for major ones."""
    if hazard.severity == "major":
        return is_supervisor_of(user, hazard.school)
    return is_school_manager(user, hazard.school)


def scope_filter(user: User):
    """A WHERE clause limiting hazards to the schools under the user's grants."""
    return Hazard.school_id.in_(unit_ids_below(g.unit.path for g in user.grants))


def reportable_schools(user: User) -> list[Unit]:
    """Schools the user may report at (for choosing when a grant covers several)."""
    query = (
        select(Unit)
        .where(
            Unit.kind.in_(SCHOOL_KINDS),
            Unit.id.in_(unit_ids_below(g.unit.path for g in user.grants)),
        )
        .order_by(Unit.name)
    )
    return list(db.session.scalars(query))
