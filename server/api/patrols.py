"""Patrol rounds: the submission from the phone and the records of rounds."""

from __future__ import annotations

from flask import request
from flask_smorest import Blueprint

from server.api import patrol_schemas as schemas
from server.auth import current_user, login_required
from server.services import patrol_records, patrols

blp = Blueprint("patrols", __name__, url_prefix="/api/v1/patrols", description="Patrol rounds")


@blp.route("", methods=["POST"])
@login_required
@blp.arguments(schemas.PatrolCreate)
@blp.response(201, schemas.PatrolDetail)
@blp.alt_response(200, schema=schemas.PatrolDetail, description="A retry of the same round")
@blp.alt_response(403, description="No patrol.do at the checkpoint's school")
@blp.alt_response(404, description="checkpoint_unknown: the code is not a checkpoint")
@blp.alt_response(
    409,
    description="uuid_conflict: the UUID was used for a different round; slot_already_done",
)
@blp.alt_response(410, description="checkpoint_replaced or checkpoint_inactive")
@blp.alt_response(
    422, description="too_far (details distance_m, radius_m), photo_too_old, validation_error"
)
def submit(body):
    """Record a round at a checkpoint: its sticker's token, the phone's position, an answer per
    item of the checklist (a fail with a note and photos), when it was scanned and sent. Each
    failed item becomes a hazard; the phone's UUID makes retries safe."""
    user = current_user()
    patrol, created = patrols.submit(user, body, request.remote_addr)
    return patrol_records.detail(patrol, user), 201 if created else 200


@blp.route("", methods=["GET"])
@login_required
@blp.arguments(schemas.PatrolListQuery, location="query")
@blp.response(200, schemas.PatrolPage)
@blp.alt_response(403, description="No patrol.view at the unit")
@blp.alt_response(404, description="The unit is out of scope")
def list_patrols(query):
    """Rounds, newest first: the caller's own (mine=1, or no school_id), or everyone's at a
    unit and below where the caller holds patrol.view."""
    school_id, before_id = query.get("school_id"), query.get("before_id")
    rows, next_before = patrol_records.page(
        current_user(), query["mine"], school_id, before_id, query["limit"]
    )
    return {"patrols": rows, "next_before_id": next_before}


@blp.route("/<int:patrol_id>", methods=["GET"])
@login_required
@blp.response(200, schemas.PatrolDetail)
@blp.alt_response(403, description="No patrol.view at the round's school")
@blp.alt_response(404, description="No such round in scope")
def get_patrol(patrol_id: int):
    """One round with its answers and photos: one's own, or with patrol.view at its school."""
    user = current_user()
    return patrol_records.detail(patrol_records.require_view(user, patrol_id), user)
