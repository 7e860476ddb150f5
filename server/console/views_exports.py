"""Exports on the console: ask for one (kind, format, unit, period), follow one's own jobs until
their files are ready, and the export log of a unit (who exported what, with people's data)."""

from __future__ import annotations

import marshmallow as ma
from flask import g, redirect, render_template, request, url_for
from marshmallow import validate

from server import access
from server.api.fields import BoundedDate, Id
from server.console import bp
from server.console.forms import parse
from server.console.session import console_login_required
from server.errors import ApiError
from server.models.exports import FORMATS, QUEUED, RUNNING
from server.services import console_units
from server.services.exports import KINDS, jobs, views

CREATE = "export.create"
LOG = "export.log"
FORMAT_NAMES = {"xlsx": "Excel", "csv": "CSV", "geojson": "GeoJSON"}
# The service's refusals, as the form shows them.
FIELD_NAMES = {
    "kind": "导出内容",
    "format": "格式",
    "unit_id": "单位",
    "from": "开始日期",
    "to": "结束日期",
}
REFUSALS = {
    "format_not_offered": "该导出不提供所选格式。",
    "invalid_period": "时间段无效：开始日期须不晚于结束日期，且最长 400 天。",
}


class ExportForm(ma.Schema):
    """The export form's fields (the API's names, dates as the form sends them)."""

    class Meta:
        unknown = ma.EXCLUDE

    kind = ma.fields.String(required=True, validate=validate.OneOf(sorted(KINDS)))
    format = ma.fields.String(required=True, validate=validate.OneOf(FORMATS))
    unit_id = Id(required=True)
    date_from = BoundedDate(data_key="from")
    date_to = BoundedDate(data_key="to")


class LogQuery(ma.Schema):
    """The export log's query: the unit, and the id to page before."""

    class Meta:
        unknown = ma.EXCLUDE

    unit_id = Id()
    before_id = Id()


def _page(form: dict[str, str], message: str | None, status: int = 200):
    """The exports page: the form (as last filled in), the message, the user's jobs."""
    units = console_units.units_where(g.user, CREATE)
    own = views.own_jobs(g.user)
    busy = any(job.status in (QUEUED, RUNNING) for job in own)
    return (
        render_template(
            "console/exports.html",
            kinds=KINDS,
            format_names=FORMAT_NAMES,
            units=units,
            form=form,
            message=message,
            jobs=own,
            busy=busy,
            may_log=access.may_somewhere(g.user, LOG),
            created=request.args.get("created", ""),
        ),
        status,
    )


@bp.route("/exports", methods=["GET", "POST"])
@console_login_required
def exports():
    """Ask for an export (export.create at the unit) and list one's own, refreshing the page
    while one is being built."""
    if request.method == "GET":
        return _page({}, None)
    form = request.form.to_dict()
    try:
        data = ExportForm().load({k: v for k, v in form.items() if v.strip()})
    except ma.ValidationError as error:
        names = sorted(error.messages) if isinstance(error.messages, dict) else []
        shown = "、".join(FIELD_NAMES.get(name, name) for name in names)
        return _page(form, "请正确填写：" + shown, 422)
    try:
        job = jobs.create(
            g.user,
            {
                "kind": data["kind"],
                "format": data["format"],
                "unit_id": data["unit_id"],
                "from": data.get("date_from"),
                "to": data.get("date_to"),
            },
        )
    except ApiError as error:
        if error.status != 422:
            raise
        return _page(form, REFUSALS.get(error.code, "无法导出，请检查填写的内容。"), 422)
    return redirect(url_for("console.exports", created=job["id"]))


@bp.route("/exports/log", methods=["GET"])
@console_login_required
def export_log():
    """The export log at a unit and below (export.log there), fifty to a page, newest first."""
    query, _invalid = parse(LogQuery(), request.args.to_dict())
    units = console_units.units_where(g.user, LOG)
    unit = console_units.chosen(units, query.get("unit_id"))
    unit_id = unit.id if unit is not None else query["unit_id"]
    rows, next_before = views.log_page(g.user, unit_id, query.get("before_id"), 50)
    return render_template(
        "console/export_log.html",
        units=units,
        unit_id=unit_id,
        rows=rows,
        next_before=next_before,
        format_names=FORMAT_NAMES,
    )
