"""Notices to parents: write, preview, send, read, acknowledge, completion, reminders."""

from __future__ import annotations

from flask_smorest import Blueprint

from server.api import notice_schemas as schemas
from server.api.serializers import unit_dict
from server.auth import current_user, login_required
from server.extensions import db
from server.models import Child, Notice, NoticeRecipient, SchoolClass
from server.services import notice_completion, notices

blp = Blueprint("notices", __name__, url_prefix="/api/v1/notices", description="Notices")


def notice_dict(notice: Notice, rows: list[NoticeRecipient] | None = None) -> dict:
    """A notice; for a parent, with the status for each of their children."""
    return {
        "id": notice.id,
        "title": notice.title,
        "body": notice.body,
        "unit": {"id": notice.unit.id, "name": notice.unit.name},
        "created_at": notice.created_at,
        "sent_at": notice.sent_at,
        "attachment_url": notices.attachment_url(notice),
        "targets": [{"unit_id": t.unit_id, "class_id": t.class_id} for t in notice.targets],
        "children": [_child_status(row) for row in rows or []],
    }


def _child_status(row: NoticeRecipient) -> dict:
    """One child's read/acknowledged state."""
    child = db.session.get(Child, row.child_id)
    return notices.child_status(
        row.child_id,
        child.name if child else "",
        db.session.get(SchoolClass, row.class_id).name,
        row.read_at,
        row.acknowledged_at,
    )


@blp.route("", methods=["POST"])
@login_required
@blp.arguments(schemas.NoticeCreate)
@blp.response(201, schemas.NoticeSchema)
def create(body):
    """Write a notice and its targets (units and/or classes within the issuing unit)."""
    return notice_dict(notices.create_notice(current_user(), body))


@blp.route("", methods=["GET"])
@login_required
@blp.response(200, schemas.NoticesResponse)
def list_issued():
    """Notices issued from units the caller writes for (and below), newest first."""
    return {"notices": [notice_dict(n) for n in notices.issued_notices(current_user())]}


@blp.route("/for-class", methods=["GET"])
@login_required
@blp.arguments(schemas.ForClassQuery, location="query")
@blp.response(200, schemas.NoticesResponse)
def for_class(query):
    """Notices that reached a class, for its class teacher and the school's staff."""
    found = notice_completion.notices_for_class(current_user(), query["class_id"])
    return {"notices": [notice_dict(n) for n in found]}


@blp.route("/mine", methods=["GET"])
@login_required
@blp.arguments(schemas.MineQuery, location="query")
@blp.response(200, schemas.MyNoticesPage)
def mine(query):
    """For parents: the notices that reached them, with each child's status, page by page."""
    found, next_before = notices.my_notices(current_user(), query.get("before_id"), query["limit"])
    return {"notices": [notice_dict(n, rows) for n, rows in found], "next_before_id": next_before}


@blp.route("/<int:notice_id>", methods=["GET"])
@login_required
@blp.response(200, schemas.NoticeSchema)
def open_notice(notice_id: int):
    """A parent opens a notice (it counts as read for each child)."""
    notice, rows = notices.open_notice(current_user(), notice_id)
    return notice_dict(notice, rows)


@blp.route("/<int:notice_id>", methods=["DELETE"])
@login_required
@blp.response(204)
def delete(notice_id: int):
    """Delete a notice that has not been sent."""
    notices.delete_draft(current_user(), notice_id)


@blp.route("/<int:notice_id>/acknowledge", methods=["POST"])
@login_required
@blp.arguments(schemas.AcknowledgeRequest)
@blp.response(200, schemas.ChildStatus)
def acknowledge(body, notice_id: int):
    """Acknowledge for one child; a repeat changes nothing."""
    return notices.acknowledge(current_user(), notice_id, body["child_id"])


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
    return {"notice": notice_dict(notice), "reached": reached}


@blp.route("/<int:notice_id>/completion", methods=["GET"])
@login_required
@blp.arguments(schemas.CompletionQuery, location="query")
@blp.response(200, schemas.CompletionResponse)
def completion(query, notice_id: int):
    """Counts and rates of reached / read / acknowledged for a unit and its parts."""
    result = notice_completion.completion(current_user(), notice_id, query.get("unit_id"))
    return {**result, "unit": unit_dict(result["unit"])}


@blp.route("/<int:notice_id>/classes/<int:class_id>/pending", methods=["GET"])
@login_required
@blp.response(200, schemas.PendingResponse)
def pending(notice_id: int, class_id: int):
    """The class's parents who have not acknowledged (class teacher and school staff only)."""
    result = notice_completion.pending(current_user(), notice_id, class_id)
    school_class = result.pop("class")
    return {**result, "class_": {"id": school_class.id, "name": school_class.name}}


@blp.route("/<int:notice_id>/classes/<int:class_id>/remind", methods=["POST"])
@login_required
@blp.response(200, schemas.RemindResponse)
def remind(notice_id: int, class_id: int):
    """Remind just those parents (at most once a day per class)."""
    return {"reminded": notice_completion.remind(current_user(), notice_id, class_id)}
