"""Scheduled pushes (water-area checks, bus inspections, reminders in season)."""

from __future__ import annotations

from flask_smorest import Blueprint

from server import access
from server.api import notice_schemas as schemas
from server.auth import current_user, login_required
from server.errors import ApiError
from server.services.notify import template
from server.services.schedules import create_schedule, delete_schedule, schedules_in

blp = Blueprint(
    "schedules", __name__, url_prefix="/api/v1/schedules", description="Scheduled pushes"
)


@blp.route("", methods=["POST"])
@login_required
@blp.arguments(schemas.ScheduleCreate)
@blp.response(201, schemas.ScheduleSchema)
def create(body):
    """Create a schedule for a unit the caller administers."""
    user = current_user()
    unit = access.load_unit(user, body["unit_id"], "schedule.manage")
    try:
        template(body["template_key"])
    except KeyError:
        raise ApiError(
            422, "validation_error", "Unknown template.", {"template_key": ["Not configured."]}
        ) from None
    return create_schedule(user, unit, body)


@blp.route("", methods=["GET"])
@login_required
@blp.response(200, schemas.SchedulesResponse)
def list_schedules():
    """Schedules of the units the caller administers."""
    units = access.unit_ids_where(current_user(), "schedule.manage")
    return {"schedules": schedules_in(units)}


@blp.route("/<int:schedule_id>", methods=["DELETE"])
@login_required
@blp.response(204)
def delete(schedule_id: int):
    """Delete a schedule of a unit the caller administers."""
    delete_schedule(current_user(), schedule_id)
