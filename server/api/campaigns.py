"""The active campaign and its taxonomy, for the mini-program's pickers."""

from __future__ import annotations

from flask_smorest import Blueprint

from server.api.schemas import CampaignSchema
from server.auth import login_required
from server.clock import local_today
from server.errors import ApiError
from server.services.campaigns import active_campaign, campaign_by_code, campaign_view

blp = Blueprint("campaigns", __name__, url_prefix="/api/v1/campaigns", description="Campaigns")


@blp.route("/active", methods=["GET"])
@login_required
@blp.response(200, CampaignSchema)
def active():
    """The campaign running today (or the latest one, between campaigns)."""
    today = local_today()
    campaign = active_campaign(today)
    if campaign is None:
        raise ApiError(404, "no_active_campaign", "No campaign has been loaded.")
    return campaign_view(campaign, today)


@blp.route("/<string:code>", methods=["GET"])
@login_required
@blp.response(200, CampaignSchema)
def by_code(code: str):
    """One campaign by its code."""
    campaign = campaign_by_code(code)
    if campaign is None:
        raise ApiError(404, "not_found", "No campaign has this code.")
    return campaign_view(campaign, local_today())
