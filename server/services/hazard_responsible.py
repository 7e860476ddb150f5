"""Who may be named responsible in a hazard's plan: the people the planner picks from.

They are the active staff of the hazard's school, those holding a role at the school itself (its
safety officer, teachers, guards...), each with the roles held there. Only a planner of the hazard
(``hazard.plan`` at its school) sees the list, and it carries names and roles only: no phone
numbers (PIPL: the minimum a choice needs).
"""

from __future__ import annotations

from sqlalchemy import select

from server import access
from server.extensions import db
from server.models import RoleGrant, User
from server.roles import ROLES
from server.services.hazard_access import require_view
from server.services.views import View

# Roles listed in the order of the roles table (the safety officer first).
_ROLE_ORDER = {code: index for index, code in enumerate(ROLES)}


def candidates(user: User, hazard_id: int) -> list[View]:
    """The active people holding a role at the hazard's school, by name, each with the codes of
    the roles they hold there (``roles``). 404 out of scope, 403 without ``hazard.plan``."""
    hazard = require_view(user, hazard_id)
    access.require(user, "hazard.plan", hazard.school, what="hazard")
    rows = db.session.execute(
        select(User, RoleGrant.role)
        .join(RoleGrant, RoleGrant.user_id == User.id)
        .where(RoleGrant.unit_id == hazard.school_id, User.is_active.is_(True))
        .order_by(RoleGrant.id)
    ).all()
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
