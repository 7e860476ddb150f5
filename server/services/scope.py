"""The scope rule: a grant sees its unit and everything below it, never a sibling."""

from __future__ import annotations

from collections.abc import Iterable

from sqlalchemy import false, or_, select

from server.errors import ApiError
from server.extensions import db
from server.models import RoleGrant, Unit, User
from server.roles import ROLES


def staff_grants(user: User) -> list[RoleGrant]:
    """The user's role grants (parents hold none)."""
    return list(user.grants)


def admin_grants(user: User) -> list[RoleGrant]:
    """Grants whose role may invite people and manage the unit."""
    return [g for g in user.grants if ROLES[g.role].is_admin]


def covers(grants: list[RoleGrant], unit: Unit) -> bool:
    """True when any of ``grants`` has ``unit`` at or below its own unit."""
    return any(grant.unit.contains(unit) for grant in grants)


def top_units(grants: list[RoleGrant]) -> list[Unit]:
    """The highest distinct units of the grants, dropping any that lie below another."""
    units = sorted({g.unit.id: g.unit for g in grants}.values(), key=lambda u: len(u.path))
    tops: list[Unit] = []
    for unit in units:
        if not any(top.contains(unit) for top in tops):
            tops.append(unit)
    return sorted(tops, key=lambda u: u.name)


def require_unit_visible(user: User, unit_id: int) -> Unit:
    """Fetch a unit the user's grants cover; a unit outside scope is reported as not found,
    so nobody learns which units exist in a sibling's tree."""
    unit = db.session.get(Unit, unit_id)
    if unit is None or not covers(staff_grants(user), unit):
        raise ApiError(404, "not_found", "No such unit in your scope.")
    return unit


def require_unit_administered(user: User, unit_id: int) -> Unit:
    """Fetch a unit the user administers (at or below an admin grant)."""
    unit = require_unit_visible(user, unit_id)
    if not covers(admin_grants(user), unit):
        raise ApiError(403, "forbidden", "You do not administer this unit.")
    return unit


def unit_ids_below(paths: Iterable[str]):
    """A select of the ids of every unit at or below any of the given unit paths (none for no
    paths): the one place "this unit and everything below it" becomes SQL."""
    paths = sorted(set(paths))
    if not paths:
        return select(Unit.id).where(false())
    return select(Unit.id).where(or_(*(Unit.path.startswith(path) for path in paths)))
