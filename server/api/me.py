"""Who am I: the user, role grants, children and what the roles allow; the role list."""

from __future__ import annotations

from flask_smorest import Blueprint

from server.api.schemas import MeResponse, ProfileUpdate, RolesResponse, UserSchema
from server.auth import current_user, login_required
from server.roles import ROLES, capabilities_for
from server.services.children import list_links
from server.services.people import UNCHANGED, own_view, update_profile

blp = Blueprint("me", __name__, url_prefix="/api/v1", description="The signed-in user")


@blp.route("/me", methods=["GET"])
@login_required
@blp.response(200, MeResponse)
def me():
    """The signed-in user, their grants with units, their children and capabilities."""
    user = current_user()
    return {
        "user": own_view(user),
        "grants": user.grants,
        "children": list_links(user),
        "capabilities": capabilities_for({grant.role for grant in user.grants}),
    }


@blp.route("/me", methods=["PATCH"])
@login_required
@blp.arguments(ProfileUpdate)
@blp.response(200, UserSchema)
def update_me(body):
    """Change one's own name or phone (a null phone removes it)."""
    return update_profile(current_user(), body.get("display_name"), body.get("phone", UNCHANGED))


@blp.route("/roles", methods=["GET"])
@login_required
@blp.response(200, RolesResponse)
def roles():
    """Every role, with the unit kinds where it may be held."""
    return {
        "roles": [
            {
                "code": role.code,
                "name": role.name,
                "unit_kinds": list(role.unit_kinds),
                "needs_class": role.needs_class,
                "is_admin": role.is_admin,
            }
            for role in ROLES.values()
        ]
    }
