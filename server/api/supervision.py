"""Careless or slow schools with their evidence, and accountability actions against units."""

from __future__ import annotations

from flask_smorest import Blueprint

from server import access
from server.api import visit_schemas as schemas
from server.auth import current_user, login_required
from server.clock import local_today
from server.services import accountability, laggards

blp = Blueprint("supervision", __name__, url_prefix="/api/v1", description="Accountability")


@blp.route("/supervision/laggards", methods=["GET"])
@login_required
@blp.arguments(schemas.LaggardQuery, location="query")
@blp.response(200, schemas.LaggardList)
@blp.alt_response(403, description="No figures.view at the unit")
def list_laggards(query):
    """The schools below the unit that are careless or slow in the period (default the last
    30 days): overdue hazards or missed patrols over the thresholds, worst first, with evidence."""
    unit = access.load_unit(current_user(), query["unit_id"], "figures.view")
    today = local_today()
    start, end = laggards.period(query, today)
    return {
        "unit": unit,
        "from": start,
        "to": end,
        "thresholds": {
            "overdue": laggards.OVERDUE_THRESHOLD,
            "missed_patrols": laggards.MISSED_THRESHOLD,
        },
        "laggards": laggards.laggards(unit, start, end, today),
    }


@blp.route("/units/<int:unit_id>/accountability", methods=["POST"])
@login_required
@blp.arguments(schemas.ActionCreate)
@blp.response(201, schemas.ActionSchema)
@blp.alt_response(403, description="No accountability.record strictly above the unit")
def record_action(body, unit_id: int):
    """Record an accountability action (约谈, 通报) against a unit below the caller's; the
    unit's admins are told."""
    user = current_user()
    action = accountability.record(user, unit_id, body, local_today())
    return accountability.view(action, user)


@blp.route("/units/<int:unit_id>/accountability", methods=["GET"])
@login_required
@blp.response(200, schemas.ActionList)
@blp.alt_response(403, description="Neither figures.view at the unit nor its admin")
def list_actions(unit_id: int):
    """The accountability actions recorded against the unit, newest first."""
    user = current_user()
    unit = accountability.load_unit(user, unit_id)
    return {"actions": accountability.of_unit(user, unit)}
