"""Settings read from the environment (12-factor), with typed helpers.

Every setting has a name users of a Flask/PostgreSQL/MinIO/WeChat stack expect (see README).
With no environment at all the service runs on the embedded default: a SQLite file and a local
media folder under ``DATA_DIR``, and the fake WeChat server on loopback.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any
from urllib.parse import urlparse

REPO_ROOT = Path(__file__).resolve().parent.parent
REAL_WECHAT_API = "https://api.weixin.qq.com/"
FAKE_WECHAT_DEFAULT_PORT = 9100
DEV_SECRET_KEY = "dev-only-secret-key-not-for-production"
DEV_WECHAT_APPID = "wx-demo-appid"
DEV_WECHAT_SECRET = "demo-secret"


class ConfigError(RuntimeError):
    """Raised when the environment cannot make a safe configuration."""


def env_str(name: str, default: str | None = None) -> str | None:
    """Return the variable's value, or ``default`` when unset or blank."""
    value = os.environ.get(name)
    if value is None or value.strip() == "":
        return default
    return value.strip()


def env_bool(name: str, default: bool) -> bool:
    """Parse a boolean the way operators write them (1/0, true/false, yes/no, on/off)."""
    value = env_str(name)
    if value is None:
        return default
    lowered = value.lower()
    if lowered in {"1", "true", "yes", "on"}:
        return True
    if lowered in {"0", "false", "no", "off"}:
        return False
    raise ConfigError(f"{name} must be a boolean (true/false), got {value!r}")


def env_int(name: str, default: int, minimum: int = 0) -> int:
    """Parse an integer setting and refuse values below ``minimum``."""
    value = env_str(name)
    if value is None:
        return default
    try:
        number = int(value)
    except ValueError as exc:
        raise ConfigError(f"{name} must be an integer, got {value!r}") from exc
    if number < minimum:
        raise ConfigError(f"{name} must be at least {minimum}, got {number}")
    return number


def env_choice(name: str, choices: tuple[str, ...], default: str) -> str:
    """Return the variable's value (case-insensitive) when it is one of ``choices``."""
    value = (env_str(name) or default).lower()
    if value not in choices:
        raise ConfigError(f"{name} must be one of {', '.join(choices)}, got {value!r}")
    return value


def log_settings(production: bool) -> dict[str, str]:
    """``LOG_FORMAT`` (json in production, text elsewhere) and ``LOG_LEVEL`` (INFO); read by
    ``load_settings`` and by gunicorn's config, which sets up logging before any app exists."""
    return {
        "LOG_FORMAT": env_choice("LOG_FORMAT", ("json", "text"), "json" if production else "text"),
        "LOG_LEVEL": env_choice("LOG_LEVEL", ("debug", "info", "warning", "error"), "info").upper(),
    }


def is_loopback_url(url: str) -> bool:
    """True when the URL points at this machine (the fake WeChat server lives there)."""
    host = (urlparse(url).hostname or "").lower()
    return host in {"localhost", "::1"} or host.startswith("127.")


def load_settings() -> dict[str, Any]:
    """Build the Flask config mapping from the environment.

    Development (the default) fills in safe local values; production (``APP_ENV=production``)
    demands the secrets and refuses the fake WeChat server.
    """
    app_env = env_str("APP_ENV", "development")
    if app_env not in {"development", "test", "production"}:
        raise ConfigError(f"APP_ENV must be development, test or production, got {app_env!r}")
    production = app_env == "production"
    data_dir = Path(env_str("DATA_DIR", str(REPO_ROOT / "var")))
    fake_wechat = f"http://127.0.0.1:{FAKE_WECHAT_DEFAULT_PORT}/"
    minio_endpoint = env_str("MINIO_ENDPOINT")

    settings: dict[str, Any] = {
        "APP_ENV": app_env,
        "DATA_DIR": str(data_dir),
        "SECRET_KEY": env_str("SECRET_KEY", None if production else DEV_SECRET_KEY),
        "SQLALCHEMY_DATABASE_URI": env_str("DATABASE_URL", f"sqlite:///{data_dir / 'app.db'}"),
        "WECHAT_APPID": env_str("WECHAT_APPID", None if production else DEV_WECHAT_APPID),
        "WECHAT_SECRET": env_str("WECHAT_SECRET", None if production else DEV_WECHAT_SECRET),
        "WECHAT_API_BASE_URL": env_str(
            "WECHAT_API_BASE_URL", REAL_WECHAT_API if production else fake_wechat
        ),
        "WECHAT_USE_STABLE_TOKEN": env_bool("WECHAT_USE_STABLE_TOKEN", False),
        # The token of the mini-program's message push (消息推送), set in the WeChat console.
        "WECHAT_CALLBACK_TOKEN": env_str(
            "WECHAT_CALLBACK_TOKEN", None if production else "dev-callback-token"
        ),
        "REDIS_URL": env_str("REDIS_URL"),
        # Run background jobs in-process at once, without a worker or a broker (benchmarks,
        # tests, a one-off script); the queue is otherwise Redis or a SQLite file.
        "JOBS_IMMEDIATE": env_bool("JOBS_IMMEDIATE", False),
        # Reverse proxies in front of the app whose X-Forwarded-* headers are believed: 0 when
        # clients connect directly, 1 behind the nginx of deploy/.
        "PROXY_TRUSTED_HOPS": env_int("PROXY_TRUSTED_HOPS", 0, minimum=0),
        "STORAGE_BACKEND": "s3" if minio_endpoint else "local",
        "MINIO_ENDPOINT": minio_endpoint,
        "MINIO_ACCESS_KEY": env_str("MINIO_ACCESS_KEY"),
        "MINIO_SECRET_KEY": env_str("MINIO_SECRET_KEY"),
        "MINIO_BUCKET": env_str("MINIO_BUCKET", "school-safety"),
        "MINIO_SECURE": env_bool("MINIO_SECURE", production),
        "MINIO_REGION": env_str("MINIO_REGION"),
        "MEDIA_ROOT": env_str("MEDIA_ROOT", str(data_dir / "media")),
        # Where `flask backup` finds pg_dump and pg_restore (default: PATH).
        "PG_BIN_DIR": env_str("PG_BIN_DIR"),
        "PUBLIC_BASE_URL": env_str("PUBLIC_BASE_URL", "http://127.0.0.1:5000"),
        "TOKEN_TTL_HOURS": env_int("TOKEN_TTL_HOURS", 24 * 7, minimum=1),
        # JSON bodies are small; upload routes raise their own limit per request.
        "MAX_CONTENT_LENGTH": env_int("MAX_JSON_BYTES", 64 * 1024, minimum=1024),
        "MAX_IMPORT_ROWS": env_int("MAX_IMPORT_ROWS", 20000, minimum=1),
        # The largest spreadsheet the console takes for an import.
        "MAX_IMPORT_BYTES": env_int("MAX_IMPORT_BYTES", 5 * 1024 * 1024, minimum=64 * 1024),
        "WECHAT_TEMPLATES_FILE": env_str(
            "WECHAT_TEMPLATES_FILE",
            str(REPO_ROOT / "server" / "data" / "subscribe_templates.json"),
        ),
        # A global cap on subscribe-message sends, shared by all workers through Redis.
        "WECHAT_SEND_RATE": env_str("WECHAT_SEND_RATE", "100/second"),
        "WECHAT_MINIPROGRAM_STATE": env_str(
            "WECHAT_MINIPROGRAM_STATE", "formal" if production else "developer"
        ),
        "PHOTO_MAX_BYTES": env_int("PHOTO_MAX_BYTES", 20 * 1024 * 1024, minimum=64 * 1024),
        # After-photos of a fix must be taken this close to the hazard.
        "FIX_MAX_DISTANCE_M": env_int("FIX_MAX_DISTANCE_M", 100, minimum=10),
        # A photo taken (EXIF time) this many days before its upload is flagged as old.
        "OLD_PHOTO_DAYS": env_int("OLD_PHOTO_DAYS", 3, minimum=1),
        # The console map's tiles ({z}/{x}/{y} URL template; empty: no tiles, a plain
        # background) and the coordinate system they are drawn in (Chinese providers: gcj02).
        "MAP_TILE_URL": env_str("MAP_TILE_URL", ""),
        "MAP_TILE_ATTRIBUTION": env_str("MAP_TILE_ATTRIBUTION", ""),
        "MAP_TILE_CRS": env_choice("MAP_TILE_CRS", ("wgs84", "gcj02"), "wgs84"),
        # One JSON object per log line (production) or readable text; see server/logs.py.
        **log_settings(production),
    }
    if not settings["SQLALCHEMY_DATABASE_URI"].startswith("sqlite"):
        # Each gunicorn worker process holds its own pool; size it to the worker's threads.
        settings["SQLALCHEMY_ENGINE_OPTIONS"] = {
            "pool_pre_ping": True,
            "pool_size": env_int("DB_POOL_SIZE", 10, minimum=1),
            "max_overflow": env_int("DB_MAX_OVERFLOW", 10, minimum=0),
        }
    replica = env_str("DATABASE_REPLICA_URL")
    if replica:
        if "SQLALCHEMY_ENGINE_OPTIONS" not in settings:
            raise ConfigError("DATABASE_REPLICA_URL needs a PostgreSQL DATABASE_URL")
        # A streaming replica of DATABASE_URL for the figures, evaluation and exports
        # (server/read_replica.py); its pool is sized like the primary's.
        settings["SQLALCHEMY_BINDS"] = {
            "replica": {"url": replica, **settings["SQLALCHEMY_ENGINE_OPTIONS"]}
        }
    validate_settings(settings)
    return settings


def validate_settings(settings: dict[str, Any]) -> None:
    """Refuse a configuration that would be unsafe or cannot work.

    Called for the environment and again after test overrides, so every app is checked.
    """
    production = settings.get("APP_ENV") == "production"
    missing = [
        name for name in ("SECRET_KEY", "WECHAT_APPID", "WECHAT_SECRET") if not settings.get(name)
    ]
    if production:
        if not settings.get("WECHAT_CALLBACK_TOKEN"):
            missing.append("WECHAT_CALLBACK_TOKEN")
        if str(settings.get("SQLALCHEMY_DATABASE_URI", "")).startswith("sqlite"):
            missing.append("DATABASE_URL (PostgreSQL)")
        if missing:
            raise ConfigError("production configuration is missing: " + ", ".join(missing))
        if settings["SECRET_KEY"] == DEV_SECRET_KEY or len(settings["SECRET_KEY"]) < 32:
            raise ConfigError("production SECRET_KEY must be a random value of 32+ characters")
        if is_loopback_url(settings["WECHAT_API_BASE_URL"]):
            raise ConfigError(
                "production refuses a fake WeChat server: WECHAT_API_BASE_URL points at "
                f"{settings['WECHAT_API_BASE_URL']}"
            )
    elif missing:
        raise ConfigError("configuration is missing: " + ", ".join(missing))
    if settings.get("MAP_TILE_CRS", "wgs84") not in ("wgs84", "gcj02"):
        raise ConfigError(f"MAP_TILE_CRS must be wgs84 or gcj02, got {settings['MAP_TILE_CRS']!r}")
    if settings.get("STORAGE_BACKEND") == "s3":
        for name in ("MINIO_ACCESS_KEY", "MINIO_SECRET_KEY", "MINIO_BUCKET"):
            if not settings.get(name):
                raise ConfigError(f"MINIO_ENDPOINT is set but {name} is missing")
