"""The caller's rounds of the day, and patrol compliance of a unit's subtree."""

from __future__ import annotations

from datetime import timedelta

from flask_smorest import Blueprint

from server.api import patrol_plan_schemas as schemas
from server.auth import current_user, login_required
from server.clock import local_today
from server.errors import ApiError
from server.models import utcnow
from server.services import patrol_compliance, patrol_today

blp = Blueprint("patrol_rounds", __name__, url_prefix="/api/v1/patrols", description="Patrol slots")
# The longest period compliance is counted over in one request.
MAX_PERIOD = timedelta(days=366)
DEFAULT_PERIOD = timedelta(days=29)


@blp.route("/today", methods=["GET"])
@login_required
@blp.response(200, schemas.PatrolTodayResponse)
def today():
    """The caller's slots today (named, or by a role they hold at the school), by opening."""
    return patrol_today.today(current_user(), utcnow())


@blp.route("/compliance", methods=["GET"])
@login_required
@blp.arguments(schemas.PatrolComplianceQuery, location="query")
@blp.response(200, schemas.PatrolComplianceResponse)
def compliance(query):
    """Done on time, done late, missed and late submissions per checkpoint, person or school
    of a unit's subtree, over a period of days (both ends included)."""
    date_to = query["date_to"] or local_today()
    date_from = query["date_from"] or date_to - DEFAULT_PERIOD
    if date_from > date_to or date_to - date_from > MAX_PERIOD:
        raise ApiError(
            422,
            "validation_error",
            "The period runs from date_from to date_to, at most 366 days.",
            {"date_from": ["After date_to, or more than 366 days before it."]},
        )
    return patrol_compliance.compliance(
        current_user(), query["unit_id"], date_from, date_to, query["by"], utcnow()
    )
