"""Browsing units and classes within the caller's scope."""

from __future__ import annotations

from flask_smorest import Blueprint

from server import access
from server.api.schemas import ClassesResponse, UnitListQuery, UnitSchema, UnitsResponse
from server.auth import current_user, login_required
from server.services.units import classes_of, visible_children

blp = Blueprint("units", __name__, url_prefix="/api/v1/units", description="Units in scope")


@blp.route("", methods=["GET"])
@login_required
@blp.arguments(UnitListQuery, location="query")
@blp.response(200, UnitsResponse)
def list_units(query):
    """The caller's top units (``administered``: only those it administers), or the children
    of ``parent_id`` (which must be in scope)."""
    units = visible_children(current_user(), query.get("parent_id"), query["administered"])
    return {"units": units}


@blp.route("/<int:unit_id>", methods=["GET"])
@login_required
@blp.response(200, UnitSchema)
def get_unit(unit_id: int):
    """One unit in scope."""
    return access.load_unit(current_user(), unit_id)


@blp.route("/<int:unit_id>/classes", methods=["GET"])
@login_required
@blp.response(200, ClassesResponse)
def list_classes(unit_id: int):
    """A school's classes; class codes only for the school's own staff."""
    return {"classes": classes_of(current_user(), unit_id)}
