"""Bring the service up as the systemd units describe it (issue 13): every process the units name,
with their own commands and an environment file made from ``deploy/.env.example``, on this
machine's PostgreSQL and Redis, the SeaweedFS S3 server and the fake WeChat server (a process);
then, through HTTP only, as the phone would: the first admin joins, a report with a real photo
lands in the bucket, a push goes out through the worker exactly once, and a backup made by the
backup unit's command, restored into a fresh database and bucket, serves the same hazard and
photo bytes. No container engine runs here; the compose file is checked by tests/test_deploy.py.

Run it alone: ``.venv/bin/pytest -q tests/deploy`` (about a minute)."""

from __future__ import annotations

import hashlib
import re
import uuid
from pathlib import Path

import pytest
import requests
from minio import Minio

from server.config import ConfigError, load_settings
from tests.deploy.stack import (
    DEPLOY,
    REPO,
    Processes,
    command,
    free_port,
    read_env_file,
    read_unit,
    run,
    unit_environment,
    wait_for,
    working_directory,
    write_env_file,
)

PHOTO = REPO / "tests" / "fixtures" / "photos" / "DSCN0010.jpg"  # a real camera JPEG
# The bureau and one school under it, as a bureau's spreadsheet lists them (README).
UNITS_CSV = (
    "单位代码,单位名称,单位类型,办学性质,上级单位代码,年级,班级\n"
    "B1,示范区教体局,教育局,公办,,,\n"
    "S1,东城小学,学校,公办,B1,一年级,一年级1班\n"
)
TIMEOUT = 10  # seconds for each HTTP call


class Phone:
    """A signed-in user of the mini-program, talking HTTP to the web process."""

    def __init__(self, base: str, wechat: str, openid: str) -> None:
        """Log in with a code the fake WeChat minted for ``openid`` (what wx.login gives)."""
        self.base, self.openid = base, openid
        minted = requests.post(f"{wechat}_fake/codes", json={"openid": openid}, timeout=TIMEOUT)
        code = _json(minted)
        token = self.call("POST", "/auth/login", json={"code": code["code"]}, auth=False)["token"]
        self.headers = {"Authorization": f"Bearer {token}"}

    def call(self, method: str, path: str, auth: bool = True, status=(200, 201), **kwargs):
        """One API call; its JSON answer (the status must be one of ``status``)."""
        response = requests.request(
            method,
            f"{self.base}/api/v1{path}",
            headers=self.headers if auth else {},
            timeout=TIMEOUT,
            **kwargs,
        )
        assert response.status_code in status, (method, path, response.status_code, response.text)
        return response.json()


def _json(response: requests.Response):
    """A response's JSON, which must be a 2xx."""
    assert response.ok, response.text
    return response.json()


def without_links(value):
    """A response without its presigned links (signed anew on every request)."""
    if isinstance(value, dict):
        return {k: without_links(v) for k, v in value.items() if not k.endswith("url")}
    if isinstance(value, list):
        return [without_links(v) for v in value]
    return value


def photo_bytes(hazard: dict) -> dict[str, bytes]:
    """Each photo link of a hazard's answer (display and thumbnail) -> the bytes it serves."""
    links = [photo[key] for photo in hazard["photos"] for key in ("url", "thumb_url")]
    assert links and all(links), hazard["photos"]
    return {link: _get(link) for link in links}


def _get(url: str) -> bytes:
    """The bytes at a URL (a presigned S3 link)."""
    response = requests.get(url, timeout=TIMEOUT)
    assert response.status_code == 200, response.text
    return response.content


def start_web(processes: Processes, name: str, env_file: Path, tmp_path: Path) -> str:
    """safety-web: gunicorn, then the unit's ExecStartPost probe; the base URL it serves."""
    unit = read_unit("safety-web.service")
    env = unit_environment(unit, env_file, tmp_path)
    (start,) = unit.exec_start
    processes.start(name, command(start, env, tmp_path), env, working_directory(unit))
    for probe in unit.exec_start_post:  # returns once /livez answers, or fails
        run(command(probe, env, tmp_path), env, working_directory(unit), timeout=90)
    return f"http://{env['GUNICORN_BIND']}"


def migrate(env_file: Path, tmp_path: Path) -> None:
    """safety-migrate: its commands in order, each to exit 0."""
    unit = read_unit("safety-migrate.service")
    env = unit_environment(unit, env_file, tmp_path)
    for line in unit.exec_start:
        run(command(line, env, tmp_path), env, working_directory(unit), timeout=180)


def flask(env_file: Path, tmp_path: Path, *args: str) -> str:
    """A ``flask`` command with the units' environment, as the README's first-deployment steps
    run them (``systemd-run -p EnvironmentFile=... -E APP_ENV=production flask --app server``)."""
    unit = read_unit("safety-migrate.service")
    env = unit_environment(unit, env_file, tmp_path)
    return run([str(REPO / ".venv" / "bin" / "flask"), "--app", "server", *args], env, REPO)


def start_fake_wechat(processes: Processes, env_file: Path, tmp_path: Path) -> str:
    """``flask wechat fake-server`` on the port of WECHAT_API_BASE_URL; its base URL."""
    env = unit_environment(read_unit("safety-migrate.service"), env_file, tmp_path)
    argv = [str(REPO / ".venv" / "bin" / "flask"), "--app", "server", "wechat", "fake-server"]
    processes.start("wechat", argv, env, REPO)
    base = read_env_file(env_file)["WECHAT_API_BASE_URL"]
    wait_for("the fake WeChat server", lambda: _answers(f"{base}_fake/stats"), 60, processes)
    return base


def _answers(url: str) -> bool:
    """Whether a URL answers 200 now."""
    try:
        return requests.get(url, timeout=2).status_code == 200
    except requests.RequestException:
        return False


def start_consumers(processes: Processes, env_file: Path, tmp_path: Path) -> None:
    """safety-worker and safety-scheduler, as their units start them."""
    for name in ("worker", "scheduler"):
        unit = read_unit(f"safety-{name}.service")
        env = unit_environment(unit, env_file, tmp_path)
        (start,) = unit.exec_start
        processes.start(name, command(start, env, tmp_path), env, working_directory(unit))


def released(officer: Phone, hazard_id: int) -> dict | None:
    """The hazard as the officer sees it once its photos are visible to others, else None."""
    hazard = officer.call("GET", f"/hazards/{hazard_id}")
    return hazard if all(photo["url"] for photo in hazard["photos"]) else None


def messages_to(wechat: str, openid: str) -> list[dict]:
    """The subscribe messages the fake WeChat accepted for ``openid``."""
    answer = _json(requests.get(f"{wechat}_fake/messages", timeout=TIMEOUT))
    return [m for m in answer["messages"] if m["touser"] == openid]


def test_the_units_bring_up_a_stack_that_serves_and_restores(
    env_file, env_values, postgres, buckets, seaweed, tmp_path
):
    processes = Processes(tmp_path)
    try:
        migrate(env_file, tmp_path)
        wechat = start_fake_wechat(processes, env_file, tmp_path)
        web = start_web(processes, "web", env_file, tmp_path)
        start_consumers(processes, env_file, tmp_path)

        # The first deployment's steps (README): the units, then the first admin's invitation.
        units = tmp_path / "units.csv"
        units.write_text(UNITS_CSV, encoding="utf-8")
        flask(env_file, tmp_path, "units", "import", str(units))
        printed = flask(
            env_file, tmp_path, "setup", "first-admin", "--unit-code", "B1", "--out",
            str(tmp_path / "qr.png"),
        )  # fmt: skip
        invitation = re.search(r"invitation code: (\S+)", printed).group(1)

        # The bureau's admin joins; they invite the school's safety officer, who joins too.
        admin = Phone(web, wechat, f"admin-{uuid.uuid4().hex[:8]}")
        admin.call(
            "POST", "/invitations/redeem", json={"code": invitation, "display_name": "李主任"}
        )
        (bureau,) = admin.call("GET", "/units")["units"]
        (school,) = admin.call("GET", "/units", params={"parent_id": bureau["id"]})["units"]
        invited = admin.call(
            "POST", "/invitations", json={"unit_id": school["id"], "role": "school_admin"}
        )
        officer = Phone(web, wechat, f"officer-{uuid.uuid4().hex[:8]}")
        officer.call(
            "POST", "/invitations/redeem", json={"code": invited["code"], "display_name": "王老师"}
        )
        # The officer accepts the new-report message (wx.requestSubscribeMessage's answer).
        templates = officer.call("GET", "/subscriptions/templates")["templates"]
        (reported,) = [t["template_id"] for t in templates if t["key"] == "hazard_reported"]
        officer.call("POST", "/subscriptions", json={"results": {reported: "accept"}})

        # The admin reports a hazard at the school with a real photo.
        photo = PHOTO.read_bytes()
        with PHOTO.open("rb") as handle:
            uploaded = admin.call("POST", "/photos", files={"file": ("photo.jpg", handle)})
        hazard = admin.call(
            "POST",
            "/hazards",
            json={
                "client_uuid": str(uuid.uuid4()),
                "focus_problem": "fire.utilities",
                "description": "配电箱门损坏,电线裸露",
                "severity": "general",
                "lat": 33.7712,
                "lng": 116.9593,
                "accuracy": 12.5,
                "coord_system": "gcj02",
                "school_id": school["id"],
                "photo_ids": [uploaded["id"]],
            },
        )
        store = Minio(seaweed.endpoint, seaweed.access_key, seaweed.secret_key, secure=False)
        key = f"photos/{hashlib.sha256(photo).hexdigest()}/display.jpg"
        assert store.stat_object(env_values["MINIO_BUCKET"], key).size > 0

        # The worker pushes the new report to the officer; the media check (worker -> WeChat ->
        # the callback) releases the photo to them.
        pushed = wait_for("the push", lambda: messages_to(wechat, officer.openid), 60, processes)
        assert [m["template_id"] for m in pushed] == [reported]
        seen = wait_for(
            "the photo's media check", lambda: released(officer, hazard["id"]), 60, processes
        )
        originals = photo_bytes(seen)

        # The backup unit's command, then a restore into a fresh database and bucket.
        backup_unit = read_unit("safety-backup.service")
        backup_env = unit_environment(backup_unit, env_file, tmp_path)
        for line in backup_unit.exec_start:
            run(command(line, backup_env, tmp_path), backup_env, working_directory(backup_unit))
        restored_file = write_env_file(
            tmp_path / "env-restored",
            {
                **env_values,
                "DATABASE_URL": postgres(),
                "MINIO_BUCKET": buckets(),
                "GUNICORN_BIND": f"127.0.0.1:{_other_port(env_values)}",
            },
        )
        flask(restored_file, tmp_path, "backup", "restore", str(tmp_path / "backups"), "--yes")
        restored = start_web(processes, "web-restored", restored_file, tmp_path)

        again = requests.get(
            f"{restored}/api/v1/hazards/{hazard['id']}", headers=officer.headers, timeout=TIMEOUT
        )
        assert again.status_code == 200, again.text  # the officer's session came back too
        assert without_links(again.json()) == without_links(seen)
        served = photo_bytes(again.json())
        assert all(f"/{read_env_file(restored_file)['MINIO_BUCKET']}/" in link for link in served)
        assert list(served.values()) == list(originals.values())
        # Exactly once: nothing sent it again in the meantime (backup, restore, a second web).
        assert len(messages_to(wechat, officer.openid)) == 1
        processes.check_alive()
    except BaseException:
        for name in processes.running:
            print(f"--- {name}\n{processes.tail(name)}")
        raise
    finally:
        processes.stop_all()


def _other_port(values: dict[str, str]) -> int:
    """A free port other than the first web process's."""
    taken = values["GUNICORN_BIND"].rsplit(":", 1)[1]
    port = free_port()
    while str(port) == taken:
        port = free_port()
    return port


def test_the_env_file_passes_production_checks_but_for_the_fake_wechat(env_file, monkeypatch):
    """The bring-up's file with APP_ENV=production is refused only for the loopback WeChat
    server; with WeChat's real address it is a valid production configuration."""
    values = read_env_file(env_file) | {"APP_ENV": "production"}
    for key, value in values.items():
        monkeypatch.setenv(key, value)
    with pytest.raises(ConfigError, match="production refuses a fake WeChat server"):
        load_settings()
    monkeypatch.setenv("WECHAT_API_BASE_URL", "")
    assert load_settings()["APP_ENV"] == "production"
    assert "APP_ENV=production" in (DEPLOY / "systemd" / "safety-web.service").read_text()
