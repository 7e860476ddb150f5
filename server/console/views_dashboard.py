"""The overview: the hazards in scope by status and by area, as a chart and as a table."""

from __future__ import annotations

from flask import g, render_template

from server.console import bp, labels
from server.console.session import console_login_required
from server.services import console_ledger


@bp.route("/", methods=["GET"])
@console_login_required
def dashboard():
    """Where the user's units stand: counts by status and by area, and how many are overdue."""
    by_status = console_ledger.counts_by_status(g.user)
    statuses = [
        {"code": code, "name": name, "count": by_status.get(code, 0)}
        for code, name in labels.STATUS_NAMES.items()
    ]
    by_area = console_ledger.counts_by_area(g.user)
    areas = [{"name": name, "count": count} for name, count in by_area]
    # The chart draws the very numbers the tables show.
    chart = {
        name: {"names": [row["name"] for row in rows], "counts": [row["count"] for row in rows]}
        for name, rows in (("status", statuses), ("area", areas))
    }
    return render_template(
        "console/dashboard.html",
        statuses=statuses,
        areas=areas,
        total=sum(by_status.values()),
        overdue=console_ledger.overdue_count(g.user),
        chart=chart,
    )
