"""People of a unit (staff.manage): who holds which role, revoking a role, disabling and
enabling an account, and the audit of those changes (the same services as the API)."""

from __future__ import annotations

from typing import Any

import marshmallow as ma
from flask import current_app, g, redirect, render_template, request, url_for

from server import access
from server.api.fields import Id
from server.console import bp
from server.console.forms import parse
from server.console.session import console_login_required
from server.roles import ROLES
from server.services import console_units, staff

MANAGE = "staff.manage"
AUDIT_NAMES = {
    "grant_revoked": "撤销角色",
    "user_disabled": "停用账号",
    "user_enabled": "启用账号",
}
DONE_NAMES = {
    "revoked": "已撤销该角色。",
    "disabled": "已停用该账号。",
    "enabled": "已启用该账号。",
}


# The people pages' tabs: each shown when its view exists and the user holds one of its
# capabilities somewhere.
TABS = (
    ("console.people", "人员与角色", ("staff.manage",)),
    ("console.invitations", "邀请码", ("invitation.create",)),
    ("console.imports", "表格导入", ("units.import", "water.manage")),
)


@bp.context_processor
def _tabs() -> dict[str, Any]:
    """The tabs of the people pages (only computed on them)."""
    if request.endpoint not in {endpoint for endpoint, _name, _caps in TABS}:
        return {}
    user = g.get("user")
    shown = [
        (endpoint, name)
        for endpoint, name, capabilities in TABS
        if endpoint in current_app.view_functions
        and user is not None
        and any(access.may_somewhere(user, cap) for cap in capabilities)
    ]
    return {"people_tabs": shown}


class UnitQuery(ma.Schema):
    """A page's unit (the form's return address too)."""

    class Meta:
        unknown = ma.EXCLUDE

    unit_id = Id()


def unit_of_request(capability: str):
    """The units offered for ``capability`` and the id of the one asked for (or the first)."""
    query, _invalid = parse(UnitQuery(), {**request.args.to_dict(), **request.form.to_dict()})
    units = console_units.units_where(g.user, capability)
    unit = console_units.chosen(units, query.get("unit_id"))
    return units, unit.id if unit is not None else query["unit_id"]


@bp.route("/people", methods=["GET"])
@console_login_required
def people():
    """The staff of a unit and below with their roles, and the latest changes to them."""
    units, unit_id = unit_of_request(MANAGE)
    members = staff.list_staff(g.user, unit_id)
    records = staff.list_audit(g.user, unit_id)
    return render_template(
        "console/people.html",
        units=units,
        unit_id=unit_id,
        members=members,
        records=records,
        roles=ROLES,
        audit_names=AUDIT_NAMES,
        done=DONE_NAMES.get(request.args.get("done", "")),
    )


@bp.route("/people/grants/<int:grant_id>/revoke", methods=["POST"])
@console_login_required
def people_revoke(grant_id: int):
    """Take one role away from a person (never one's own), back to the list."""
    _units, unit_id = unit_of_request(MANAGE)
    staff.revoke_grant(g.user, grant_id)
    return redirect(url_for("console.people", unit_id=unit_id, done="revoked"))


@bp.route("/people/users/<int:user_id>/disable", methods=["POST"])
@console_login_required
def people_disable(user_id: int):
    """Disable an account (its sessions end at once), back to the list."""
    _units, unit_id = unit_of_request(MANAGE)
    staff.set_active(g.user, user_id, False)
    return redirect(url_for("console.people", unit_id=unit_id, done="disabled"))


@bp.route("/people/users/<int:user_id>/enable", methods=["POST"])
@console_login_required
def people_enable(user_id: int):
    """Enable a disabled account again, back to the list."""
    _units, unit_id = unit_of_request(MANAGE)
    staff.set_active(g.user, user_id, True)
    return redirect(url_for("console.people", unit_id=unit_id, done="enabled"))
