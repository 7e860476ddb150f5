"""The in-app inbox and the subscribe-message grants the phone reports."""

from __future__ import annotations

from flask_smorest import Blueprint

from server.api import notice_schemas as schemas
from server.auth import current_user, login_required
from server.services import inbox, subscriptions

blp = Blueprint("inbox", __name__, url_prefix="/api/v1", description="Inbox and push grants")


@blp.route("/inbox", methods=["GET"])
@login_required
@blp.arguments(schemas.InboxQuery, location="query")
@blp.response(200, schemas.InboxPage)
def list_messages(query):
    """The caller's messages, newest first, with the unread count."""
    user = current_user()
    rows, next_before = inbox.page(
        user, query.get("before_id"), query["limit"], query["unread_only"]
    )
    return {
        "messages": rows,
        "unread_count": inbox.unread_count(user),
        "next_before_id": next_before,
    }


@blp.route("/inbox/unread-count", methods=["GET"])
@login_required
@blp.response(200, schemas.UnreadCount)
def unread():
    """Just the unread count (for the badge)."""
    return {"unread_count": inbox.unread_count(current_user())}


@blp.route("/inbox/<int:message_id>/read", methods=["POST"])
@login_required
@blp.response(200, schemas.MessageSchema)
def read(message_id: int):
    """Mark one message read."""
    return inbox.mark_read(current_user(), message_id)


@blp.route("/inbox/read-all", methods=["POST"])
@login_required
@blp.response(200, schemas.UnreadCount)
def read_all():
    """Mark every message read."""
    inbox.mark_all_read(current_user())
    return {"unread_count": 0}


@blp.route("/subscriptions/templates", methods=["GET"])
@login_required
@blp.response(200, schemas.TemplatesResponse)
def templates():
    """The templates with the caller's grants, which apply to the caller and which are used up."""
    return {"templates": subscriptions.templates_for(current_user())}


@blp.route("/subscriptions", methods=["POST"])
@login_required
@blp.arguments(schemas.SubscriptionReport)
@blp.response(200, schemas.TemplatesResponse)
def report(body):
    """Record what ``wx.requestSubscribeMessage`` answered."""
    user = current_user()
    subscriptions.record_results(user, body["results"])
    return {"templates": subscriptions.templates_for(user)}
