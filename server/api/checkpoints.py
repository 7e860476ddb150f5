"""A school's checkpoints: list, create on site, change, replace a lost sticker's code, scan,
and the printable sheet of QR codes."""

from __future__ import annotations

from flask import Response
from flask_smorest import Blueprint

from server.api import checkpoint_schemas as schemas
from server.auth import current_user, login_required
from server.services import checkpoints
from server.services.checklist_views import template_views
from server.services.checkpoint_sheet import sheet_pdf

blp = Blueprint(
    "checkpoints", __name__, url_prefix="/api/v1/checkpoints", description="Checkpoints"
)


@blp.route("", methods=["GET"])
@login_required
@blp.arguments(schemas.SchoolQuery, location="query")
@blp.response(200, schemas.CheckpointsResponse)
def list_checkpoints(query):
    """The school's checkpoints, active first (for those who patrol or watch patrols there)."""
    user = current_user()
    _school, rows = checkpoints.of_school(user, query["school_id"])
    return {"checkpoints": checkpoints.views(rows, user)}


@blp.route("", methods=["POST"])
@login_required
@blp.arguments(schemas.CheckpointCreate)
@blp.response(201, schemas.CheckpointSchema)
@blp.alt_response(409, description="The unit is not a school or kindergarten")
def create(body):
    """Record a checkpoint on site with the phone's position (checkpoint.manage)."""
    user = current_user()
    return checkpoints.view(checkpoints.create(user, body), user), 201


@blp.route("/<int:checkpoint_id>", methods=["PATCH"])
@login_required
@blp.arguments(schemas.CheckpointPatch)
@blp.response(200, schemas.CheckpointSchema)
def change(body, checkpoint_id: int):
    """Rename it, change its radius or templates, or (de)activate it (checkpoint.manage)."""
    user = current_user()
    return checkpoints.view(checkpoints.change(user, checkpoint_id, body), user)


@blp.route("/<int:checkpoint_id>/token", methods=["POST"])
@login_required
@blp.response(200, schemas.CheckpointSchema)
@blp.alt_response(409, description="Replaced by someone else at the same moment")
def replace_token(checkpoint_id: int):
    """A new code for a lost or damaged sticker; the old code then answers 410
    ``checkpoint_replaced`` (checkpoint.manage)."""
    user = current_user()
    return checkpoints.view(checkpoints.replace_token(user, checkpoint_id), user)


@blp.route("/scan", methods=["GET"])
@login_required
@blp.arguments(schemas.ScanQuery, location="query")
@blp.response(200, schemas.ScanResponse)
@blp.alt_response(404, description="checkpoint_unknown: no such code in the caller's scope")
@blp.alt_response(410, description="checkpoint_replaced or checkpoint_inactive")
@blp.alt_response(422, description="scan_required: only a water point is opened by its id")
def scan(query):
    """A scanned code (or a water point's checkpoint id): the checkpoint and the templates in
    effect there (patrol.do)."""
    user = current_user()
    checkpoint, templates = checkpoints.scan(user, query.get("token"), query.get("checkpoint_id"))
    return {
        "checkpoint": checkpoints.view(checkpoint, user),
        "templates": template_views(templates, user),
    }


@blp.route("/sheet", methods=["GET"])
@login_required
@blp.arguments(schemas.SchoolQuery, location="query")
@blp.response(200, description="An A4 PDF of the QR stickers", content_type="application/pdf")
@blp.alt_response(409, description="no_checkpoints: nothing active to print, or not a school")
def sheet(query):
    """The school's active checkpoints as a printable A4 PDF, six QR stickers a page with cut
    lines (checkpoint.manage)."""
    pdf = sheet_pdf(current_user(), query["school_id"])
    return Response(
        pdf,
        mimetype="application/pdf",
        headers={
            "Content-Disposition": 'inline; filename="checkpoints.pdf"',
            "Cache-Control": "private, no-store",
        },
    )
