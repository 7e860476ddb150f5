"""The phone's side of the web console's QR login: confirm a code shown on a PC."""

from __future__ import annotations

from flask_smorest import Blueprint

from server.api.console_login_schemas import ConsoleLoginConfirm, ConsoleLoginConfirmed
from server.auth import current_user, login_required
from server.services import console_logins

blp = Blueprint(
    "console_logins",
    __name__,
    url_prefix="/api/v1/console-logins",
    description="Web console login by scanning",
)


@blp.route("/confirm", methods=["POST"])
@login_required
@blp.arguments(ConsoleLoginConfirm)
@blp.response(200, ConsoleLoginConfirmed)
@blp.alt_response(404, description="No such code")
@blp.alt_response(410, description="The code expired or was used (code_expired)")
def confirm(body):
    """Log the PC that shows this code in as the caller (any staff member; a code works once
    and for two minutes)."""
    return console_logins.confirm(current_user(), body["code"])
