"""Patrol plans of a school: who patrols which checkpoints, with which template, how often and
within which window (patrol.plan at the school; patrol.view may read them)."""

from __future__ import annotations

from flask_smorest import Blueprint

from server.api import patrol_plan_schemas as schemas
from server.auth import current_user, login_required
from server.services import patrol_plans

blp = Blueprint(
    "patrol_plans", __name__, url_prefix="/api/v1/patrol-plans", description="Patrol plans"
)


@blp.route("", methods=["GET"])
@login_required
@blp.arguments(schemas.PatrolPlanListQuery, location="query")
@blp.response(200, schemas.PatrolPlansResponse)
def list_plans(query):
    """The active plans of a school."""
    return {"plans": patrol_plans.plans_at(current_user(), query["school_id"])}


@blp.route("", methods=["POST"])
@login_required
@blp.arguments(schemas.PatrolPlanCreate)
@blp.response(201, schemas.PatrolPlanSchema)
def create(body):
    """Plan a school's rounds; today's slots are made at once."""
    return patrol_plans.create_plan(current_user(), body)


@blp.route("/<int:plan_id>", methods=["PATCH"])
@login_required
@blp.arguments(schemas.PatrolPlanPatch)
@blp.response(200, schemas.PatrolPlanSchema)
@blp.alt_response(409, description="plan_inactive: the plan was deleted")
def update(body, plan_id: int):
    """Change a plan; its open slots not yet closed follow the new rules."""
    return patrol_plans.update_plan(current_user(), plan_id, body)


@blp.route("/<int:plan_id>", methods=["DELETE"])
@login_required
@blp.response(204)
def delete(plan_id: int):
    """Deactivate a plan: no new slots, its open ones not yet closed are removed."""
    patrol_plans.deactivate_plan(current_user(), plan_id)
