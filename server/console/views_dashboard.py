"""The overview: a unit's supervision figures for a period (the figures service, the same
numbers as ``GET /api/v1/figures``), drawn as charts and listed per child unit, each child
opening its own overview (drill-down) and, for a school, its ledger and its overdue hazards."""

from __future__ import annotations

from typing import Any

from flask import g, render_template, request

from server import access
from server.console import bp
from server.console.scope import resolve
from server.console.session import console_login_required
from server.models import Unit, utcnow
from server.roles import SCHOOL_KINDS
from server.services import figures

# The hazards' states the first chart shows, as (figure, Chinese name).
STATES = (
    ("fixed_on_spot", "当场整改"),
    ("verified", "整改验收"),
    ("open", "未整改"),
    ("overdue", "逾期未整改"),
    ("closed_not_hazard", "非隐患关闭"),
)


def _parent(unit: Unit) -> Unit | None:
    """The unit above, when the user may see its figures too (the way back up)."""
    parent = unit.parent
    return parent if parent is not None and access.may(g.user, "figures.view", parent) else None


def _charts(found: dict[str, Any]) -> dict[str, Any]:
    """The two charts' series: the period's hazards by state, and found by area."""
    totals = found["totals"]
    return {
        "status": {
            "names": [name for _code, name in STATES],
            "counts": [totals[code] for code, _name in STATES],
        },
        "area": {
            "names": [row["area"].name for row in found["by_area"]],
            "counts": [row["found"] for row in found["by_area"]],
        },
    }


@bp.route("/", methods=["GET"])
@console_login_required
def dashboard():
    """The unit's figures for the period, its charts, and its children to drill into."""
    scope = resolve(g.user, request.args.to_dict(), "figures.view")
    found = figures.figures(g.user, scope.unit_id, scope.first, scope.last, utcnow())
    return render_template(
        "console/dashboard.html",
        scope=scope,
        figures=found,
        unit=found["unit"],
        parent=_parent(found["unit"]),
        states=STATES,
        school_kinds=SCHOOL_KINDS,
        chart=_charts(found),
    )
