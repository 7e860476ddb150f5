"""A web worker killed mid-request: gunicorn, started as production starts it (its config file,
one worker), on the test's PostgreSQL database; a report's creation is held inside the worker
(WeChat's text check answers late) and the worker is SIGKILLed. The phone gets no HTTP answer
(the connection drops: the one fault without one), gunicorn's master starts a new worker, and
sending the same report again (same client UUID) files it exactly once."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import threading
import time
from pathlib import Path

import requests
from sqlalchemy import func, select

from server.extensions import db
from server.models import Hazard
from tests.conftest import APP_SECRET, APPID, TEST_SECRET_KEY
from tests.faults.conftest import on_postgresql
from tests.hazards.conftest import report_body

pytestmark = on_postgresql
ROOT = Path(__file__).resolve().parents[2]
TEXT_CHECK = "wxa/msg_sec_check"
HELD_SECONDS = 20  # under gunicorn's 30 s worker timeout: only the kill ends the request
START_SECONDS = 120  # a busy machine takes long to import the app


def _free_port() -> int:
    """A loopback port free right now."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _gunicorn(app, fake_wechat, tmp_path: Path, port: int) -> subprocess.Popen:
    """gunicorn with production's config file and one sync worker, configured by the
    environment as the systemd unit does."""
    env = {
        **os.environ,
        "PYTHONPATH": str(ROOT),
        "APP_ENV": "test",
        "DATABASE_URL": app.config["SQLALCHEMY_DATABASE_URI"],
        "DATA_DIR": str(tmp_path),
        "MEDIA_ROOT": app.config["MEDIA_ROOT"],
        "SECRET_KEY": TEST_SECRET_KEY,
        "WECHAT_APPID": APPID,
        "WECHAT_SECRET": APP_SECRET,
        "WECHAT_API_BASE_URL": fake_wechat.url,
        "JOBS_IMMEDIATE": "false",
        "GUNICORN_BIND": f"127.0.0.1:{port}",
        "GUNICORN_WORKERS": "1",
        "GUNICORN_THREADS": "1",
        "LOG_FORMAT": "text",
    }
    env.pop("REDIS_URL", None)
    command = [
        str(Path(sys.executable).with_name("gunicorn")),
        "-c",
        str(ROOT / "deploy" / "gunicorn.conf.py"),
        "server:create_app()",
    ]
    with (tmp_path / "gunicorn.log").open("w") as log:
        return subprocess.Popen(command, cwd=ROOT, env=env, stdout=log, stderr=log)


def _workers(master: subprocess.Popen) -> list[int]:
    """The pids of the master's worker processes."""
    path = Path(f"/proc/{master.pid}/task/{master.pid}/children")
    return [int(pid) for pid in path.read_text().split()]


def _wait_serving(master: subprocess.Popen, base: str, not_pid: int | None = None) -> int:
    """Wait until a worker (another than ``not_pid``) answers ``/livez``; returns its pid."""
    deadline = time.monotonic() + START_SECONDS
    while time.monotonic() < deadline:
        assert master.poll() is None, "gunicorn exited"
        workers = [pid for pid in _workers(master) if pid != not_pid]
        try:
            if workers and requests.get(base + "/livez", timeout=2).status_code == 200:
                return workers[0]
        except requests.RequestException:
            pass
        time.sleep(0.2)
    raise AssertionError("gunicorn never served")


def _hold_text_check(fake_wechat, monkeypatch) -> threading.Event:
    """Make WeChat's next text check answer late; the event is set when the check arrives."""
    arrived, real = threading.Event(), fake_wechat.take_failure
    fake_wechat.inject_failure(TEXT_CHECK, delay=HELD_SECONDS)

    def take_failure(path: str):
        """Note the text check's arrival, then apply the injected delay."""
        if path == TEXT_CHECK:
            arrived.set()
        return real(path)

    monkeypatch.setattr(fake_wechat, "take_failure", take_failure)
    return arrived


def test_a_web_worker_killed_mid_request(demo, login, upload, fake_wechat, tmp_path, monkeypatch):
    staff = login("demo-school_admin")
    body = report_body([upload(staff)["id"]])
    db.session.remove()
    port = _free_port()
    base = f"http://127.0.0.1:{port}"
    master = _gunicorn(demo, fake_wechat, tmp_path, port)
    try:
        worker = _wait_serving(master, base)
        arrived = _hold_text_check(fake_wechat, monkeypatch)
        outcome: dict = {}

        def send() -> None:
            """The phone's request, which the worker never finishes."""
            try:
                outcome["response"] = requests.post(
                    base + "/api/v1/hazards", json=body, headers=staff, timeout=60
                )
            except requests.RequestException as exc:
                outcome["error"] = exc

        phone = threading.Thread(target=send)
        phone.start()
        assert arrived.wait(START_SECONDS), "the request never reached the text check"
        os.kill(worker, signal.SIGKILL)
        phone.join(timeout=60)
        assert not phone.is_alive()
        if "response" in outcome:  # a proxy in front would answer 502; gunicorn just drops it
            assert outcome["response"].status_code >= 500
        else:
            assert isinstance(outcome["error"], requests.ConnectionError)
        assert db.session.scalar(select(func.count(Hazard.id))) == 0  # nothing half-filed

        _wait_serving(master, base, not_pid=worker)  # the master replaced the worker
        retried = requests.post(base + "/api/v1/hazards", json=body, headers=staff, timeout=60)
        assert retried.status_code == 201, retried.text
        again = requests.post(base + "/api/v1/hazards", json=body, headers=staff, timeout=60)
        assert again.status_code == 200 and again.json()["id"] == retried.json()["id"]
        db.session.remove()
        hazards = select(func.count(Hazard.id)).where(Hazard.client_uuid == body["client_uuid"])
        assert db.session.scalar(hazards) == 1
    finally:
        master.terminate()
        master.wait(timeout=30)
