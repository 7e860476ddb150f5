"""Held content: WeChat's message push (media verdicts) and the admins' release or rejection."""

from __future__ import annotations

from flask import Response, current_app
from flask_smorest import Blueprint

from server.api import content_schemas as schemas
from server.auth import current_user, login_required
from server.errors import ApiError
from server.services import content_decisions as service

blp = Blueprint("reviews", __name__, url_prefix="/api/v1", description="Content checks")


def _verify(query: dict) -> None:
    """403 unless the request carries WeChat's signature made with our callback token."""
    token = current_app.config.get("WECHAT_CALLBACK_TOKEN") or ""
    if not service.valid_signature(token, query["signature"], query["timestamp"], query["nonce"]):
        raise ApiError(403, "bad_signature", "The message signature does not match.")


@blp.route("/wechat/callback", methods=["GET"])
@blp.arguments(schemas.PushSignatureQuery, location="query")
@blp.response(
    200, description="The echostr, as WeChat's URL check expects", content_type="text/plain"
)
@blp.alt_response(403, description="Bad signature")
def verify_url(query):
    """WeChat's check of the message-push URL (set in the console): answer its echostr."""
    _verify(query)
    return Response(query.get("echostr", ""), mimetype="text/plain")


@blp.route("/wechat/callback", methods=["POST"])
@blp.arguments(schemas.PushSignatureQuery, location="query")
@blp.arguments(schemas.PushEvent)
@blp.response(200, description="success", content_type="text/plain")
@blp.alt_response(403, description="Bad signature: nothing changes")
def receive_push(query, event):
    """WeChat's message push (JSON, plaintext mode), signed with ``WECHAT_CALLBACK_TOKEN``: a
    ``wxa_media_check`` verdict releases or holds its photo; other events are acknowledged."""
    _verify(query)
    service.record_media_verdict(event)
    return Response("success", mimetype="text/plain")


@blp.route("/reviews", methods=["GET"])
@login_required
@blp.arguments(schemas.ReviewsQuery, location="query")
@blp.response(200, schemas.ReviewsResponse)
def list_reviews(query):
    """Texts and photos held at a unit and below, for those who release them."""
    return {"reviews": service.held_items(current_user(), query["unit_id"])}


@blp.route("/reviews/<int:check_id>/release", methods=["POST"])
@login_required
@blp.response(200, schemas.ReviewSchema)
@blp.alt_response(
    409, description="review_decided (already decided), content_refused (WeChat refused the photo)"
)
def release(check_id: int):
    """Let a held item through: others see it, and a notice waiting to be sent is sent."""
    return service.decide(current_user(), check_id, release=True)


@blp.route("/reviews/<int:check_id>/reject", methods=["POST"])
@login_required
@blp.response(200, schemas.ReviewSchema)
@blp.alt_response(
    409, description="review_decided (already decided), content_refused (WeChat refused the photo)"
)
def reject(check_id: int):
    """Refuse a held item: it stays hidden from others."""
    return service.decide(current_user(), check_id, release=False)
