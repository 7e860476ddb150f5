"""Production runs what the README says it needs: migrations once per deploy, the API, the job
workers and the one scheduler, in the compose file and as systemd units with the same commands,
behind nginx (HTTPS) as one trusted proxy hop; every variable is in deploy/.env.example and every
probe points at a route the app serves."""

from __future__ import annotations

import ast
import http.server
import os
import re
import runpy
import shlex
import shutil
import socket
import subprocess
import sys
import threading
import time
from collections import defaultdict
from pathlib import Path
from urllib.parse import urlsplit

import pytest
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


# --- Every process, the same commands, the environment file, the probes (issue 13) ----------

APP_SERVICES = ("migrate", "web", "worker", "scheduler")
UNITS = {name: f"safety-{name}.service" for name in APP_SERVICES}
CONSUMER = ["huey_consumer", "server.worker.huey"]


def _env_example() -> dict[str, str]:
    """``deploy/.env.example`` as KEY -> value (refusing duplicates and malformed lines)."""
    values: dict[str, str] = {}
    for number, line in enumerate(
        (DEPLOY / ".env.example").read_text(encoding="utf-8").splitlines(), 1
    ):
        if not line.strip() or line.lstrip().startswith("#"):
            continue
        key, sep, value = line.partition("=")
        assert sep and re.fullmatch(r"[A-Z][A-Z0-9_]*", key), f"line {number}: {line!r}"
        assert key not in values, f"{key} twice"
        assert not value.startswith(("'", '"')) and "export " not in key, f"line {number}"
        values[key] = value
    return values


def _variables_read(path: Path) -> set[str]:
    """The names passed to the config helpers (``env_str``, ``env_int``, ...) in a file."""
    names = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if (
            isinstance(node, ast.Call)
            and isinstance(node.func, ast.Name)
            and node.func.id in {"env_str", "env_int", "env_bool", "env_choice"}
            and node.args
            and isinstance(node.args[0], ast.Constant)
        ):
            names.add(node.args[0].value)
    return names


def _unit_command(unit: dict[str, list[str]], key: str = "Service.ExecStart") -> list[list[str]]:
    """A unit's commands, each as words with the program's directory dropped."""
    commands = []
    for line in unit[key]:
        words = shlex.split(line)
        commands.append([Path(words[0]).name, *words[1:]])
    return commands


def test_compose_names_every_process():
    services = _compose()
    assert set(services) == {"db", "redis", "minio", "nginx", *APP_SERVICES}
    for name in APP_SERVICES:
        assert services[name]["env_file"] == [".env"]
        assert services[name]["environment"] == services["web"]["environment"]
    for name in ("web", "worker", "scheduler", "nginx", "db", "redis", "minio"):
        assert services[name]["restart"] == "unless-stopped", name


def _readme_processes() -> dict[str, list[str]]:
    """The README's table of the processes production runs: name -> the commands in its
    ``command`` column (each in backticks)."""
    text = (DEPLOY.parent / "README.md").read_text(encoding="utf-8")
    start = text.index("| process | command | how many |")
    rows: dict[str, list[str]] = {}
    for line in text[start:].splitlines()[2:]:
        if not line.startswith("|"):
            break
        name, command, _ = (cell.strip() for cell in line.strip("|").split("|"))
        rows[name] = re.findall(r"`([^`]+)`", command)
    return rows


def test_compose_runs_what_the_readme_says_production_needs():
    table = _readme_processes()
    services = _compose()
    assert set(table) == {*APP_SERVICES, "nginx"}
    assert set(table) <= set(services)
    migrate = _command(services["migrate"])
    assert [step.strip() for step in migrate[2].split("&&")] == table["migrate"]
    for name in ("worker", "scheduler"):
        assert table[name] == [shlex.join(_command(services[name]))], name
    web = _command(services["web"])
    # compose binds inside its network; the README's line leaves the bind to the config file.
    assert shlex.split(table["web"][0]) == [w for w in web if w not in ("--bind", "0.0.0.0:8000")]
    for name in APP_SERVICES:
        assert _unit_command(_unit(UNITS[name]))  # and systemd has a unit for each


def test_one_scheduler_queues_the_periodic_jobs_and_the_workers_do_not():
    services = _compose()
    worker, scheduler = _command(services["worker"]), _command(services["scheduler"])
    assert worker[:2] == scheduler[:2] == CONSUMER
    assert "-n" in worker and "--no-periodic" not in worker
    assert "-n" not in scheduler and "--no-periodic" not in scheduler
    assert "-n" in shlex.split(_unit("safety-worker.service")["Service.ExecStart"][0])
    scheduler_unit = _unit("safety-scheduler.service")
    assert scheduler_unit["Service.Restart"] == ["always"]
    assert "safety-migrate.service" in " ".join(scheduler_unit["Unit.After"])


def test_units_run_the_same_commands_as_compose():
    services = _compose()
    for name in ("worker", "scheduler"):
        assert _unit_command(_unit(UNITS[name])) == [_command(services[name])], name
    web = _command(services["web"])
    bind = web.index("--bind")
    assert _unit_command(_unit(UNITS["web"])) == [web[:bind] + web[bind + 2 :]]
    script = _command(services["migrate"])
    assert script[:2] == ["sh", "-c"]
    steps = [shlex.split(step) for step in script[2].split("&&")]
    assert _unit_command(_unit(UNITS["migrate"])) == steps
    for name in APP_SERVICES:
        unit = _unit(UNITS[name])
        assert unit["Service.EnvironmentFile"] == ["/etc/school-safety/env"], name
        assert unit["Service.WorkingDirectory"] == ["/opt/school-safety"], name


def test_env_example_lists_every_variable_the_service_reads():
    listed = set(_env_example())
    root = DEPLOY.parent
    read = _variables_read(root / "server" / "config.py")
    assert {"DATABASE_URL", "SECRET_KEY", "LOG_FORMAT", "LOG_LEVEL", "REDIS_URL"} <= read
    read |= _variables_read(DEPLOY / "gunicorn.conf.py")
    assert {"GUNICORN_WORKERS", "FORWARDED_ALLOW_IPS"} <= read
    read |= set(
        re.findall(r'os\.environ\.get\("([A-Z_]+)"', (root / "storage" / "s3.py").read_text())
    )
    assert read - listed == set(), "variables read but missing from deploy/.env.example"


def test_every_key_the_units_and_compose_set_is_in_env_example():
    listed = set(_env_example())
    services = _compose()
    compose_text = (DEPLOY / "compose.yaml").read_text(encoding="utf-8")
    keys = set(re.findall(r"\$\{([A-Z_]+)", compose_text))  # what compose reads from .env
    for name in APP_SERVICES:
        keys |= set(services[name]["environment"])
        for line in _unit(UNITS[name])["Service.Environment"]:
            keys |= {pair.split("=", 1)[0] for pair in shlex.split(line)}
    template = (DEPLOY / "nginx" / "school-safety.conf.template").read_text(encoding="utf-8")
    keys |= set(re.findall(r"\$\{([A-Z_]+)\}", template))
    keys -= {"FLASK_APP"}  # the flask CLI's own, fixed by the units and compose
    assert keys - listed == set(), "set by deploy/ but missing from deploy/.env.example"


def _paths_probed() -> list[str]:
    """The app routes the compose healthchecks and the units probe."""
    commands = [
        " ".join(service["healthcheck"]["test"])
        for service in _compose().values()
        if "healthcheck" in service
    ]
    commands += [line for unit in UNITS.values() for line in _unit(unit)["Service.ExecStartPost"]]
    return [urlsplit(url).path for url in re.findall(r"https?://\S+", " ".join(commands))]


def test_healthchecks_point_at_existing_routes(app):
    paths = _paths_probed()
    assert {"/livez", "/readyz"} <= set(paths)
    # /healthz is the benchmarks' baseline (database and store), not a liveness probe.
    assert "/healthz" not in paths
    adapter = app.url_map.bind("localhost")
    for path in paths:
        endpoint, _ = adapter.match(path, method="GET")
        assert endpoint.startswith("health."), (path, endpoint)
    services = _compose()
    assert services["nginx"]["depends_on"]["web"] == {"condition": "service_healthy"}
    assert "/readyz" in " ".join(services["web"]["healthcheck"]["test"])
    assert "/livez" in " ".join(services["nginx"]["healthcheck"]["test"])
    assert _unit(UNITS["web"])["Service.ExecStartPost"][0].endswith("/livez")


def test_nginx_site_serves_https_with_configured_certificates_and_the_probes():
    template = (DEPLOY / "nginx" / "school-safety.conf.template").read_text(encoding="utf-8")
    assert "listen 443 ssl http2;" in template
    assert "ssl_certificate     ${TLS_CERTIFICATE};" in template
    assert "ssl_certificate_key ${TLS_CERTIFICATE_KEY};" in template
    for probe in ("/livez", "/healthz", "/readyz"):
        assert f"location = {probe} {{" in template
    assert "proxy_set_header X-Request-Id" in template
    readyz = template.split("location = /readyz", 1)[1].split("}", 1)[0]
    assert "deny all;" in readyz  # dependency states are not for the internet
    nginx = _compose()["nginx"]
    assert nginx["environment"]["TLS_CERTIFICATE"] in " ".join(nginx["volumes"])


def test_probe_script_exit_codes(tmp_path):
    statuses = {"/ok": 200, "/down": 503}

    class Handler(http.server.BaseHTTPRequestHandler):
        """Answers each path with its status."""

        def do_GET(self):
            """The path's status and a short body."""
            self.send_response(statuses.get(self.path, 404))
            self.end_headers()
            self.wfile.write(b'{"checks": {"database": "error"}}')

        def log_message(self, *args):
            """Quiet."""

    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    base = f"http://127.0.0.1:{server.server_address[1]}"
    probe = [sys.executable, str(DEPLOY / "probe.py")]
    try:
        ok = subprocess.run([*probe, f"{base}/ok"], capture_output=True, text=True, timeout=30)
        down = subprocess.run([*probe, f"{base}/down"], capture_output=True, text=True, timeout=30)
    finally:
        server.shutdown()
        server.server_close()
        thread.join(timeout=5)
    assert ok.returncode == 0
    assert down.returncode == 1 and "HTTP 503" in down.stderr and "database" in down.stderr
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        closed = sock.getsockname()[1]
    started = time.monotonic()
    gone = subprocess.run(
        [*probe, "--wait", "1", f"http://127.0.0.1:{closed}/livez"],
        capture_output=True,
        text=True,
        timeout=30,
    )
    assert gone.returncode == 1 and "refused" in gone.stderr.lower()
    assert 1 <= time.monotonic() - started < 20


def test_self_signed_certificate_script(tmp_path):
    if shutil.which("openssl") is None:
        pytest.skip("openssl is not installed: the self-signed certificate script needs it")
    script = DEPLOY / "self-signed-cert.sh"
    done = subprocess.run(
        [str(script), str(tmp_path), "trial.example"], capture_output=True, text=True, timeout=60
    )
    assert done.returncode == 0, done.stderr
    subject = subprocess.run(
        ["openssl", "x509", "-in", str(tmp_path / "fullchain.pem"), "-noout", "-subject"],
        capture_output=True,
        text=True,
        timeout=30,
    )
    assert "trial.example" in subject.stdout
    assert (tmp_path / "privkey.pem").stat().st_mode & 0o077 == 0
    bad = subprocess.run(
        [str(script), str(tmp_path), "x;rm -rf /"], capture_output=True, timeout=30
    )
    assert bad.returncode == 2


def test_gunicorn_config_logs_json_in_production_and_reads_blank_as_default(monkeypatch):
    monkeypatch.setenv("APP_ENV", "production")
    monkeypatch.setenv("GUNICORN_WORKERS", "")
    monkeypatch.delenv("LOG_FORMAT", raising=False)
    settings = runpy.run_path(str(DEPLOY / "gunicorn.conf.py"))
    assert settings["workers"] >= 1 and settings["control_socket_disable"] is True
    formatter = settings["logconfig_dict"]["formatters"]["safety"]["()"]
    assert formatter == "server.logs.JsonFormatter"
    monkeypatch.setenv("APP_ENV", "development")
    settings = runpy.run_path(str(DEPLOY / "gunicorn.conf.py"))
    assert settings["logconfig_dict"]["formatters"]["safety"]["()"] == "server.logs.TextFormatter"


def _nginx_binary() -> str | None:
    """An nginx to check the site with: ``NGINX_BIN`` or one on PATH."""
    return os.environ.get("NGINX_BIN") or shutil.which("nginx")


def test_the_rendered_nginx_site_passes_nginx_t(tmp_path):
    nginx = _nginx_binary()
    if nginx is None:
        pytest.skip("no nginx on PATH (or NGINX_BIN): the site is checked only by parsing here")
    if shutil.which("openssl") is None:
        pytest.skip("openssl is not installed: no certificate to check the site with")
    subprocess.run(
        [str(DEPLOY / "self-signed-cert.sh"), str(tmp_path / "certs")], check=True, timeout=60
    )
    values = {
        "SERVER_NAME": "trial.example",
        "TLS_CERTIFICATE": str(tmp_path / "certs" / "fullchain.pem"),
        "TLS_CERTIFICATE_KEY": str(tmp_path / "certs" / "privkey.pem"),
        "UPSTREAM": "127.0.0.1:8000",
    }
    site = (DEPLOY / "nginx" / "school-safety.conf.template").read_text(encoding="utf-8")
    for name, value in values.items():  # what envsubst with the names listed does
        site = site.replace("${" + name + "}", value)
    assert "${" not in site
    logs = tmp_path / "logs"
    logs.mkdir()
    site = site.replace("/var/log/nginx/", f"{logs}/")
    (tmp_path / "site.conf").write_text(site, encoding="utf-8")
    temp = "\n".join(
        f"  {kind}_temp_path {tmp_path}/{kind};"
        for kind in ("client_body", "proxy", "fastcgi", "uwsgi", "scgi")
    )
    (tmp_path / "nginx.conf").write_text(
        f"error_log {logs}/error.log;\npid {logs}/nginx.pid;\nevents {{}}\n"
        f"http {{\n  access_log {logs}/access.log;\n{temp}\n  include {tmp_path}/site.conf;\n}}\n",
        encoding="utf-8",
    )
    checked = subprocess.run(
        [nginx, "-t", "-p", str(tmp_path), "-c", str(tmp_path / "nginx.conf")],
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert checked.returncode == 0, checked.stderr


def test_secrets_beside_the_compose_file_stay_out_of_git_and_the_image():
    root = DEPLOY.parent
    for ignore in (".gitignore", ".dockerignore"):
        lines = {line.strip("/") for line in (root / ignore).read_text().splitlines()}
        assert {"deploy/.env", "deploy/certs"} <= lines, ignore
