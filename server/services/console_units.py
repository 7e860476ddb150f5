"""The units a console page offers in its unit chooser: those where the user holds the page's
capability, by path (a center school before its schools)."""

from __future__ import annotations

from sqlalchemy import select

from server import access
from server.extensions import db
from server.models import SchoolClass, Unit, User
from server.roles import ROLES, Role


def units_where(user: User, capability: str) -> list[Unit]:
    """Every unit where the user may use ``capability``, by path; a 403 when there is none
    (the page is not for this user's roles)."""
    query = select(Unit).where(Unit.id.in_(access.unit_ids_where(user, capability)))
    units = list(db.session.scalars(query.order_by(Unit.path, Unit.id)))
    if not units:
        raise access.forbidden(capability)
    return units


def chosen(units: list[Unit], unit_id: int | None) -> Unit | None:
    """The unit asked for when it is among ``units`` (else None: the page loads it through
    ``access`` to answer 404 or 403), or the first, highest one when none was asked for."""
    if unit_id is None:
        return units[0]
    return next((unit for unit in units if unit.id == unit_id), None)


def invitation_choices(user: User, unit_id: int) -> tuple[Unit, list[Role], list[SchoolClass]]:
    """For the invitation form at a unit (invitation.create there): the unit, the roles that
    may be held at it, and its classes (a class teacher's invitation names one)."""
    unit = access.load_unit(user, unit_id, "invitation.create")
    roles = [role for role in ROLES.values() if unit.kind in role.unit_kinds]
    classes = db.session.scalars(
        select(SchoolClass)
        .where(SchoolClass.school_id == unit.id)
        .order_by(SchoolClass.grade, SchoolClass.name, SchoolClass.id)
    )
    return unit, roles, list(classes)
