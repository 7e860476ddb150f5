"""Spreadsheet imports on the console: the units and classes, the class rosters (units.import)
and the dangerous water points (water.manage). Each file is checked whole and imported in one
transaction or not at all; every problem is shown with its line and column, in Chinese."""

from __future__ import annotations

import tempfile
from pathlib import Path

import marshmallow as ma
from flask import current_app, g, render_template, request
from marshmallow import validate

from server import access
from server.api.fields import Id
from server.console import bp
from server.console.import_errors import file_problem, row_problems
from server.console.session import UPLOAD_LIMITS, console_login_required
from server.services import console_imports, console_units
from server.services.unit_import import ImportFileError

UPLOAD_LIMITS["console.imports"] = "MAX_IMPORT_BYTES"
KIND_NAMES = {
    console_imports.UNITS: "单位与班级",
    console_imports.ROSTER: "学生名册",
    console_imports.WATER: "危险水域",
}
SUFFIXES = (".xlsx", ".csv")


class ImportForm(ma.Schema):
    """The import form: what the file holds, and the unit it goes under."""

    class Meta:
        unknown = ma.EXCLUDE

    kind = ma.fields.String(required=True, validate=validate.OneOf(console_imports.KINDS))
    unit_id = Id()


def _page(status: int = 200, **shown):
    """The imports page: the forms the user may use, and what the last upload gave."""
    may = {
        kind: access.may_somewhere(g.user, cap)
        for kind, cap in console_imports.CAPABILITIES.items()
    }
    if not any(may.values()):
        raise access.forbidden("units.import")
    units = console_units.units_where(g.user, "units.import") if may["units"] else []
    limit_mb = current_app.config["MAX_IMPORT_BYTES"] / (1024 * 1024)
    page = render_template(
        "console/imports.html",
        may=may,
        units=units,
        kind_names=KIND_NAMES,
        limit_mb=f"{limit_mb:g}",
        max_rows=current_app.config["MAX_IMPORT_ROWS"],
        **shown,
    )
    return page, status


@bp.route("/imports", methods=["GET", "POST"])
@console_login_required
def imports():
    """The import forms; a POST imports one file and shows its result or its problems."""
    if request.method == "GET":
        return _page()
    try:
        form = ImportForm().load({k: v for k, v in request.form.items() if v.strip()})
    except ma.ValidationError:
        return _page(400, failure="请选择要导入的内容和单位。")
    kind = form["kind"]
    upload = request.files.get("file")
    name = (upload.filename or "") if upload else ""
    suffix = Path(name).suffix.lower()
    if not name:
        return _page(400, failure="请选择要上传的文件。", kind=kind)
    if suffix not in SUFFIXES:
        return _page(415, failure="只能导入 .xlsx 或 .csv 文件。", kind=kind, file_name=name)
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / f"upload{suffix}"
        upload.save(path)
        try:
            report = console_imports.run(
                g.user, kind, form.get("unit_id"), path, current_app.config["MAX_IMPORT_ROWS"]
            )
        except ImportFileError as error:
            return _page(422, failure=file_problem(str(error)), kind=kind, file_name=name)
    if report.errors:
        problems = row_problems(report.errors)
        return _page(422, problems=problems, kind=kind, file_name=name)
    return _page(report=report, kind=kind, file_name=name)
