"""Class rosters and parents' bindings, for the class teacher and the school's safety officer."""

from __future__ import annotations

from flask_smorest import Blueprint

from server.api.roster_schemas import (
    BindingSchema,
    BindingsResponse,
    FamilyCodeSchema,
    PupilRequest,
    PupilSchema,
    RosterResponse,
)
from server.auth import current_user, login_required
from server.services import bindings, roster

blp = Blueprint(
    "roster", __name__, url_prefix="/api/v1/classes", description="Class rosters and approvals"
)


@blp.route("/<int:class_id>/roster", methods=["GET"])
@login_required
@blp.response(200, RosterResponse)
def get_roster(class_id: int):
    """The class's pupils (class teacher and the school's own staff)."""
    school_class, pupils = roster.roster(current_user(), class_id)
    return {"class_": school_class, "pupils": pupils}


@blp.route("/<int:class_id>/roster", methods=["POST"])
@login_required
@blp.arguments(PupilRequest)
@blp.response(201, PupilSchema)
def add_pupil(body, class_id: int):
    """Add a pupil to the roster."""
    return roster.add_pupil(current_user(), class_id, body["name"])


@blp.route("/<int:class_id>/roster/<int:child_id>", methods=["PATCH"])
@login_required
@blp.arguments(PupilRequest)
@blp.response(200, PupilSchema)
def rename_pupil(body, class_id: int, child_id: int):
    """Correct a pupil's name."""
    return roster.rename_pupil(current_user(), class_id, child_id, body["name"])


@blp.route("/<int:class_id>/roster/<int:child_id>", methods=["DELETE"])
@login_required
@blp.response(204)
def remove_pupil(class_id: int, child_id: int):
    """Take a pupil off the roster (their bindings end; records stay)."""
    roster.remove_pupil(current_user(), class_id, child_id)


@blp.route("/<int:class_id>/roster/<int:child_id>/family-code", methods=["POST"])
@login_required
@blp.response(201, FamilyCodeSchema)
def family_code(class_id: int, child_id: int):
    """A one-time code for the pupil's family: entering it approves their binding."""
    return bindings.give_family_code(current_user(), class_id, child_id)


@blp.route("/<int:class_id>/bindings", methods=["GET"])
@login_required
@blp.response(200, BindingsResponse)
def waiting_bindings(class_id: int):
    """Parents' bindings to pupils of the class waiting for a decision."""
    return {"bindings": bindings.waiting(current_user(), class_id)}


@blp.route("/<int:class_id>/bindings/<int:link_id>/approve", methods=["POST"])
@login_required
@blp.response(200, BindingSchema)
def approve(class_id: int, link_id: int):
    """Approve a waiting binding (a decided one is a 409)."""
    return bindings.decide(current_user(), class_id, link_id, approve=True)


@blp.route("/<int:class_id>/bindings/<int:link_id>/reject", methods=["POST"])
@login_required
@blp.response(200, BindingSchema)
def reject(class_id: int, link_id: int):
    """Reject a waiting binding (a decided one is a 409)."""
    return bindings.decide(current_user(), class_id, link_id, approve=False)
