"""Configuration from the environment, and production's refusals."""

from __future__ import annotations

import pytest

from server import create_app
from server.config import ConfigError, load_settings

SAFE_SECRET = "s" * 40


def production_env(monkeypatch, **values):
    for name in (
        "SECRET_KEY",
        "WECHAT_APPID",
        "WECHAT_SECRET",
        "WECHAT_CALLBACK_TOKEN",
        "WECHAT_API_BASE_URL",
        "DATABASE_URL",
        "MINIO_ENDPOINT",
    ):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("APP_ENV", "production")
    defaults = {
        "SECRET_KEY": SAFE_SECRET,
        "WECHAT_APPID": "wx123",
        "WECHAT_SECRET": "real-secret",
        "WECHAT_CALLBACK_TOKEN": "push-token",
        "DATABASE_URL": "postgresql+psycopg://u@db/safety",
    }
    for name, value in {**defaults, **values}.items():
        if value is not None:
            monkeypatch.setenv(name, value)


def test_embedded_default_needs_no_environment(monkeypatch, tmp_path):
    for name in ("APP_ENV", "DATABASE_URL", "SECRET_KEY", "MINIO_ENDPOINT", "WECHAT_API_BASE_URL"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("DATA_DIR", str(tmp_path))
    settings = load_settings()
    assert settings["SQLALCHEMY_DATABASE_URI"] == f"sqlite:///{tmp_path / 'app.db'}"
    assert settings["STORAGE_BACKEND"] == "local"
    assert settings["MEDIA_ROOT"] == str(tmp_path / "media")
    assert settings["WECHAT_API_BASE_URL"].startswith("http://127.0.0.1:")


def test_production_with_everything_set_starts(monkeypatch):
    production_env(monkeypatch)
    settings = load_settings()
    assert settings["WECHAT_API_BASE_URL"] == "https://api.weixin.qq.com/"


@pytest.mark.parametrize(
    ("changes", "complaint"),
    [
        ({"SECRET_KEY": None}, "SECRET_KEY"),
        ({"WECHAT_SECRET": None}, "WECHAT_SECRET"),
        ({"WECHAT_CALLBACK_TOKEN": None}, "WECHAT_CALLBACK_TOKEN"),
        ({"DATABASE_URL": None}, "DATABASE_URL"),
        ({"SECRET_KEY": "short"}, "32+"),
        ({"WECHAT_API_BASE_URL": "http://127.0.0.1:9100/"}, "fake WeChat"),
        ({"WECHAT_API_BASE_URL": "http://localhost:9100/"}, "fake WeChat"),
        ({"MINIO_ENDPOINT": "minio:9000"}, "MINIO_ACCESS_KEY"),
    ],
)
def test_production_refuses_unsafe_settings(monkeypatch, changes, complaint):
    production_env(monkeypatch, **changes)
    with pytest.raises(ConfigError, match=complaint):
        load_settings()
    with pytest.raises(ConfigError):
        create_app()


@pytest.mark.parametrize(
    ("name", "value"),
    [
        ("MINIO_SECURE", "maybe"),
        ("TOKEN_TTL_HOURS", "x"),
        ("TOKEN_TTL_HOURS", "0"),
        ("APP_ENV", "staging"),
    ],
)
def test_malformed_values_are_refused(monkeypatch, name, value):
    monkeypatch.setenv(name, value)
    with pytest.raises(ConfigError, match=name):
        load_settings()


def test_minio_settings_select_the_s3_store(monkeypatch, tmp_path):
    monkeypatch.setenv("DATA_DIR", str(tmp_path))
    monkeypatch.setenv("MINIO_ENDPOINT", "127.0.0.1:1")
    monkeypatch.setenv("MINIO_ACCESS_KEY", "k")
    monkeypatch.setenv("MINIO_SECRET_KEY", "s")
    from storage import S3Store

    assert isinstance(create_app().extensions["store"], S3Store)


def test_log_format_is_json_in_production_and_text_elsewhere(monkeypatch):
    monkeypatch.delenv("LOG_FORMAT", raising=False)
    monkeypatch.delenv("LOG_LEVEL", raising=False)
    monkeypatch.delenv("APP_ENV", raising=False)
    assert load_settings()["LOG_FORMAT"] == "text"
    production_env(monkeypatch)
    settings = load_settings()
    assert (settings["LOG_FORMAT"], settings["LOG_LEVEL"]) == ("json", "INFO")
    monkeypatch.setenv("LOG_FORMAT", "TEXT")
    monkeypatch.setenv("LOG_LEVEL", "warning")
    settings = load_settings()
    assert (settings["LOG_FORMAT"], settings["LOG_LEVEL"]) == ("text", "WARNING")


@pytest.mark.parametrize(("name", "value"), [("LOG_FORMAT", "xml"), ("LOG_LEVEL", "loud")])
def test_bad_log_settings_are_refused(monkeypatch, name, value):
    monkeypatch.setenv(name, value)
    with pytest.raises(ConfigError, match=name):
        load_settings()


def test_the_readme_documents_every_setting():
    import ast
    from pathlib import Path

    root = Path(__file__).resolve().parent.parent
    tree = ast.parse((root / "server" / "config.py").read_text(encoding="utf-8"))
    read = {
        node.args[0].value
        for node in ast.walk(tree)
        if isinstance(node, ast.Call)
        and getattr(node.func, "id", None) in {"env_str", "env_int", "env_bool", "env_choice"}
        and node.args
        and isinstance(node.args[0], ast.Constant)
    }
    readme = (root / "README.md").read_text(encoding="utf-8")
    table = readme.split("## Configuration", 1)[1].split("\n## ", 1)[0]
    assert {name for name in read if f"`{name}`" not in table} == set()
