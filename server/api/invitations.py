"""Invitations: make, list, revoke, show as QR, and redeem."""

from __future__ import annotations

from flask import Response
from flask_smorest import Blueprint

from server.api.schemas import (
    InvitationCreate,
    InvitationListQuery,
    InvitationSchema,
    InvitationsResponse,
    RedeemRequest,
    RedeemResponse,
)
from server.auth import current_user, login_required
from server.services import invitations as service
from server.services.people import UNCHANGED

blp = Blueprint(
    "invitations", __name__, url_prefix="/api/v1/invitations", description="Join by invitation"
)


@blp.route("", methods=["POST"])
@login_required
@blp.arguments(InvitationCreate)
@blp.response(201, InvitationSchema)
def create(body):
    """Make an invitation for a role at a unit the caller administers."""
    invitation = service.create_invitation(
        current_user(),
        body["unit_id"],
        body["role"],
        body["class_id"],
        body["max_uses"],
        body["expires_in_hours"],
    )
    return service.view(invitation)


@blp.route("", methods=["GET"])
@login_required
@blp.arguments(InvitationListQuery, location="query")
@blp.response(200, InvitationsResponse)
def list_for_unit(query):
    """The invitations of a unit the caller administers."""
    found = service.list_invitations(current_user(), query["unit_id"])
    return {"invitations": [service.view(i) for i in found]}


@blp.route("/<int:invitation_id>", methods=["DELETE"])
@login_required
@blp.response(204)
def revoke(invitation_id: int):
    """Withdraw an invitation."""
    service.revoke_invitation(current_user(), invitation_id)


@blp.route("/<int:invitation_id>/qr.png", methods=["GET"])
@login_required
@blp.response(200, description="A PNG QR code", content_type="image/png")
def qr_png(invitation_id: int):
    """The invitation as a QR code that the join page scans."""
    png = service.invitation_qr_png(current_user(), invitation_id)
    return Response(png, mimetype="image/png", headers={"Cache-Control": "private, max-age=300"})


@blp.route("/redeem", methods=["POST"])
@login_required
@blp.arguments(RedeemRequest)
@blp.response(201, RedeemResponse)
def redeem(body):
    """Join a unit with the role of the invitation, giving one's name (and, optionally, phone)."""
    grant = service.redeem_invitation(
        current_user(), body["code"], body["display_name"], body.get("phone", UNCHANGED)
    )
    return {"grant": grant}
