"""Invitations of a unit (invitation.create): the list, making one for a role (and a class for
a class teacher), its QR code to show or print, and withdrawing it."""

from __future__ import annotations

import marshmallow as ma
from flask import Response, g, redirect, render_template, request, url_for

from server.api.schemas import InvitationCreate
from server.console import bp
from server.console.session import console_login_required
from server.console.views_people import unit_of_request
from server.errors import ApiError
from server.models import utcnow
from server.roles import ROLES
from server.services import console_units
from server.services import invitations as service

CREATE = "invitation.create"
FIELD_NAMES = {
    "role": "角色",
    "class_id": "班级",
    "max_uses": "可用人数",
    "expires_in_hours": "有效时长",
}
REFUSALS = {
    "role_not_allowed_here": "这个角色不能设在该单位。",
    "validation_error": "请检查填写的内容：班主任须选择本校的班级，其他角色不选班级。",
}


def _page(unit_id: int, form: dict[str, str], message: str | None, status: int = 200):
    """The invitations page of a unit: the form (as last filled in) and the list."""
    units, _asked = unit_of_request(CREATE)
    unit, roles, classes = console_units.invitation_choices(g.user, unit_id)
    found = service.list_invitations(g.user, unit.id)
    page = render_template(
        "console/invitations.html",
        units=units,
        unit=unit,
        roles=roles,
        role_names={code: role.name for code, role in ROLES.items()},
        classes=classes,
        invitations=[service.view(i) for i in found],
        now=utcnow(),
        form=form,
        message=message,
        created=request.args.get("created", ""),
    )
    return page, status


@bp.route("/invitations", methods=["GET", "POST"])
@console_login_required
def invitations():
    """A unit's invitations; a POST makes one and comes back to the list with its QR code."""
    _units, unit_id = unit_of_request(CREATE)
    if request.method == "GET":
        return _page(unit_id, {}, None)
    form = request.form.to_dict()
    given = {k: v for k, v in form.items() if k in FIELD_NAMES and v.strip()}
    try:
        data = InvitationCreate().load({**given, "unit_id": unit_id})
    except ma.ValidationError as error:
        names = sorted(error.messages) if isinstance(error.messages, dict) else []
        shown = "、".join(FIELD_NAMES.get(name, name) for name in names)
        return _page(unit_id, form, "请正确填写：" + shown, 422)
    try:
        invitation = service.create_invitation(
            g.user,
            unit_id,
            data["role"],
            data["class_id"],
            data["max_uses"],
            data["expires_in_hours"],
        )
    except ApiError as error:
        if error.status != 422:
            raise
        return _page(unit_id, form, REFUSALS.get(error.code, "无法生成邀请码。"), 422)
    return redirect(url_for("console.invitations", unit_id=unit_id, created=invitation.id))


@bp.route("/invitations/<int:invitation_id>/qr.png", methods=["GET"])
@console_login_required
def invitation_qr(invitation_id: int):
    """The invitation's QR code (the same PNG as the API's), to show or print."""
    png = service.invitation_qr_png(g.user, invitation_id)
    return Response(png, mimetype="image/png", headers={"Cache-Control": "private, max-age=300"})


@bp.route("/invitations/<int:invitation_id>/revoke", methods=["POST"])
@console_login_required
def invitation_revoke(invitation_id: int):
    """Withdraw an invitation (roles already given stay), back to its unit's list."""
    service.revoke_invitation(g.user, invitation_id)
    invitation = service.get_administered_invitation(g.user, invitation_id)
    return redirect(url_for("console.invitations", unit_id=invitation.unit_id))
