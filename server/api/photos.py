"""Photo uploads (multipart, as ``wx.uploadFile`` sends them)."""

from __future__ import annotations

from functools import wraps

from flask import current_app, request
from flask_smorest import Blueprint

from server.api.hazard_schemas import PhotoSchema, PhotoUploadForm
from server.auth import current_user, login_required
from server.services.hazard_views import photo_view
from server.services.photos import upload_photo

blp = Blueprint("photos", __name__, url_prefix="/api/v1/photos", description="Photo uploads")


def allow_upload_size(view):
    """Raise this request's body limit to the photo limit (plus room for the form) before the
    multipart body is parsed; the JSON routes keep their small limit."""

    @wraps(view)
    def wrapped(*args, **kwargs):
        request.max_content_length = current_app.config["PHOTO_MAX_BYTES"] + 64 * 1024
        return view(*args, **kwargs)

    return wrapped


@blp.route("", methods=["POST"])
@login_required
@allow_upload_size
@blp.arguments(PhotoUploadForm, location="files")
@blp.response(201, PhotoSchema)
@blp.alt_response(200, schema=PhotoSchema, description="The same photo was uploaded before")
@blp.alt_response(413, description="Too many bytes or pixels")
@blp.alt_response(415, description="Not a JPEG, PNG, WebP or HEIC, or not what its name says")
@blp.alt_response(503, description="The object store is unavailable")
def upload(files):
    """Upload one photo; it is re-encoded without metadata and kept for a day until attached."""
    upload_file = files["file"]
    photo, created = upload_photo(
        current_user(), upload_file.stream, upload_file.filename, upload_file.mimetype
    )
    return photo_view(photo), 201 if created else 200
