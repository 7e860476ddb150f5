"""Production runs what the README says it needs: migrations once per deploy, the API, and the
job worker, in the compose file and as systemd units, behind nginx as one trusted proxy hop."""

from __future__ import annotations

import shlex
from collections import defaultdict
from pathlib import Path

import yaml

DEPLOY = Path(__file__).resolve().parent.parent / "deploy"


def _compose() -> dict:
    """The compose file's services."""
    return yaml.safe_load((DEPLOY / "compose.yaml").read_text(encoding="utf-8"))["services"]


def _command(service: dict) -> list[str]:
    """A service's command as a list of words."""
    command = service["command"]
    return shlex.split(command) if isinstance(command, str) else list(command)


def _unit(name: str) -> dict[str, list[str]]:
    """A systemd unit as ``Section.Key`` -> values (keys such as ExecStart repeat)."""
    values: dict[str, list[str]] = defaultdict(list)
    section = ""
    for line in (DEPLOY / "systemd" / name).read_text(encoding="utf-8").splitlines():
        line = line.strip()
        if line.startswith("[") and line.endswith("]"):
            section = line[1:-1]
        elif "=" in line and not line.startswith("#"):
            key, value = line.split("=", 1)
            values[f"{section}.{key.strip()}"].append(value.strip())
    return values


def test_compose_runs_migrate_web_and_worker_from_one_image_and_env():
    services = _compose()
    assert {"migrate", "web", "worker"} <= services.keys()
    migrate, web, worker = services["migrate"], services["web"], services["worker"]
    assert "flask db upgrade" in " ".join(_command(migrate))
    assert _command(web)[0] == "gunicorn" and "server:create_app()" in _command(web)
    assert _command(worker)[:2] == ["huey_consumer", "server.worker.huey"]
    assert {"-k", "thread", "-w"} <= set(_command(worker))
    # Same image and the same settings: the worker must reach the same database and Redis.
    assert worker["build"] == web["build"] == migrate["build"]
    assert worker["environment"] == web["environment"] == migrate["environment"]
    env = web["environment"]
    assert env["REDIS_URL"] and env["APP_ENV"] == "production"
    assert str(env["PROXY_TRUSTED_HOPS"]) == "1"
    assert worker["depends_on"]["migrate"] == {"condition": "service_completed_successfully"}


def test_systemd_units_for_migrate_web_and_worker():
    migrate = _unit("safety-migrate.service")
    assert migrate["Service.ExecStart"][0].endswith("/flask db upgrade")
    web = _unit("safety-web.service")
    assert "/gunicorn " in web["Service.ExecStart"][0]
    assert "server:create_app()" in web["Service.ExecStart"][0]
    worker = _unit("safety-worker.service")
    start = shlex.split(worker["Service.ExecStart"][0])
    assert start[0].endswith("/huey_consumer") and start[1] == "server.worker.huey"
    assert {"-k", "thread", "-w"} <= set(start)
    assert worker["Service.Restart"][0] in {"always", "on-failure"}
    assert worker["Service.EnvironmentFile"] == web["Service.EnvironmentFile"]
    for unit in (web, worker):
        environment = " ".join(unit["Service.Environment"]).split()
        assert {"APP_ENV=production", "PROXY_TRUSTED_HOPS=1"} <= set(environment)
    assert "safety-migrate.service" in " ".join(worker["Unit.After"])
