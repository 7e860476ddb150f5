"""The hazard ledger (台账) with its filters, and one hazard with its plan, photos and history."""

from __future__ import annotations

from urllib.parse import urlencode

from flask import g, render_template, request
from sqlalchemy import select

from server.clock import local_today
from server.console import bp
from server.console.forms import LedgerFilters, parse
from server.console.session import console_login_required
from server.extensions import db
from server.models import Area
from server.services import console_ledger, hazard_queries, hazard_views
from server.services.hazard_access import require_view


def _areas() -> list[Area]:
    """The campaign's areas, for the area filter."""
    return list(db.session.scalars(select(Area).order_by(Area.campaign_id, Area.seq)))


@bp.route("/hazards", methods=["GET"])
@console_login_required
def hazards():
    """The hazards in scope, filtered, twenty to a page, newest first."""
    filters, invalid = parse(LedgerFilters(), request.args.to_dict())
    page_no = filters.pop("page", 1)
    page = console_ledger.ledger(g.user, filters, page_no)
    units = console_ledger.units_in_scope(g.user)
    schools = console_ledger.schools_in_scope(units)
    rows = hazard_views.summaries(page.hazards, local_today(), g.user)
    kept = {name: value for name, value in request.args.items() if name != "page" and value}

    def page_url(number: int) -> str:
        """This ledger's URL at another page, with the same filters."""
        return "?" + urlencode({**kept, "page": number})

    return render_template(
        "console/hazards.html",
        rows=rows,
        page=page,
        page_url=page_url,
        filters=filters,
        args=request.args,
        invalid=invalid,
        groups=[unit for unit in units if unit not in schools],
        schools=schools,
        areas=_areas(),
    )


@bp.route("/hazards/<int:hazard_id>", methods=["GET"])
@console_login_required
def hazard(hazard_id: int):
    """One hazard: what, where, the plan, the photos before and after, and its history."""
    found = require_view(g.user, hazard_id)
    view = hazard_views.detail(found, g.user, local_today())
    events = hazard_views.event_views(hazard_queries.events_of(found), g.user)
    return render_template("console/hazard.html", hazard=view, events=events)
