"""A worker killed mid-send: a real ``huey_consumer`` sending a fan-out bigger than a claim
batch to a fake WeChat that answers slowly is SIGKILLed while deliveries are in flight; its job
dies with it (the queue had handed it over). Recovery (its staleness window cut to nothing)
gives back what the worker claimed and never started and marks what it had in flight
uncertain; the re-queue hands the rest to a second consumer, which sends it. Every parent is
messaged except, at most, deliveries left uncertain, no more than the documented in-flight
bound; nobody is messaged twice more often than that bound."""

from __future__ import annotations

import signal
import subprocess
import time
from collections import Counter
from datetime import timedelta
from pathlib import Path

from sqlalchemy import select

from server.extensions import db
from server.models import Delivery, User
from server.services.delivery import IN_FLIGHT_BOUND, recover_lost_claims
from server.services.notify import enqueue_deliveries, requeue_stale
from tests.faults.conftest import faulty_app, on_postgresql
from tests.jobs.conftest import (
    HUEY_CONSUMER,
    ROOT,
    consumer_env,
    delivery_statuses,
    parents_with_pushes,
)

pytestmark = on_postgresql
SEND = "cgi-bin/message/subscribe/send"
PARENTS = 2 * IN_FLIGHT_BOUND + 10  # more than a batch in flight: the rest is left to others
SLOW_SENDS, SEND_SECONDS = 8, 0.5
WORKER_THREADS = 2


def _consumer(app, fake_wechat, data_dir: Path) -> subprocess.Popen:
    """``huey_consumer server.worker.huey`` as production starts a worker, configured by the
    environment, on the queue file in ``data_dir``; polling an empty queue every half second at
    most, so work queued later is picked up at once."""
    env = consumer_env(app, fake_wechat.url, data_dir)
    command = [HUEY_CONSUMER, "server.worker.huey"]
    options = ["-k", "thread", "-w", str(WORKER_THREADS), "-n", "-q", "-m", "0.5"]
    data_dir.mkdir(parents=True, exist_ok=True)
    with (data_dir / "consumer.log").open("w") as log:
        return subprocess.Popen([*command, *options], cwd=ROOT, env=env, stderr=log)


def _log_tail(data_dir: Path) -> str:
    """The end of a consumer's log, for a failure's message."""
    return (data_dir / "consumer.log").read_text(errors="replace")[-2000:]


def _wait(condition, worker, what: str, seconds: float = 150) -> Counter:
    """Poll the statuses until ``condition`` holds (the worker must stay alive meanwhile)."""
    deadline = time.monotonic() + seconds
    while not condition(now := delivery_statuses()):
        assert worker.poll() is None, f"the consumer exited before {what}"
        assert time.monotonic() < deadline, f"{what} never happened: {dict(now)}"
        time.sleep(0.02)
    return now


def _stop(worker) -> None:
    """End a consumer (if still running) and reap it."""
    if worker.poll() is None:
        worker.terminate()
    worker.wait(timeout=15)


def _queue(app, fake_wechat, data_dir: Path):
    """An app whose jobs go to the queue file in ``data_dir`` (as a web process's would)."""
    return faulty_app(app, fake_wechat, data_dir, JOBS_IMMEDIATE=False, DATA_DIR=str(data_dir))


def test_a_consumer_killed_mid_fan_out(app, fake_wechat, templates, tmp_path):
    ids = parents_with_pushes(fake_wechat, templates["notice"], PARENTS, prefix="kill")
    db.session.remove()
    fake_wechat.inject_failure(SEND, delay=SEND_SECONDS, times=SLOW_SENDS)
    # Two workers start together (starting one takes seconds); each has its own queue file, so
    # the first takes the fan-out and the second only what the re-queue hands it later.
    first_queue, second_queue = tmp_path / "first", tmp_path / "second"
    first = _consumer(app, fake_wechat, first_queue)
    second = _consumer(app, fake_wechat, second_queue)
    try:
        with _queue(app, fake_wechat, first_queue):
            assert enqueue_deliveries(ids) == 1  # one job: the whole fan-out
        try:  # starting a consumer takes half a minute on a busy machine
            _wait(lambda s: s["sending"] >= 1, first, "a send in flight")
        except AssertionError as exc:
            raise AssertionError(f"{exc}\n{_log_tail(first_queue)}") from exc
        first.send_signal(signal.SIGKILL)
        first.wait(timeout=10)
        time.sleep(SEND_SECONDS + 0.5)  # the fake finishes what the dead worker had sent
        killed = delivery_statuses()
        assert killed["sending"] >= 1 and killed["sent"] < PARENTS

        returned, uncertain = recover_lost_claims(timedelta(0))
        assert uncertain == killed["sending"] <= IN_FLIGHT_BOUND * WORKER_THREADS
        assert returned == killed["claimed"]
        with _queue(app, fake_wechat, second_queue):
            requeued = requeue_stale(timedelta(0))  # the periodic re-queue, window cut short
        assert requeued == killed["pending"] + killed["claimed"]
        done = _wait(
            lambda s: not (s["pending"] or s["claimed"] or s["sending"]), second, "the rest sent"
        )
    finally:
        _stop(first)
        _stop(second)
    assert done == Counter({"sent": PARENTS - uncertain, "uncertain": uncertain})

    messaged = Counter(m["touser"] for m in fake_wechat.messages())
    status_of = dict(
        db.session.execute(
            select(User.openid, Delivery.status).join(Delivery, Delivery.user_id == User.id)
        ).all()
    )
    never = [openid for openid, status in status_of.items() if not messaged[openid]]
    assert all(status_of[openid] == "uncertain" for openid in never)
    twice = [openid for openid, count in messaged.items() if count > 1]
    assert len(twice) <= IN_FLIGHT_BOUND
    assert all(messaged[o] == 1 for o, s in status_of.items() if s == "sent")
