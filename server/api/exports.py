"""Exports and ledgers: ask for an export (built by the worker), follow it, download the file,
and the export log of a unit (export.log)."""

from __future__ import annotations

from flask import Response
from flask_smorest import Blueprint

from server.api import export_schemas as schemas
from server.auth import current_user, login_required
from server.services.exports import CONTENT_TYPES, files, jobs, views

FILE_DESCRIPTION = "The file, named in Content-Disposition (RFC 5987)"
# One media type per format: the file route answers the job's.
FILE_CONTENT = {
    media_type: {"schema": {"type": "string", "format": "binary"}}
    for media_type in CONTENT_TYPES.values()
}
blp = Blueprint("exports", __name__, url_prefix="/api/v1/exports", description="Exports")


@blp.route("", methods=["POST"])
@login_required
@blp.arguments(schemas.ExportCreate)
@blp.response(202, schemas.ExportJobSchema)
@blp.alt_response(422, description="format_not_offered or invalid_period")
def create(body):
    """Queue an export of the unit and below (export.create there); the worker builds it.
    Follow it with ``GET /exports/{id}`` and download it when ``status`` is ``done``."""
    data = {
        "kind": body["kind"],
        "format": body["format"],
        "unit_id": body["unit_id"],
        "from": body.get("date_from"),
        "to": body.get("date_to"),
    }
    return jobs.create(current_user(), data), 202


@blp.route("", methods=["GET"])
@login_required
@blp.arguments(schemas.ExportLogQuery, location="query")
@blp.response(200, schemas.ExportLogPage)
def export_log(query):
    """The export log at ``unit_id`` and below, newest first (export.log): who exported what,
    when, how many rows, and whether it holds people's data."""
    rows, next_before = views.log_page(
        current_user(), query["unit_id"], query.get("before_id"), query["limit"]
    )
    return {"exports": rows, "next_before_id": next_before}


@blp.route("/<int:job_id>", methods=["GET"])
@login_required
@blp.response(200, schemas.ExportJobSchema)
def get_export(job_id: int):
    """One export: the caller's own, or any at a unit where they hold export.log."""
    return views.job_view(views.load_visible(current_user(), job_id))


@blp.route("/<int:job_id>/file", methods=["GET"])
@login_required
@blp.response(200, description=FILE_DESCRIPTION, content_type=CONTENT_TYPES["xlsx"])
@blp.doc(responses={"200": {"description": FILE_DESCRIPTION, "content": FILE_CONTENT}})
@blp.alt_response(409, description="not_ready: the export is not built (yet)")
@blp.alt_response(410, description="expired: the file was deleted after 7 days")
def download(job_id: int):
    """The caller's own finished export."""
    job, key, name = views.download(current_user(), job_id)
    return Response(
        files.open_file(key),
        content_type=views.content_type(job),
        direct_passthrough=True,
        headers={
            "Content-Length": str(job.file_size),
            "Content-Disposition": views.content_disposition(name, job.id),
            "Cache-Control": "private, no-store",
        },
    )
