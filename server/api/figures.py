"""The supervision figures of a unit, its children and its hazards by area, focus problem and
phase (``server/services/figures.py`` says what counts)."""

from __future__ import annotations

from flask_smorest import Blueprint

from server.api import figures_schemas as schemas
from server.auth import current_user, login_required
from server.models import utcnow
from server.services import figures

blp = Blueprint("figures", __name__, url_prefix="/api/v1/figures", description="Figures")


@blp.route("", methods=["GET"])
@login_required
@blp.arguments(schemas.FiguresQuery, location="query")
@blp.response(200, schemas.FiguresResponse)
def unit_figures(query):
    """The figures of the unit and each of its direct children (by name) for the period, and
    its hazards by area, focus problem and phase (figures.view; at most 400 days; the children
    add up to the unit)."""
    return figures.figures(
        current_user(), query["unit_id"], query["date_from"], query["date_to"], utcnow()
    )
