"""A school's campus boundary: read by everyone who sees the school, drawn by its managers."""

from __future__ import annotations

from flask_smorest import Blueprint

from server.api.campus_schemas import CampusDraw, CampusSchema
from server.auth import current_user, login_required
from server.services.units import campus_of, campus_view, draw_campus

blp = Blueprint("campus", __name__, url_prefix="/api/v1/units", description="Campus boundaries")


@blp.route("/<int:unit_id>/campus", methods=["GET"])
@login_required
@blp.response(200, CampusSchema)
def get_campus(unit_id: int):
    """The school's campus boundary (reports outside it are flagged off campus)."""
    return campus_view(campus_of(current_user(), unit_id))


@blp.route("/<int:unit_id>/campus", methods=["PUT"])
@login_required
@blp.arguments(CampusDraw)
@blp.response(200, CampusSchema)
def put_campus(body, unit_id: int):
    """Draw the campus: a centre and radius picked on the map, or a polygon."""
    return campus_view(draw_campus(current_user(), unit_id, body))
