"""An export's file downloaded in the console: the same rules as the API's download (the
caller's own finished export; 404 for another's, 409 while it is built, 410 once expired)."""

from __future__ import annotations

from flask import Response, g

from server.console import bp
from server.console.session import console_login_required
from server.services.exports import files, views


@bp.route("/exports/<int:job_id>/file", methods=["GET"])
@console_login_required
def export_file(job_id: int):
    """The file of the user's own finished export, streamed from the store."""
    job, key, name = views.download(g.user, job_id)
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
