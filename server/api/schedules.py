"""Scheduled pushes (water-area checks, bus inspections, reminders in season)."""

from __future__ import annotations

from flask_smorest import Blueprint

from server import access
from server.api import notice_schemas as schemas
from server.auth import current_user, login_required
from server.errors import ApiError
from server.services.notify import template
from server.services.schedule_edits import (
    create_schedule,
    delete_schedule,
    schedules_in,
    update_schedule,
)

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
    _known_template(body["template_key"])
    return create_schedule(user, unit, body)


@blp.route("", methods=["GET"])
@login_required
@blp.response(200, schemas.SchedulesResponse)
def list_schedules():
    """Schedules of the units the caller administers."""
    units = access.unit_ids_where(current_user(), "schedule.manage")
    return {"schedules": schedules_in(units)}


def _known_template(key: str) -> None:
    """422 for a template the deployment has not configured."""
    try:
        template(key)
    except KeyError:
        raise ApiError(
            422, "validation_error", "Unknown template.", {"template_key": ["Not configured."]}
        ) from None


@blp.route("/<int:schedule_id>", methods=["PATCH"])
@login_required
@blp.arguments(schemas.ScheduleEdit(partial=True))
@blp.response(200, schemas.ScheduleSchema)
def edit(body, schedule_id: int):
    """Edit a schedule of a unit the caller administers (the fields given; the rest stay)."""
    if "template_key" in body:
        _known_template(body["template_key"])
    return update_schedule(current_user(), schedule_id, body)


@blp.route("/<int:schedule_id>", methods=["DELETE"])
@login_required
@blp.response(204)
def delete(schedule_id: int):
    """Delete a schedule of a unit the caller administers."""
    delete_schedule(current_user(), schedule_id)
