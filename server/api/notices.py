"""Notices to parents: write, preview, send, read, acknowledge, completion, reminders."""

from __future__ import annotations

from flask_smorest import Blueprint

from server.api import notice_schemas as schemas
from server.auth import current_user, current_user_id, login_required
from server.autocommit import each_statement_commits
from server.services import (
    notice_class,
    notice_completion,
    notice_reading,
    notice_views,
    notices,
    notices_received,
)

blp = Blueprint("notices", __name__, url_prefix="/api/v1/notices", description="Notices")


@blp.route("", methods=["POST"])
@login_required
@blp.arguments(schemas.NoticeCreate)
@blp.response(201, schemas.NoticeSchema)
def create(body):
    """Write a notice and its targets (units and/or classes within the issuing unit)."""
    return notice_views.view(notices.create_notice(current_user(), body))


@blp.route("", methods=["GET"])
@login_required
@blp.response(200, schemas.NoticesResponse)
def list_issued():
    """Notices issued from units the caller writes for (and below), newest first."""
    return {"notices": notice_views.views(notices.issued_notices(current_user()))}


@blp.route("/received", methods=["GET"])
@login_required
@blp.response(200, schemas.ReceivedNoticesResponse)
def received():
    """Notices from above that reached the caller's units (read-only), with their own unit's
    completion where the caller may see it."""
    return {"notices": notices_received.received_notices(current_user())}


@blp.route("/for-class", methods=["GET"])
@login_required
@blp.arguments(schemas.ForClassQuery, location="query")
@blp.response(200, schemas.ClassNoticesResponse)
def for_class(query):
    """Notices that reached a class, with the class's figures, for its class teacher and the
    school's staff."""
    return {"notices": notice_class.notices_for_class(current_user(), query["class_id"])}


@blp.route("/mine", methods=["GET"])
@login_required
@blp.arguments(schemas.MineQuery, location="query")
@blp.response(200, schemas.MyNoticesPage)
def mine(query):
    """For parents: the notices that reached them, with each child's status, page by page."""
    user = current_user()
    found, next_before = notice_reading.my_notices(user, query.get("before_id"), query["limit"])
    return {"notices": notice_views.parent_views(found), "next_before_id": next_before}


@blp.route("/<int:notice_id>", methods=["GET"])
@login_required
@blp.response(200, schemas.NoticeSchema)
def open_notice(notice_id: int):
    """A parent opens a notice (it counts as read for each child)."""
    notice, rows = notice_reading.open_notice(current_user(), notice_id)
    return notice_views.view(notice, rows)


@blp.route("/<int:notice_id>", methods=["DELETE"])
@login_required
@blp.response(204)
def delete(notice_id: int):
    """Delete a notice that has not been sent."""
    notices.delete_draft(current_user(), notice_id)


@blp.route("/<int:notice_id>/acknowledge", methods=["POST"])
@each_statement_commits  # the acknowledgment is one statement on PostgreSQL
@login_required(load_user=False)
# An instance, not the class: webargs builds a new schema from a class on every request (~30 us),
# and parents acknowledge in waves of thousands.
@blp.arguments(schemas.AcknowledgeRequest())
@blp.response(200, schemas.ChildStatus)
def acknowledge(body, notice_id: int):
    """Acknowledge for one child; a repeat changes nothing."""
    return notice_reading.acknowledge(current_user_id(), notice_id, body["child_id"])


@blp.route("/<int:notice_id>/preview", methods=["GET"])
@login_required
@blp.response(200, schemas.PreviewResponse)
def preview(notice_id: int):
    """How many parents and children the notice reaches."""
    return notices.preview(current_user(), notice_id)


@blp.route("/<int:notice_id>/send", methods=["POST"])
@login_required
@blp.response(200, schemas.SendResponse)
def send(notice_id: int):
    """Send the notice: inboxes now, pushes through the worker."""
    notice, reached = notices.send_notice(current_user(), notice_id)
    return {"notice": notice_views.view(notice), "reached": reached}


@blp.route("/<int:notice_id>/completion", methods=["GET"])
@login_required
@blp.arguments(schemas.CompletionQuery, location="query")
@blp.response(200, schemas.CompletionResponse)
def completion(query, notice_id: int):
    """Counts and rates of reached / read / acknowledged for a unit and its parts."""
    result = notice_completion.completion(current_user(), notice_id, query.get("unit_id"))
    return result


@blp.route("/<int:notice_id>/classes/<int:class_id>/pending", methods=["GET"])
@login_required
@blp.response(200, schemas.PendingResponse)
def pending(notice_id: int, class_id: int):
    """The class's parents who have not acknowledged (class teacher and school staff only)."""
    return notice_class.pending(current_user(), notice_id, class_id)


@blp.route("/<int:notice_id>/classes/<int:class_id>/remind", methods=["POST"])
@login_required
@blp.response(200, schemas.RemindResponse)
def remind(notice_id: int, class_id: int):
    """Remind just those parents (at most once a day per class)."""
    return {"reminded": notice_class.remind(current_user(), notice_id, class_id)}
