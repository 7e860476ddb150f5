"""Supervision visits (督导检查): the visits the user sees, one visit with its team, schools,
findings and report, and a form recording a new one (the visits service, validated by the API's
own schema); beside the list, the laggard schools of a unit (laggards) with a form recording an
accountability action against one (约谈/通报, accountability.record)."""

from __future__ import annotations

from typing import Any

import marshmallow as ma
from flask import g, redirect, render_template, request, url_for

from server import access
from server.api.fields import Id
from server.api.visit_schemas import ActionCreate, VisitCreate
from server.clock import local_today
from server.console import bp
from server.console.scope import parse
from server.console.session import console_login_required
from server.errors import ApiError
from server.extensions import db
from server.models import Unit
from server.models.supervision import ACTION_KIND_NAMES, ORGANISATIONS
from server.roles import SCHOOL_KINDS
from server.services import accountability, laggards, visits_views
from server.services import visits as visit_service

TEAM_ROWS = 6
# The form's fields as the page names them when one is refused.
FIELD_NAMES = {
    "unit_id": "检查单位",
    "visit_date": "检查日期",
    "title": "检查名称（2至100字）",
    "announced": "检查方式",
    "team": "检查组成员（至少一人，每人填写姓名和单位）",
    "what_checked": "检查内容（至少2字）",
    "report": "检查报告",
    "status": "状态",
    "school_ids": "检查学校（至少选一所）",
    "school": "检查学校（须在检查单位之下）",
}
PER_PAGE = 50


class ActionTarget(ma.Schema):
    """Whom the accountability form names, and the list to return to."""

    unit_id = Id(required=True)
    back_unit_id = Id()


def _laggard_unit(unit_id: int | None) -> Unit | None:
    """The unit whose laggards show: the one asked for (figures.view there), else the user's
    first top unit holding figures.view, else none (the list alone)."""
    if unit_id is not None:
        return access.load_unit(g.user, unit_id, "figures.view")
    tops = access.top_units(g.user, "figures.view")
    return tops[0] if tops else None


@bp.route("/visits", methods=["GET"])
@console_login_required
def visits():
    """The visits the user sees (newest first) and the unit's laggard schools."""
    query = parse(request.args.to_dict())
    unit = _laggard_unit(query.get("unit_id"))
    today = local_today()
    filters: dict[str, Any] = {"limit": PER_PAGE, "offset": 0}
    if unit is not None and unit.kind in SCHOOL_KINDS:
        filters["school_id"] = unit.id
    rows, more = visit_service.page(g.user, filters, today)
    lagging, period = [], None
    if unit is not None:
        dates = {"from": query.get("date_from"), "to": query.get("date_to")}
        period = laggards.period({k: v for k, v in dates.items() if v is not None}, today)
        lagging = laggards.laggards(unit, *period, today)
    return render_template(
        "console/visits.html",
        visits=visits_views.views(rows, g.user),
        more=more is not None,
        unit=unit,
        tops=access.top_units(g.user, "figures.view"),
        period=period,
        laggards=lagging,
        may_record=access.may_somewhere(g.user, visit_service.RECORD),
        may_act={
            row["school"].id: access.may(g.user, accountability.RECORD, row["school"])
            for row in lagging
        },
        action_kinds=ACTION_KIND_NAMES,
    )


@bp.route("/visits/<int:visit_id>", methods=["GET"])
@console_login_required
def visit(visit_id: int):
    """One visit: team, schools, what was checked, findings (each to its hazard), report."""
    today = local_today()
    shown = visits_views.detail(visit_service.load(g.user, visit_id, today), g.user, today)
    return render_template("console/visit.html", visit=shown)


def _form_body(form) -> dict[str, Any]:
    """The visit form as the API's body (empty team rows left out)."""
    team = []
    for i in range(TEAM_ROWS):
        keys = ("name", "organisation", "role")
        member = {k: form.get(f"team-{i}-{k}", "").strip() for k in keys}
        if any(member.values()):
            team.append({**member, "role": member["role"] or None})
    body: dict[str, Any] = {
        "unit_id": form.get("unit_id", ""),
        "visit_date": form.get("visit_date", ""),
        "title": form.get("title", ""),
        "announced": form.get("announced", ""),
        "team": team,
        "what_checked": form.get("what_checked", ""),
        "report": form.get("report", "").strip() or None,
        "status": form.get("status", "") or "planned",
        "school_ids": form.getlist("school_ids"),
    }
    return body


def _named(messages: Any) -> list[str]:
    """The Chinese names of the refused fields."""
    fields = messages if isinstance(messages, dict) else {"_": messages}
    return sorted({FIELD_NAMES.get(str(field), "填写内容") for field in fields})


@bp.route("/visits/new", methods=["GET", "POST"])
@console_login_required
def visit_new():
    """The form recording a visit; on success, the new visit's page."""
    units = visit_service.visiting_units(g.user)
    if not units:
        raise access.forbidden(visit_service.RECORD)
    errors: list[str] = []
    status = 200
    if request.method == "POST":
        try:
            created = visit_service.create(g.user, VisitCreate().load(_form_body(request.form)))
            return redirect(url_for("console.visit", visit_id=created.id), code=303)
        except ma.ValidationError as error:
            errors, status = _named(error.messages), 422
        except ApiError as error:
            # A school out of reach of the visiting unit is "not found" to the API; on the
            # form it is a choice to correct.
            if error.status not in (404, 422):
                raise
            details = error.details if isinstance(error.details, dict) else {"school": []}
            errors, status = _named(details), 422
    return render_template(
        "console/visit_new.html",
        units=units,
        schools=visit_service.schools_to_visit(g.user),
        organisations=ORGANISATIONS,
        team_rows=TEAM_ROWS,
        form=request.form,
        picked=set(request.form.getlist("school_ids")),
        errors=errors,
        today=local_today(),
    ), status


@bp.route("/visits/accountability", methods=["POST"])
@console_login_required
def visit_accountability():
    """Record an accountability action against a school of the laggards list, then back."""
    try:
        target = ActionTarget().load(
            {k: v for k, v in request.form.items() if k in ("unit_id", "back_unit_id") and v}
        )
        data = ActionCreate().load(
            {"kind": request.form.get("kind", ""), "reason": request.form.get("reason", "")}
        )
    except ma.ValidationError as error:
        raise ApiError(422, "validation_error", "Invalid action.", error.messages) from error
    unit_id, back = target["unit_id"], target.get("back_unit_id")
    action = accountability.record(g.user, unit_id, data, local_today())
    target = db.session.get(Unit, action.unit_id)
    return redirect(
        url_for("console.visits", unit_id=back or target.parent_id, recorded=action.id), code=303
    )
