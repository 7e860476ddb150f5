"""The school-safety service: a Flask app factory.

``create_app`` reads settings from the environment (``server/config.py``), binds the extensions,
builds the object store and the WeChat gateway, and registers the API blueprints and CLI.
"""

from __future__ import annotations

import hashlib
from pathlib import Path
from typing import Any

from flask import Blueprint, Flask
from flask_smorest import Api
from swagger_ui_bundle import swagger_ui_path
from werkzeug.middleware.proxy_fix import ProxyFix

from server.api import register_blueprints
from server.api.input_guard import install_input_guard
from server.api.schemas import ErrorSchema
from server.cli import register_cli
from server.config import load_settings, validate_settings
from server.console import register_console
from server.errors import register_error_handlers
from server.extensions import db, migrate
from server.logs import RequestIdMiddleware
from server.queue import init_queue
from server.wechat import WeChatGateway
from storage import create_store

MIGRATIONS_DIR = Path(__file__).resolve().parent.parent / "migrations"
DOCS_ASSETS_URL = "/api/v1/docs/assets/"


class SafetyApi(Api):
    """flask-smorest's Api with our error shape in the document and our own error handlers."""

    ERROR_SCHEMA = ErrorSchema

    def _register_error_handlers(self) -> None:
        """Leave error handling to ``server.errors``, which covers non-API errors too."""


def _api_settings() -> dict[str, Any]:
    """flask-smorest settings: the document at /api/v1/openapi.json, Swagger UI served locally."""
    return {
        "API_TITLE": "School safety API",
        "API_VERSION": "v1",
        "OPENAPI_VERSION": "3.0.3",
        "OPENAPI_URL_PREFIX": "/api/v1",
        "OPENAPI_JSON_PATH": "openapi.json",
        "OPENAPI_SWAGGER_UI_PATH": "/docs",
        # The assets come from the swagger-ui-bundle package, never from a CDN.
        "OPENAPI_SWAGGER_UI_URL": DOCS_ASSETS_URL,
        "API_SPEC_OPTIONS": {
            "security": [{"bearerAuth": []}],
            "components": {
                "securitySchemes": {
                    "bearerAuth": {"type": "http", "scheme": "bearer"},
                }
            },
        },
    }


def _store_settings(config: dict[str, Any]) -> dict[str, Any]:
    """Object-store settings for ``storage.create_store`` from the app config."""
    if config["STORAGE_BACKEND"] == "s3":
        return {
            "backend": "s3",
            "endpoint": config["MINIO_ENDPOINT"],
            "access_key": config["MINIO_ACCESS_KEY"],
            "secret_key": config["MINIO_SECRET_KEY"],
            "bucket": config["MINIO_BUCKET"],
            "secure": config["MINIO_SECURE"],
            "region": config["MINIO_REGION"],
        }
    # A key of its own for media links, derived so that one secret is all operators manage.
    media_secret = hashlib.sha256(b"media-url:" + config["SECRET_KEY"].encode()).hexdigest()
    return {
        "backend": "local",
        "root": config["MEDIA_ROOT"],
        "url_base": config["PUBLIC_BASE_URL"].rstrip("/") + "/media",
        "secret": media_secret,
    }


def _make_wechat(config: dict[str, Any]) -> WeChatGateway:
    """The WeChat gateway; with Redis, every worker shares one access token."""
    redis_client = None
    if config.get("REDIS_URL"):
        import redis

        redis_client = redis.Redis.from_url(config["REDIS_URL"])
    return WeChatGateway(
        appid=config["WECHAT_APPID"],
        secret=config["WECHAT_SECRET"],
        api_base_url=config["WECHAT_API_BASE_URL"],
        redis_client=redis_client,
        use_stable_token=config["WECHAT_USE_STABLE_TOKEN"],
    )


def create_app(overrides: dict[str, Any] | None = None) -> Flask:
    """Create and configure the app. ``overrides`` (tests) replace environment settings."""
    app = Flask(__name__, static_folder=None)
    settings = load_settings()
    settings.update(overrides or {})
    validate_settings(settings)
    app.config.update(settings)
    app.config.update(_api_settings())
    app.json.ensure_ascii = False  # Chinese text stays readable in responses

    if app.config["SQLALCHEMY_DATABASE_URI"].startswith("sqlite:///"):
        Path(app.config["SQLALCHEMY_DATABASE_URI"][len("sqlite:///") :]).parent.mkdir(
            parents=True, exist_ok=True
        )
    db.init_app(app)
    migrate.init_app(app, db, directory=str(MIGRATIONS_DIR))
    api = SafetyApi(app)
    install_input_guard(app, api)  # before the routes: they compile the int converter
    register_blueprints(api)
    app.register_blueprint(
        Blueprint(
            "docs_assets",
            __name__,
            static_folder=swagger_ui_path,
            static_url_path=DOCS_ASSETS_URL.rstrip("/"),
        )
    )
    register_console(app)
    register_error_handlers(app)
    register_cli(app)

    app.extensions["store"] = create_store(_store_settings(app.config))
    app.extensions["wechat"] = _make_wechat(app.config)
    init_queue(app)
    # Every response carries X-Request-Id, and every log line and queued job of the request.
    app.wsgi_app = RequestIdMiddleware(app.wsgi_app)
    hops = app.config["PROXY_TRUSTED_HOPS"]
    if hops:
        # Behind nginx the peer is the proxy: believe its X-Forwarded-For/-Proto, and only that
        # many hops of them (more would let a client write its own address).
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=hops, x_proto=hops)
    return app
