"""The console's navigation bar: every page in one list, each shown when its view exists and
the user holds its capability somewhere (the page itself still checks the unit asked for)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from flask import current_app, g, request, url_for

from server import access
from server.console import bp


@dataclass(frozen=True)
class NavItem:
    """One link: the view it opens, its Chinese name, the views that mark it current, and the
    capability a user needs somewhere to see it (None: every console user)."""

    endpoint: str
    name: str
    current: tuple[str, ...]
    capability: str | None = None


NAV = (
    NavItem("console.dashboard", "概览", ("console.dashboard",)),
    NavItem("console.hazards", "隐患台账", ("console.hazards", "console.hazard")),
    NavItem("console.overdue", "逾期与升级", ("console.overdue",)),
    NavItem("console.patrols", "巡查", ("console.patrols",), "patrol.view"),
    NavItem("console.water", "防溺水", ("console.water",), "patrol.view"),
    NavItem("console.buses", "校车", ("console.buses",), "patrol.view"),
    NavItem("console.notices", "通知", ("console.notices", "console.notice"), "notice.completion"),
    NavItem(
        "console.visits",
        "督导检查",
        ("console.visits", "console.visit", "console.visit_new"),
        "visit.record",
    ),
    NavItem(
        "console.evaluation",
        "年终考评",
        ("console.evaluation", "console.evaluation_school"),
        "figures.view",
    ),
    NavItem("console.map", "地图", ("console.map",)),
    NavItem("console.exports", "导出", ("console.exports", "console.export_log"), "export.create"),
    NavItem(
        "console.people",
        "人员",
        ("console.people", "console.invitations", "console.imports"),
        "staff.manage",
    ),
)


def _holds_somewhere(capability: str) -> bool:
    """Whether the logged-in user holds ``capability`` at any of their units."""
    user = g.get("user")
    return user is not None and access.may_somewhere(user, capability)


@bp.context_processor
def _nav() -> dict[str, Any]:
    """The links this user sees, the current one marked."""
    here = request.endpoint
    links = [
        {"href": url_for(item.endpoint), "name": item.name, "on": here in item.current}
        for item in NAV
        if item.endpoint in current_app.view_functions
        and (item.capability is None or _holds_somewhere(item.capability))
    ]
    return {"nav_links": links}
