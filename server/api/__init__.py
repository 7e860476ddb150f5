"""The JSON API under /api/v1: small flask-smorest blueprints, one per resource."""

from __future__ import annotations

from flask_smorest import Api

from server.api import (
    auth,
    buses,
    campaigns,
    campus,
    checklists,
    checkpoints,
    children,
    console_logins,
    evaluation,
    figures,
    guard,
    hazards,
    health,
    inbox,
    invitations,
    me,
    media,
    notices,
    patrol_plans,
    patrol_rounds,
    patrols,
    photos,
    reviews,
    roster,
    schedules,
    staff,
    supervision,
    todo,
    units,
    visits,
    water_points,
)
from server.api import exports as exports_api


def register_blueprints(api: Api) -> None:
    """Attach every blueprint to the API (and so to the OpenAPI document)."""
    for module in (
        auth,
        me,
        units,
        campus,
        invitations,
        staff,
        children,
        roster,
        campaigns,
        photos,
        hazards,
        patrols,
        checklists,
        checkpoints,
        inbox,
        notices,
        schedules,
        patrol_plans,
        patrol_rounds,
        reviews,
        todo,
        health,
        media,
        guard,
        buses,
        water_points,
        figures,
        evaluation,
        visits,
        supervision,
        exports_api,
        console_logins,
    ):
        api.register_blueprint(module.blp)
