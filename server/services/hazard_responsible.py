"""Who may be named responsible in a hazard's plan: the people the planner picks from.

They are the active staff of the hazard's school, those holding a role at the school itself (its
safety officer, teachers, guards...), each with the roles held there. Only a planner of the hazard
(``hazard.plan`` at its school) sees the list, and it carries names and roles only: no phone
numbers (PIPL: the minimum a choice needs). A plan must name one of them (:func:`pick`), and the
plan's name is that person's, never typed.
"""

from __future__ import annotations

from sqlalchemy import Select, select

from server import access
from server.errors import ApiError
from server.extensions import db
from server.models import Hazard, RoleGrant, User
from server.roles import ROLES
from server.services.hazard_access import require_view
from server.services.views import View

# Roles listed in the order of the roles table (the safety officer first).
_ROLE_ORDER = {code: index for index, code in enumerate(ROLES)}


def _staff(hazard: Hazard, *columns) -> Select:
    """``columns`` of the active people holding a role at the hazard's school, a row per grant:
    the one rule of who may be named responsible."""
    return (
        select(*columns)
        .join(RoleGrant, RoleGrant.user_id == User.id)
        .where(RoleGrant.unit_id == hazard.school_id, User.is_active.is_(True))
    )


def candidates(user: User, hazard_id: int) -> list[View]:
    """The active people holding a role at the hazard's school, by name, each with the codes of
    the roles they hold there (``roles``). 404 out of scope, 403 without ``hazard.plan``."""
    hazard = require_view(user, hazard_id)
    access.require(user, "hazard.plan", hazard.school, what="hazard")
    rows = db.session.execute(_staff(hazard, User, RoleGrant.role).order_by(RoleGrant.id)).all()
    people: dict[int, User] = {}
    roles: dict[int, set[str]] = {}
    for person, role in rows:
        people[person.id] = person
        roles.setdefault(person.id, set()).add(role)
    ordered = sorted(people.values(), key=lambda p: (p.display_name is None, p.display_name, p.id))
    return [
        View(person, roles=sorted(roles[person.id], key=lambda r: _ROLE_ORDER.get(r, len(ROLES))))
        for person in ordered
    ]


def pick(hazard: Hazard, user_id: int | None) -> User:
    """The person a plan names responsible: required, and one of :func:`candidates` (active,
    holding a role at the hazard's school). 422 with a Chinese message otherwise; an id out of
    scope is refused the same way as an unknown one, so ids of other schools are not probed."""
    if user_id is None:
        raise ApiError(
            422,
            "validation_error",
            "请从本校人员中选择整改责任人。",
            {"responsible_user_id": ["请从本校人员中选择整改责任人。"]},
        )
    person = db.session.scalars(_staff(hazard, User).where(User.id == user_id).limit(1)).first()
    if person is None:
        raise ApiError(
            422,
            "validation_error",
            "整改责任人须是本校在岗人员，请从名单中选择。",
            {"responsible_user_id": ["不是本校在岗人员。"]},
        )
    return person


def name_of(person: User) -> str:
    """The name a plan stores for its responsible person: theirs as the school knows it (a
    person who joined without one is shown by id, as elsewhere in the service)."""
    return (person.display_name or f"用户{person.id}")[:50]
