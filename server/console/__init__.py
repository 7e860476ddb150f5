"""The web console: server-rendered pages for staff at a PC, under /console.

Pages parse the request, call the same services as the API (scope and capabilities come from
``server/access.py`` through them), and render Jinja templates. A browser logs in by showing a
QR code that a staff member's phone confirms (``views_login``); the console session is Flask's
signed cookie holding an ordinary API token, so revocation and disabled accounts apply here too.
"""

from __future__ import annotations

from flask import Blueprint, Flask

bp = Blueprint(
    "console",
    __name__,
    url_prefix="/console",
    template_folder="templates",
    static_folder="static",
    static_url_path="/static",
)

# The view modules attach their routes to ``bp`` when imported.
from server.console import (  # noqa: E402
    errors,
    nav,
    session,
    templating,
    views_buses,
    views_dashboard,
    views_evaluation,
    views_export_file,
    views_exports,
    views_hazards,
    views_imports,
    views_invitations,
    views_login,
    views_map,
    views_notices,
    views_overdue,
    views_patrols,
    views_people,
    views_visits,
    views_water,
)

__all__ = [
    "errors",
    "nav",
    "session",
    "templating",
    "views_buses",
    "views_dashboard",
    "views_evaluation",
    "views_export_file",
    "views_exports",
    "views_hazards",
    "views_imports",
    "views_invitations",
    "views_login",
    "views_map",
    "views_notices",
    "views_overdue",
    "views_patrols",
    "views_people",
    "views_visits",
    "views_water",
]


def register_console(app: Flask) -> None:
    """Mount the console and make its session cookie strict: HttpOnly, SameSite=Lax, and Secure
    in production (where the site is served over HTTPS)."""
    app.config["SESSION_COOKIE_NAME"] = "console_session"
    app.config["SESSION_COOKIE_HTTPONLY"] = True
    app.config["SESSION_COOKIE_SAMESITE"] = "Lax"
    app.config["SESSION_COOKIE_SECURE"] = app.config.get("APP_ENV") == "production"
    app.register_blueprint(bp)
