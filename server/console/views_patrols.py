"""Patrols by hand: compliance per school of a unit over a period (the patrol_compliance
service), and for a school (or with ``missed=true``, for any unit) the slots themselves with
their state and the round that did each (the slot_list service). Water visits and bus
inspections have their own pages, so these are the figures' patrol compliance numbers."""

from __future__ import annotations

from flask import g, render_template, request

from server.console import bp
from server.console.scope import resolve
from server.console.session import console_login_required
from server.models import utcnow
from server.roles import SCHOOL_KINDS
from server.services import patrol_compliance, slot_list

STATE_NAMES = {
    "cleared": "按时完成",
    "late": "迟到完成",
    "missed": "漏巡",
    "pending": "待巡查",
    "failed": "检查不合格",
}


@bp.route("/patrols", methods=["GET"])
@console_login_required
def patrols():
    """Compliance per school (per checkpoint for a school) and the slots of the period."""
    scope = resolve(g.user, request.args.to_dict(), "patrol.view")
    now = utcnow()
    by_school = patrol_compliance.compliance(
        g.user, scope.unit_id, scope.first, scope.last, "school", now, only_kind=None
    )
    unit = by_school["unit"]
    is_school = unit.kind in SCHOOL_KINDS
    by_checkpoint = (
        patrol_compliance.compliance(
            g.user, scope.unit_id, scope.first, scope.last, "checkpoint", now, only_kind=None
        )
        if is_school
        else None
    )
    listed = None
    if is_school or scope.missed:
        listed = slot_list.slots(
            g.user, scope.unit_id, scope.first, scope.last, now, missed_only=scope.missed, kind=None
        )
    return render_template(
        "console/patrols.html",
        scope=scope,
        unit=unit,
        is_school=is_school,
        by_school=by_school,
        by_checkpoint=by_checkpoint,
        listed=listed,
        state_names=STATE_NAMES,
    )
