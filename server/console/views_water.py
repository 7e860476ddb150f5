"""Dangerous water points (防溺水): each point with its safety measures and its visits' coverage
over a period (the water_views and water_coverage services), and the windows that passed
without a visit."""

from __future__ import annotations

from flask import g, render_template, request

from server.console import bp
from server.console.scope import resolve
from server.console.session import console_login_required
from server.extensions import db
from server.models import Unit, utcnow
from server.services import water_coverage, water_views


@bp.route("/water", methods=["GET"])
@console_login_required
def water():
    """The unit's water points, their measures and coverage, and the missed windows."""
    scope = resolve(g.user, request.args.to_dict(), "patrol.view")
    now = utcnow()
    coverage = water_coverage.coverage(g.user, scope.unit_id, scope.first, scope.last, now)
    points = water_views.points_at(g.user, scope.unit_id, False, now)
    by_point = {row["water_point"]["id"]: row for row in coverage["points"]}
    return render_template(
        "console/water.html",
        scope=scope,
        # The coverage has checked the unit: its name titles the page.
        unit_name=db.session.get(Unit, scope.unit_id).name,
        coverage=coverage,
        points=[{"point": point, "coverage": by_point.get(point["id"])} for point in points],
    )
