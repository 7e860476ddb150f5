"""Serving the local media folder through signed, short-lived URLs.

Only used by the embedded default's local store: with MinIO, clients get presigned URLs of the
object store itself and never reach this route.
"""

from __future__ import annotations

from flask import Response, current_app, request
from flask_smorest import Blueprint

from server.errors import ApiError
from storage import LocalStore, ObjectNotFound, SignatureExpired, SignatureInvalid

blp = Blueprint("media", __name__, url_prefix="/media", description="Signed local media URLs")


def _verified_store(method: str, key: str) -> LocalStore:
    """The local store, after checking the URL's signature for ``method`` and ``key``."""
    store = current_app.extensions["store"]
    if not isinstance(store, LocalStore):
        raise ApiError(404, "not_found", "Media is served by the object store.")
    try:
        store.verify_signature(
            method, key, request.args.get("expires", ""), request.args.get("signature", "")
        )
    except SignatureExpired as exc:
        raise ApiError(403, "url_expired", "This link has expired.") from exc
    except SignatureInvalid as exc:
        raise ApiError(403, "forbidden", "This link is not valid.") from exc
    return store


@blp.route("/<path:key>", methods=["GET"])
@blp.response(200, description="The object's bytes")
@blp.doc(security=[])
def get_object(key: str):
    """Stream an object named by a signed GET URL."""
    store = _verified_store("GET", key)
    try:
        info = store.stat(key)
        stream = store.open(key)
    except ObjectNotFound as exc:
        raise ApiError(404, "not_found", "No such object.") from exc
    return Response(
        stream,
        mimetype=info.content_type,
        headers={"Content-Length": str(info.size), "Cache-Control": "private, max-age=300"},
        direct_passthrough=True,
    )
