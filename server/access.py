"""Who may do what, where: the one place access is decided.

A person holds role grants, each a role at one unit. A capability (``server/roles.py``: the
roles table is the source of truth, the phone gets the same list) is allowed at a unit when one
of the person's grants carries it and reaches the unit from the grant's unit:

- ``down``: the grant's unit and everything below it (most capabilities);
- ``strictly_below``: only units below it, never the grant's own (a school does not sign off its
  own major hazards, nor hold itself to account);
- ``at``: the grant's unit only (class codes and parents' names stay at the school).

A grant tied to a class (a class teacher's) reaches only that class for per-class capabilities.

Scope comes first: a unit that no grant sees is answered as *not found* (404), so nobody learns
what a sibling has; a unit in scope without the capability is *forbidden* (403). The loaders
below raise those; ``unit_ids_where`` is the same rule as SQL for lists.

A person belongs to the units of their grants and to the schools of the children they are bound
to (``member_ids``, ``units_of_person``); what concerns the person themself (their held name) is
allowed where the capability reaches any of those units (``require_any``).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import TypeVar

from sqlalchemy import Select, and_, false, or_, select

from server.errors import ApiError
from server.extensions import db
from server.models import Child, ParentLink, RoleGrant, SchoolClass, Unit, User
from server.models.people import REJECTED
from server.roles import CAPABILITIES, REACH_AT, REACH_STRICTLY_BELOW, ROLES, capabilities_for

T = TypeVar("T")

VIEW = "unit.view"


def _reaches(grant: RoleGrant, capability: str, unit: Unit, class_id: int | None) -> bool:
    """Whether this grant carries ``capability`` and reaches ``unit`` (and the class)."""
    if capability not in ROLES[grant.role].capabilities:
        return False
    cap = CAPABILITIES[capability]
    if cap.reach == REACH_AT:
        placed = grant.unit_id == unit.id
    elif cap.reach == REACH_STRICTLY_BELOW:
        placed = grant.unit_id != unit.id and grant.unit.contains(unit)
    else:
        placed = grant.unit.contains(unit)
    if placed and cap.per_class and grant.class_id is not None:
        return class_id == grant.class_id
    return placed


def sees(user: User, unit: Unit) -> bool:
    """True when any of the user's grants covers the unit (its scope)."""
    return any(grant.unit.contains(unit) for grant in user.grants)


def may(user: User, capability: str, unit: Unit, class_id: int | None = None) -> bool:
    """True when the user may use ``capability`` at ``unit`` (and, if given, the class)."""
    return any(_reaches(grant, capability, unit, class_id) for grant in user.grants)


def may_somewhere(user: User, capability: str) -> bool:
    """True when any role the user holds carries the capability (uploads, base rights)."""
    return capability in capabilities_for({grant.role for grant in user.grants})


def not_found(what: str = "unit") -> ApiError:
    """The answer for anything outside the caller's scope."""
    return ApiError(404, "not_found", f"No such {what} in your scope.")


def forbidden(capability: str) -> ApiError:
    """The answer for a place in scope where the caller lacks the capability."""
    description = CAPABILITIES[capability].description
    return ApiError(
        403, "forbidden", f"Your role may not {description} here.", {"capability": capability}
    )


def require(
    user: User, capability: str, unit: Unit, class_id: int | None = None, what: str = "unit"
) -> None:
    """404 when the unit is out of scope, 403 when in scope without the capability."""
    if not sees(user, unit):
        raise not_found(what)
    if not may(user, capability, unit, class_id):
        raise forbidden(capability)


def require_any(user: User, capability: str, units: Iterable[Unit], what: str = "unit") -> None:
    """``require`` for something that belongs to several units (a person's name): allowed when
    the capability reaches any one of them; 404 when none is in scope, else 403."""
    units = list(units)
    if not any(sees(user, unit) for unit in units):
        raise not_found(what)
    if not any(may(user, capability, unit) for unit in units):
        raise forbidden(capability)


def _belongings():
    """Who belongs where, as ``(person_id, unit_id)`` rows: a role granted at a unit, or a
    child bound (waiting or approved) at a school. The one home of that rule."""
    bound = (
        select(ParentLink.parent_id.label("person_id"), SchoolClass.school_id.label("unit_id"))
        .join(Child, ParentLink.child_id == Child.id)
        .join(SchoolClass, Child.class_id == SchoolClass.id)
        .where(ParentLink.status != REJECTED)
    )
    granted = select(RoleGrant.user_id.label("person_id"), RoleGrant.unit_id.label("unit_id"))
    return granted.union(bound).subquery()


def member_ids(unit_ids: Select) -> Select:
    """A select of the ids of the people who belong to any of these units (``_belongings``).
    Whoever acts for a unit on its people (releasing a held name) reaches exactly these."""
    belongs = _belongings()
    return select(belongs.c.person_id).where(belongs.c.unit_id.in_(unit_ids))


def units_of_person(person_id: int) -> list[Unit]:
    """The units a person belongs to (``_belongings``): their grants' units and the schools of
    the children they are bound to."""
    belongs = _belongings()
    theirs = select(belongs.c.unit_id).where(belongs.c.person_id == person_id)
    return list(db.session.scalars(select(Unit).where(Unit.id.in_(theirs)).order_by(Unit.id)))


def load_unit(user: User, unit_id: int, capability: str = VIEW) -> Unit:
    """A unit the user may use ``capability`` at (404 out of scope, 403 without it)."""
    unit = db.session.get(Unit, unit_id)
    if unit is None:
        raise not_found()
    require(user, capability, unit)
    return unit


def load(
    user: User,
    model: type[T],
    object_id: int,
    capability: str,
    unit_of: Callable[[T], Unit],
    what: str,
) -> T:
    """A record whose unit (``unit_of``) the user may use ``capability`` at."""
    found = db.session.get(model, object_id)
    if found is None:
        raise not_found(what)
    require(user, capability, unit_of(found), what=what)
    return found


def unit_ids_below(paths: Iterable[str]) -> Select:
    """A select of the ids of every unit at or below any of the given unit paths (none for no
    paths): the one place "this unit and everything below it" becomes SQL."""
    paths = sorted(set(paths))
    if not paths:
        return select(Unit.id).where(false())
    return select(Unit.id).where(or_(*(Unit.path.startswith(path) for path in paths)))


def unit_ids_where(user: User, capability: str) -> Select:
    """A select of the ids of every unit where the user may use ``capability`` (for lists)."""
    cap = CAPABILITIES[capability]
    grants = [g for g in user.grants if capability in ROLES[g.role].capabilities]
    if not grants:
        return select(Unit.id).where(false())
    if cap.reach == REACH_AT:
        return select(Unit.id).where(Unit.id.in_(sorted({g.unit_id for g in grants})))
    clauses = []
    for grant in grants:
        below = Unit.path.startswith(grant.unit.path)
        if cap.reach == REACH_STRICTLY_BELOW:
            below = and_(below, Unit.id != grant.unit_id)
        clauses.append(below)
    return select(Unit.id).where(or_(*clauses))


def top_units(user: User, capability: str = VIEW) -> list[Unit]:
    """The highest distinct units where the user holds ``capability``, dropping any that lie
    below another (the starting points of the phone's unit browser)."""
    grants = [g for g in user.grants if capability in ROLES[g.role].capabilities]
    units = sorted({g.unit.id: g.unit for g in grants}.values(), key=lambda u: len(u.path))
    tops: list[Unit] = []
    for unit in units:
        if not any(top.contains(unit) for top in tops):
            tops.append(unit)
    return sorted(tops, key=lambda u: u.name)


def holders_at(unit_ids: list[int], capability: str) -> set[int]:
    """The users holding a grant at one of these units whose role carries the capability (who
    to tell when something there needs that capability)."""
    roles = [code for code, role in ROLES.items() if capability in role.capabilities]
    if not unit_ids or not roles:
        return set()
    query = select(RoleGrant.user_id).where(
        RoleGrant.unit_id.in_(unit_ids), RoleGrant.role.in_(roles)
    )
    return set(db.session.scalars(query))
