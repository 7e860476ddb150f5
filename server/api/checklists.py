"""Checklist templates: those in effect at a school, and a unit's own items."""

from __future__ import annotations

from flask_smorest import Blueprint

from server.api import checklist_schemas as schemas
from server.auth import current_user, login_required
from server.services import checklists
from server.services.checklist_views import template_view, template_views

blp = Blueprint(
    "checklists", __name__, url_prefix="/api/v1/checklists", description="Checklist templates"
)


@blp.route("", methods=["GET"])
@login_required
@blp.arguments(schemas.ChecklistQuery, location="query")
@blp.response(200, schemas.ChecklistTemplatesResponse)
def list_templates(query):
    """The templates in effect at a school (or another unit): its own, its supervisors', else
    the shipped version of each code. For those who patrol or watch patrols there."""
    user = current_user()
    return {"templates": template_views(checklists.in_effect_for(user, query["school_id"]), user)}


@blp.route("/<string:code>/items", methods=["POST"])
@login_required
@blp.arguments(schemas.AddItems)
@blp.response(201, schemas.ChecklistTemplateSchema)
@blp.alt_response(409, description="The unit's version changed meanwhile")
def add_items(body, code: str):
    """Add the unit's own items: a new version for the unit and the schools below it, made of
    the items in effect at the unit plus these (checklist.manage at the unit)."""
    user = current_user()
    template = checklists.add_items(user, code, body["unit_id"], body["items"])
    return template_view(template, user), 201
