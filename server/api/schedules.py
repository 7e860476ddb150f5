"""Scheduled pushes (water-area checks, bus inspections, reminders in season)."""

from __future__ import annotations

from flask_smorest import Blueprint

from server.api import notice_schemas as schemas
from server.auth import current_user, login_required
from server.errors import ApiError
from server.extensions import db
from server.models import ScheduledPush, Unit
from server.services.notify import template
from server.services.schedules import create_schedule, schedules_below
from server.services.scope import admin_grants, covers, require_unit_administered

blp = Blueprint(
    "schedules", __name__, url_prefix="/api/v1/schedules", description="Scheduled pushes"
)


def schedule_dict(schedule: ScheduledPush) -> dict:
    """A schedule as its admins see it."""
    return {name: getattr(schedule, name) for name in schemas.ScheduleSchema().fields}


@blp.route("", methods=["POST"])
@login_required
@blp.arguments(schemas.ScheduleCreate)
@blp.response(201, schemas.ScheduleSchema)
def create(body):
    """Create a schedule for a unit the caller administers."""
    user = current_user()
    unit = require_unit_administered(user, body["unit_id"])
    try:
        template(body["template_key"])
    except KeyError:
        raise ApiError(
            422, "validation_error", "Unknown template.", {"template_key": ["Not configured."]}
        ) from None
    return schedule_dict(create_schedule(user.id, unit, body))


@blp.route("", methods=["GET"])
@login_required
@blp.response(200, schemas.SchedulesResponse)
def list_schedules():
    """Schedules of the units the caller administers."""
    paths = [g.unit.path for g in admin_grants(current_user())]
    return {"schedules": [schedule_dict(s) for s in schedules_below(paths)]}


@blp.route("/<int:schedule_id>", methods=["DELETE"])
@login_required
@blp.response(204)
def delete(schedule_id: int):
    """Delete a schedule of a unit the caller administers."""
    schedule = db.session.get(ScheduledPush, schedule_id)
    unit = db.session.get(Unit, schedule.unit_id) if schedule else None
    if unit is None or not covers(admin_grants(current_user()), unit):
        raise ApiError(404, "not_found", "No such schedule in your scope.")
    db.session.delete(schedule)
    db.session.commit()
