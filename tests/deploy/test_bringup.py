"""Bring the service up as the systemd units describe it (issue 13): every process the units name,
with their own commands and an environment file made from ``deploy/.env.example``, on this
machine's PostgreSQL and Redis, the SeaweedFS S3 server and the fake WeChat server (a process);
then, through HTTP only, as the phone would: the first admin joins, a report with a real photo
lands in the bucket, a push goes out through the worker exactly once, and a backup made by the
backup unit's command, restored into a fresh database and bucket, serves the same hazard and
photo bytes. No container engine runs here; the compose file is checked by tests/test_deploy.py.

Run it alone: ``.venv/bin/pytest -q tests/deploy``. Its cost is starting processes: each
loads the app (about 100 s of CPU in all)."""

from __future__ import annotations

import hashlib
import re
import uuid
from pathlib import Path

import pytest
import requests
from minio import Minio

from server.config import ConfigError, load_settings
from tests.deploy.phone import TIMEOUT, Phone, answer_json, photo_bytes
from tests.deploy.stack import (
    DEPLOY,
    REPO,
    VENV_BIN,
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
from tests.support.links import without_links

PHOTO = REPO / "tests" / "fixtures" / "photos" / "DSCN0010.jpg"  # a real camera JPEG
# The bureau and one school under it, as a bureau's spreadsheet lists them (README).
UNITS_CSV = (
    "单位代码,单位名称,单位类型,办学性质,上级单位代码,年级,班级\n"
    "B1,示范区教体局,教育局,公办,,,\n"
    "S1,东城小学,学校,公办,B1,一年级,一年级1班\n"
)


def start_web(processes: Processes, name: str, env_file: Path, tmp_path: Path) -> str:
    """safety-web: gunicorn, then the unit's ExecStartPost probe; the base URL it serves."""
    unit = read_unit("safety-web.service")
    env = unit_environment(unit, env_file, tmp_path)
    (start,) = unit.exec_start
    processes.start(name, command(start, env, tmp_path), env, working_directory(unit))
    for probe in unit.exec_start_post:  # returns once /livez answers, or fails
        run(command(probe, env, tmp_path), env, working_directory(unit), timeout=90)
    # Traffic only once ready (database, store and Redis answer), as a load balancer sends it:
    # the PostgreSQL server here is shared, and may refuse connections for a moment when full.
    base = f"http://{env['GUNICORN_BIND']}"
    wait_for(f"{name} to be ready", lambda: _answers(f"{base}/readyz"), 60, processes)
    return base


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
    return run([str(VENV_BIN / "flask"), "--app", "server", *args], env, REPO)


def start_fake_wechat(processes: Processes, env_file: Path, tmp_path: Path) -> str:
    """``flask wechat fake-server`` on the port of WECHAT_API_BASE_URL; its base URL."""
    env = unit_environment(read_unit("safety-migrate.service"), env_file, tmp_path)
    argv = [str(VENV_BIN / "flask"), "--app", "server", "wechat", "fake-server"]
    processes.start("wechat", argv, env, REPO)
    base = read_env_file(env_file)["WECHAT_API_BASE_URL"]
    wait_for("the fake WeChat server", lambda: _answers(f"{base}_fake/stats"), 120, processes)
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


def ran_every_minute(env_file: Path, tmp_path: Path) -> bool:
    """Whether ``flask jobs status`` shows a finished period of the schedules' minutely job."""
    shown = flask(env_file, tmp_path, "jobs", "status")
    return any(
        "run_due_schedules" in line and "running or failed" not in line
        for line in shown.splitlines()
    )


def released(officer: Phone, hazard_id: int) -> dict | None:
    """The hazard as the officer sees it once its photos are visible to others, else None."""
    hazard = officer.call("GET", f"/hazards/{hazard_id}")
    return hazard if all(photo["url"] for photo in hazard["photos"]) else None


def messages_to(wechat: str, openid: str) -> list[dict]:
    """The subscribe messages the fake WeChat accepted for ``openid``."""
    answer = answer_json(requests.get(f"{wechat}_fake/messages", timeout=TIMEOUT))
    return [m for m in answer["messages"] if m["touser"] == openid]


def join(web: str, wechat: str, env_file: Path, tmp_path: Path) -> tuple[Phone, Phone, dict, str]:
    """The first deployment's steps (README): the units, the first admin's invitation; the
    bureau's admin joins and invites the school's safety officer, who joins and accepts the
    new-report message. Returns the admin, the officer, the school and that template's id."""
    units = tmp_path / "units.csv"
    units.write_text(UNITS_CSV, encoding="utf-8")
    flask(env_file, tmp_path, "units", "import", str(units))
    qr = str(tmp_path / "qr.png")
    printed = flask(env_file, tmp_path, "setup", "first-admin", "--unit-code", "B1", "--out", qr)
    invitation = re.search(r"invitation code: (\S+)", printed).group(1)

    admin = Phone(web, wechat, f"admin-{uuid.uuid4().hex[:8]}")
    admin.call("POST", "/invitations/redeem", json={"code": invitation, "display_name": "李主任"})
    (bureau,) = admin.call("GET", "/units")["units"]
    (school,) = admin.call("GET", "/units", params={"parent_id": bureau["id"]})["units"]
    invited = admin.call(
        "POST", "/invitations", json={"unit_id": school["id"], "role": "school_admin"}
    )
    officer = Phone(web, wechat, f"officer-{uuid.uuid4().hex[:8]}")
    officer.call(
        "POST", "/invitations/redeem", json={"code": invited["code"], "display_name": "王老师"}
    )
    # What wx.requestSubscribeMessage's answer reports.
    templates = officer.call("GET", "/subscriptions/templates")["templates"]
    (reported,) = [t["template_id"] for t in templates if t["key"] == "hazard_reported"]
    officer.call("POST", "/subscriptions", json={"results": {reported: "accept"}})
    return admin, officer, school, reported


def report(admin: Phone, school: dict) -> dict:
    """Upload the real photo and report a hazard at the school with it; the hazard."""
    with PHOTO.open("rb") as handle:
        uploaded = admin.call("POST", "/photos", files={"file": ("photo.jpg", handle)})
    return admin.call(
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


def back_up_and_restore(
    processes, env_file, env_values, postgres, buckets, tmp_path
) -> tuple[str, str]:
    """The backup unit's command; ``flask backup restore`` into a fresh database and bucket;
    a second web process on them. Its base URL, and the bucket."""
    unit = read_unit("safety-backup.service")
    env = unit_environment(unit, env_file, tmp_path)
    for line in unit.exec_start:
        run(command(line, env, tmp_path), env, working_directory(unit))
    restored = write_env_file(
        tmp_path / "env-restored",
        {
            **env_values,
            "DATABASE_URL": postgres(),
            "MINIO_BUCKET": buckets(),
            "GUNICORN_BIND": f"127.0.0.1:{_other_port(env_values)}",
        },
    )
    flask(restored, tmp_path, "backup", "restore", str(tmp_path / "backups"), "--yes")
    bucket = read_env_file(restored)["MINIO_BUCKET"]
    return start_web(processes, "web-restored", restored, tmp_path), bucket


def test_the_units_bring_up_a_stack_that_serves_and_restores(
    env_file, env_values, postgres, buckets, seaweed, tmp_path
):
    processes = Processes(tmp_path)
    try:
        migrate(env_file, tmp_path)
        wechat = start_fake_wechat(processes, env_file, tmp_path)
        web = start_web(processes, "web", env_file, tmp_path)
        start_consumers(processes, env_file, tmp_path)
        admin, officer, school, reported = join(web, wechat, env_file, tmp_path)

        hazard = report(admin, school)
        store = Minio(seaweed.endpoint, seaweed.access_key, seaweed.secret_key, secure=False)
        key = f"photos/{hashlib.sha256(PHOTO.read_bytes()).hexdigest()}/display.jpg"
        assert store.stat_object(env_values["MINIO_BUCKET"], key).size > 0
        # The worker pushes the new report to the officer; the media check (worker -> WeChat ->
        # the callback) releases the photo to them.
        pushed = wait_for("the push", lambda: messages_to(wechat, officer.openid), 90, processes)
        assert [m["template_id"] for m in pushed] == [reported]
        seen = wait_for(
            "the photo's media check", lambda: released(officer, hazard["id"]), 90, processes
        )
        originals = photo_bytes(seen)
        # The scheduler enqueues the periodic jobs (schedules, escalation, re-queue...) and a
        # worker runs them: the minutely one has claimed and finished a period.
        wait_for(
            "the scheduler's minutely job",
            lambda: ran_every_minute(env_file, tmp_path),
            90,
            processes,
        )

        restored, bucket = back_up_and_restore(
            processes, env_file, env_values, postgres, buckets, tmp_path
        )
        again = requests.get(
            f"{restored}/api/v1/hazards/{hazard['id']}", headers=officer.headers, timeout=TIMEOUT
        )
        assert again.status_code == 200, again.text  # the officer's session came back too
        assert without_links(again.json()) == without_links(seen)
        served = photo_bytes(again.json())
        assert all(f"/{bucket}/" in link for link in served)  # from the restored bucket...
        assert list(served.values()) == list(originals.values())  # ...the same bytes
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
