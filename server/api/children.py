"""Parents bind to, list and unbind their children."""

from __future__ import annotations

from flask_smorest import Blueprint

from server.api.schemas import (
    BindChildRequest,
    ChildrenResponse,
    ChildSchema,
    FamilyCodeRequest,
)
from server.auth import current_user, login_required
from server.services import children as service
from server.services.people import UNCHANGED

blp = Blueprint("children", __name__, url_prefix="/api/v1/children", description="My children")


@blp.route("", methods=["POST"])
@login_required
@blp.arguments(BindChildRequest)
@blp.response(201, ChildSchema)
def bind(body):
    """Bind to a pupil on the class roster by class code and name: waiting for the class
    teacher's approval, or approved at once with the child's family code. A parent without a
    name gives theirs (and, optionally, a phone)."""
    return service.bind_child(
        current_user(),
        body["class_code"],
        body["child_name"],
        body["relation"],
        body.get("family_code"),
        body["display_name"],
        body.get("phone", UNCHANGED),
    )


@blp.route("/<int:link_id>/family-code", methods=["POST"])
@login_required
@blp.arguments(FamilyCodeRequest)
@blp.response(200, ChildSchema)
def enter_family_code(body, link_id: int):
    """Approve one's waiting binding with the family code the class teacher gave."""
    return service.enter_family_code(current_user(), link_id, body["family_code"])


@blp.route("", methods=["GET"])
@login_required
@blp.response(200, ChildrenResponse)
def list_children():
    """The caller's children."""
    return {"children": service.list_links(current_user())}


@blp.route("/<int:link_id>", methods=["DELETE"])
@login_required
@blp.response(204)
def unbind(link_id: int):
    """Remove one of the caller's child bindings (waiting or approved)."""
    service.unbind_child(current_user(), link_id)
