"""Overdue and escalated hazards: past their deadline and still open, the oldest first."""

from __future__ import annotations

from flask import g, render_template

from server.clock import local_today
from server.console import bp
from server.console.session import console_login_required
from server.services import console_ledger, hazard_views


@bp.route("/overdue", methods=["GET"])
@console_login_required
def overdue():
    """Every overdue hazard in scope with its days late and its escalation level."""
    today = local_today()
    found = console_ledger.overdue(g.user)
    late = [{"days": (today - h.deadline).days} for h in found]
    rows = hazard_views.summaries(found, today, g.user, per_row=late)
    return render_template("console/overdue.html", rows=rows, limit=console_ledger.OVERDUE_LIMIT)
