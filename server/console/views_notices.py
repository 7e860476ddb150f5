"""Notices: those that reached a unit's children with the acknowledgment rate of the unit and of
each child unit (notice_completion.reaching), and one notice's completion by school or class
(notice_completion.completion), drilling down to a school."""

from __future__ import annotations

from flask import g, render_template, request

from server import access
from server.console import bp
from server.console.scope import resolve
from server.console.session import console_login_required
from server.extensions import db
from server.models import Notice
from server.services import notice_completion


@bp.route("/notices", methods=["GET"])
@console_login_required
def notices():
    """The notices reaching the unit, newest first, with their acknowledgment rates."""
    scope = resolve(g.user, request.args.to_dict(), "notice.completion")
    found = notice_completion.reaching(g.user, scope.unit_id)
    return render_template(
        "console/notices.html",
        scope=scope,
        unit=found["unit"],
        unit_name=found["unit"].name,
        with_period=False,
        found=found,
    )


@bp.route("/notices/<int:notice_id>", methods=["GET"])
@console_login_required
def notice(notice_id: int):
    """One notice's completion at the unit: per child unit, or per class for a school."""
    scope = resolve(g.user, request.args.to_dict(), "notice.completion")
    completion = notice_completion.completion(g.user, notice_id, scope.unit_id)
    unit = completion["unit"]
    return render_template(
        "console/notice.html",
        scope=scope,
        unit=unit,
        unit_name=unit.name,
        with_period=False,
        # completion() has checked that the notice concerns the unit.
        sent=db.session.get(Notice, notice_id),
        completion=completion,
        parent=(
            unit.parent
            if unit.parent is not None and access.may(g.user, "notice.completion", unit.parent)
            else None
        ),
    )
