"""Parents bind to, list and unbind their children."""

from __future__ import annotations

from flask_smorest import Blueprint

from server.api.schemas import BindChildRequest, ChildrenResponse, ChildSchema
from server.auth import current_user, login_required
from server.services import children as service

blp = Blueprint("children", __name__, url_prefix="/api/v1/children", description="My children")


@blp.route("", methods=["POST"])
@login_required
@blp.arguments(BindChildRequest)
@blp.response(201, ChildSchema)
def bind(body):
    """Bind to a child by class code and name."""
    link = service.bind_child(
        current_user(), body["class_code"], body["child_name"], body["relation"]
    )
    return link


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
    """Remove one of the caller's child bindings."""
    service.unbind_child(current_user(), link_id)
