"""School buses (校车): the trips' clearance over a period (the figures' rule), each bus with its
papers' alerts (bus_views), and the pre-departure inspections of the period, each trip's slot
with its state and inspector (slot_list, the bus board's states)."""

from __future__ import annotations

from flask import g, render_template, request

from server import access
from server.clock import local_today
from server.console import bp
from server.console.scope import resolve
from server.console.session import console_login_required
from server.models import utcnow
from server.services import bus_views, slot_list

STATE_NAMES = {
    "cleared": "检查合格",
    "late": "迟到检查(合格)",
    "missed": "未检查",
    "pending": "待检查",
    "failed": "检查不合格",
}


@bp.route("/buses", methods=["GET"])
@console_login_required
def buses():
    """The unit's buses, their alerts and clearance, and the period's inspections."""
    scope = resolve(g.user, request.args.to_dict(), "patrol.view")
    unit = access.load_unit(g.user, scope.unit_id, "patrol.view")
    now = utcnow()
    found = bus_views.buses_under(g.user, unit.id, False)
    listed = slot_list.slots(g.user, unit.id, scope.first, scope.last, now, kind="bus")
    plates = {bus.checkpoint_id: bus.plate for bus in found}
    return render_template(
        "console/buses.html",
        scope=scope,
        unit=unit,
        unit_name=unit.name,
        clearance=slot_list.slot_figures(unit, scope.first, scope.last, now)["buses"],
        buses=[
            {"bus": view, "alerts": bus_views.alerts(bus, local_today())}
            for bus, view in zip(found, bus_views.views(found, g.user), strict=True)
        ],
        listed=listed,
        plates=plates,
        state_names=STATE_NAMES,
    )
