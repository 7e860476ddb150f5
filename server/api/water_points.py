"""The dangerous water points near schools (防溺水): the registry (list, register, read, edit,
retire), the caller's due visits and the coverage figures. A visit itself is a patrol round:
``GET /checkpoints/scan?checkpoint_id=`` then ``POST /patrols`` with ``checkpoint_id``."""

from __future__ import annotations

from flask_smorest import Blueprint

from server.api import water_schemas as schemas
from server.auth import current_user, login_required
from server.models import utcnow
from server.services import water_coverage, water_points, water_views

blp = Blueprint(
    "water_points", __name__, url_prefix="/api/v1/water-points", description="Water points"
)


@blp.route("", methods=["GET"])
@login_required
@blp.arguments(schemas.WaterPointListQuery, location="query")
@blp.response(200, schemas.WaterPointsResponse)
def list_points(query):
    """The active points concerning a school at ``unit_id`` or below, by name (staff who see
    the unit); ``include_inactive=1`` adds retired ones (water.manage)."""
    points = water_views.points_at(
        current_user(), query["unit_id"], query["include_inactive"], utcnow()
    )
    return {"water_points": points}


@blp.route("", methods=["POST"])
@login_required
@blp.arguments(schemas.WaterPointCreate)
@blp.response(201, schemas.WaterPointSchema)
def create(body):
    """Register a point (water.manage at every school it concerns); the schools' water patrols
    are due to visit it in the current window at once."""
    user = current_user()
    return water_views.view(water_points.create(user, body), user, utcnow()), 201


@blp.route("/due", methods=["GET"])
@login_required
@blp.response(200, schemas.DueResponse)
def due():
    """The caller's open water visits whose window has opened or opens within 24 hours,
    earliest closing first."""
    return water_views.due(current_user(), utcnow())


@blp.route("/coverage", methods=["GET"])
@login_required
@blp.arguments(schemas.CoverageQuery, location="query")
@blp.response(200, schemas.CoverageResponse)
def coverage(query):
    """Visits due, done, late, missed and open per school, point and period of the schools at
    ``unit_id`` and below, and the windows missed (patrol.view; at most 400 days)."""
    return water_coverage.coverage(
        current_user(), query["unit_id"], query["date_from"], query["date_to"], utcnow()
    )


@blp.route("/<int:point_id>", methods=["GET"])
@login_required
@blp.response(200, schemas.WaterPointSchema)
def get_point(point_id: int):
    """One point (404 unless the caller sees a school it concerns)."""
    user = current_user()
    return water_views.view(water_points.load_visible(user, point_id), user, utcnow())


@blp.route("/<int:point_id>", methods=["PATCH"])
@login_required
@blp.arguments(schemas.WaterPointPatch)
@blp.response(200, schemas.WaterPointSchema)
def change(body, point_id: int):
    """Edit a point, its schools or ``active`` (water.manage at every school it concerns,
    before and after)."""
    user = current_user()
    return water_views.view(water_points.change(user, point_id, body), user, utcnow())


@blp.route("/<int:point_id>", methods=["DELETE"])
@login_required
@blp.response(204)
def retire(point_id: int):
    """Retire a point: its open windows are dropped; its visits stay in the history."""
    water_points.retire(current_user(), point_id)
