"""The guards' post: a shift at the gate with its hand-over, and the perimeter log."""

from __future__ import annotations

from flask import request
from flask_smorest import Blueprint

from server.api import guard_schemas as schemas
from server.auth import current_user, login_required
from server.services import guard_shifts, perimeter_log_views, perimeter_logs

blp = Blueprint("guard", __name__, url_prefix="/api/v1/guard", description="The guards' post")


def _started(shift, user) -> dict:
    """A shift with the hand-over note it was started with."""
    return {
        "shift": guard_shifts.view(shift, user),
        "handover": guard_shifts.handover_view(guard_shifts.handover_for(shift), user),
    }


@blp.route("/shifts", methods=["POST"])
@login_required
@blp.arguments(schemas.ShiftStart)
@blp.response(201, schemas.ShiftStarted)
@blp.alt_response(200, schema=schemas.ShiftStarted, description="A retry of the same start")
@blp.alt_response(403, description="No guard.duty (or patrol.do) at the gate's school")
@blp.alt_response(404, description="checkpoint_unknown: the code is not a checkpoint in scope")
@blp.alt_response(409, description="shift_open (details shift_id); uuid_conflict")
@blp.alt_response(410, description="checkpoint_replaced or checkpoint_inactive")
@blp.alt_response(422, description="not_a_gate, too_far (details distance_m, radius_m)")
def start_shift(body):
    """Start a shift by scanning the gate, inside its radius; the answer carries the last
    hand-over note left at the school. The phone's UUID makes retries safe."""
    user = current_user()
    shift, created = guard_shifts.start(user, body)
    return _started(shift, user), 201 if created else 200


@blp.route("/shifts/current", methods=["GET"])
@login_required
@blp.response(200, schemas.CurrentShift)
def current_shift():
    """The caller's open shift with its hand-over note and its log (newest first); without a
    shift, the latest note at the caller's schools."""
    user = current_user()
    shift = guard_shifts.open_shift_of(user)
    if shift is None:
        handover = guard_shifts.latest_handover(user)
        return {"shift": None, "handover": guard_shifts.handover_view(handover, user), "logs": []}
    return {
        **_started(shift, user),
        "logs": perimeter_log_views.of_shift(shift, user),
    }


@blp.route("/shifts/<int:shift_id>/end", methods=["POST"])
@login_required
@blp.arguments(schemas.ShiftEnd)
@blp.response(200, schemas.ShiftSchema)
@blp.alt_response(404, description="No such shift of the caller's")
@blp.alt_response(409, description="shift_ended: it was already ended")
@blp.alt_response(422, description="content_risky, validation_error")
def end_shift(body, shift_id: int):
    """End one's own shift, leaving the hand-over note for the next guard."""
    user = current_user()
    shift = guard_shifts.end(user, shift_id, body["handover_note"])
    return guard_shifts.view(shift, user)


@blp.route("/shifts", methods=["GET"])
@login_required
@blp.arguments(schemas.ShiftListQuery, location="query")
@blp.response(200, schemas.ShiftPage)
@blp.alt_response(403, description="No patrol.view at the unit")
@blp.alt_response(404, description="The unit is out of scope")
def list_shifts(query):
    """Shifts at a unit and below, newest first, a page at a time (patrol.view)."""
    rows, next_before = guard_shifts.page(
        current_user(), query["school_id"], query.get("before_id"), query["limit"]
    )
    return {"shifts": rows, "next_before_id": next_before}


@blp.route("/logs", methods=["POST"])
@login_required
@blp.arguments(schemas.LogCreate)
@blp.response(201, schemas.LogSchema)
@blp.alt_response(200, schema=schemas.LogSchema, description="A retry of the same entry")
@blp.alt_response(409, description="no_open_shift; uuid_conflict")
@blp.alt_response(422, description="validation_error (photos not one's own), content_risky")
def create_log(body):
    """Log what was seen at the perimeter during one's open shift: a kind, 1-3 photos, the
    position, a note (required for other); ``raise_hazard`` raises it as a hazard at once."""
    user = current_user()
    log, created = perimeter_logs.create(user, body, request.remote_addr)
    return perimeter_log_views.view(log, user), 201 if created else 200


@blp.route("/logs/<int:log_id>/raise", methods=["POST"])
@login_required
@blp.response(200, schemas.LogSchema)
@blp.alt_response(403, description="Not the entry's maker and no guard.duty at its school")
@blp.alt_response(404, description="No such entry in scope")
def raise_log(log_id: int):
    """Raise an entry as a hazard (then the normal lifecycle); a second tap answers the same
    hazard."""
    user = current_user()
    log = perimeter_logs.raise_hazard(user, log_id, request.remote_addr)
    return perimeter_log_views.view(log, user)


@blp.route("/logs", methods=["GET"])
@login_required
@blp.arguments(schemas.LogListQuery, location="query")
@blp.response(200, schemas.LogPage)
@blp.alt_response(403, description="No patrol.view at the unit or the shift's school")
@blp.alt_response(404, description="The unit or shift is out of scope")
def list_logs(query):
    """Entries newest first, a page at a time: of a shift (its guard, or patrol.view), or of a
    unit and below (patrol.view)."""
    rows, next_before = perimeter_log_views.page(
        current_user(),
        query.get("shift_id"),
        query.get("school_id"),
        query.get("before_id"),
        query["limit"],
    )
    return {"logs": rows, "next_before_id": next_before}
