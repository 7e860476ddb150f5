"""Admins and their staff: the people of a unit, revoking a role, disabling an account, the
audit of those changes."""

from __future__ import annotations

from flask_smorest import Blueprint

from server.api.schemas import AuditQuery, AuditResponse, StaffMemberSchema, StaffResponse
from server.auth import current_user, login_required
from server.services import staff as service

blp = Blueprint("staff", __name__, url_prefix="/api/v1", description="Staff and their roles")


@blp.route("/units/<int:unit_id>/staff", methods=["GET"])
@login_required
@blp.response(200, StaffResponse)
def list_staff(unit_id: int):
    """The people holding roles at a unit and below, with their grants (admins of the unit)."""
    return {"staff": service.list_staff(current_user(), unit_id)}


@blp.route("/grants/<int:grant_id>", methods=["DELETE"])
@login_required
@blp.response(204)
def revoke_grant(grant_id: int):
    """Take one role away from a person (never one's own)."""
    service.revoke_grant(current_user(), grant_id)


@blp.route("/users/<int:user_id>/disable", methods=["POST"])
@login_required
@blp.response(200, StaffMemberSchema)
def disable_user(user_id: int):
    """Disable an account: its tokens stop working at once; repeating is harmless."""
    return service.set_active(current_user(), user_id, False)


@blp.route("/users/<int:user_id>/enable", methods=["POST"])
@login_required
@blp.response(200, StaffMemberSchema)
def enable_user(user_id: int):
    """Enable a disabled account again (the person logs in anew)."""
    return service.set_active(current_user(), user_id, True)


@blp.route("/audit", methods=["GET"])
@login_required
@blp.arguments(AuditQuery, location="query")
@blp.response(200, AuditResponse)
def audit(query):
    """Admins' changes to people at a unit and below, newest first (the latest 200)."""
    return {"records": service.list_audit(current_user(), query["unit_id"])}
