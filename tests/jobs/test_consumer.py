"""The production entry point works: ``huey_consumer server.worker.huey`` builds the app from
the environment and sends pushes enqueued by another process through the shared queue, logging
JSON lines that carry the id of the request that queued them."""

from __future__ import annotations

import json
import subprocess
import time
from pathlib import Path

from sqlalchemy import select

from server import create_app
from server.extensions import db
from server.logs import bound_request_id
from server.models import Delivery
from server.queue import init_queue
from server.services.notify import enqueue_deliveries
from tests.conftest import _overrides
from tests.jobs.conftest import HUEY_CONSUMER, ROOT, consumer_env, parents_with_pushes


def _consumer(app, fake_wechat, data_dir: Path, stderr=None, **extra: str) -> subprocess.Popen:
    """``huey_consumer server.worker.huey`` configured, as in production, by the environment."""
    env = {**consumer_env(app, fake_wechat.url, data_dir), **extra}
    return subprocess.Popen(
        [HUEY_CONSUMER, "server.worker.huey", "-k", "thread", "-w", "2", "-n", "-q"],
        cwd=ROOT,
        env=env,
        stderr=stderr,
    )


def _enqueue_from_another_app(app, fake_wechat, tmp_path, ids: list[int]) -> None:
    """Enqueue the deliveries into the SQLite queue file as a web process would (nothing runs
    here), inside a request whose id is ``web-req-42``."""
    web = create_app(
        {
            **_overrides(app.config["SQLALCHEMY_DATABASE_URI"], tmp_path, fake_wechat.url),
            "JOBS_IMMEDIATE": False,
            "DATA_DIR": str(tmp_path),
        }
    )
    try:
        with bound_request_id("web-req-42"):
            assert enqueue_deliveries(ids) == 1
    finally:
        init_queue(app)
        with web.app_context():
            db.engine.dispose()
    db.session.remove()


def _wait_until_sent(worker: subprocess.Popen) -> None:
    """Wait (60 s at most) until every delivery is sent, then stop the consumer."""
    try:
        deadline = time.monotonic() + 60
        while set(db.session.scalars(select(Delivery.status))) != {"sent"}:
            db.session.rollback()
            assert worker.poll() is None, "the consumer exited"
            assert time.monotonic() < deadline, "the consumer sent nothing"
            time.sleep(0.1)
    finally:
        worker.terminate()
        worker.wait(timeout=10)


def test_the_worker_entry_point_sends_what_the_web_enqueued(app, fake_wechat, templates, tmp_path):
    ids = parents_with_pushes(fake_wechat, templates["notice"], 3, prefix="queued")
    _enqueue_from_another_app(app, fake_wechat, tmp_path, ids)
    _wait_until_sent(_consumer(app, fake_wechat, tmp_path))
    assert sorted(m["touser"] for m in fake_wechat.messages()) == [
        f"queued-{i:03d}" for i in range(3)
    ]


def test_the_worker_logs_json_lines_with_the_enqueuing_request_id(
    app, fake_wechat, templates, tmp_path
):
    ids = parents_with_pushes(fake_wechat, templates["notice"], 2, prefix="traced")
    _enqueue_from_another_app(app, fake_wechat, tmp_path, ids)
    log_path = tmp_path / "worker.log"
    with log_path.open("w", encoding="utf-8") as log_file:
        _wait_until_sent(_consumer(app, fake_wechat, tmp_path, log_file, LOG_FORMAT="json"))
    lines = [line for line in log_path.read_text(encoding="utf-8").splitlines() if line]
    entries = [json.loads(line) for line in lines]  # every line one JSON object
    sends = [e for e in entries if e.get("job") == "send_deliveries"]
    assert [e["message"] for e in sends][:1] == ["job send_deliveries started"]
    assert {e["request_id"] for e in sends} == {"web-req-42"}
