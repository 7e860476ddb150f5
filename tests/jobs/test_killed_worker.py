"""A worker killed with SIGKILL in the middle of a fan-out (a real process, the fake WeChat made
slow): it had one batch in flight, at most the in-flight bound; recovery marks that batch
uncertain and gives back what it never started, and a second worker finishes — every other
parent is messaged exactly once, no grant spent for a message never attempted."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
from collections import Counter
from datetime import timedelta
from pathlib import Path

from sqlalchemy import select

from server.extensions import db
from server.models import Delivery, SubscriptionGrant, User
from server.services.delivery import IN_FLIGHT_BOUND, dispatch, recover_lost_claims
from tests.conftest import _overrides
from tests.jobs.conftest import delivery_statuses, parents_with_pushes

ROOT = Path(__file__).resolve().parents[2]
SEND = "cgi-bin/message/subscribe/send"
# The worker claims BATCH at a time (tests/jobs/dispatch_worker.py): killed during its second
# batch, the first is sent, the second in flight, the third never claimed.
PARENTS, BATCH, SEND_SECONDS = 15, 5, 0.5
KILL_AFTER = BATCH


def _start_worker(app, fake_wechat, tmp_path, ids: list[int]) -> subprocess.Popen:
    """A separate worker process dispatching ``ids`` five per claim."""
    settings = _overrides(app.config["SQLALCHEMY_DATABASE_URI"], tmp_path, fake_wechat.url)
    return subprocess.Popen(
        [sys.executable, "-m", "tests.jobs.dispatch_worker", json.dumps(settings), json.dumps(ids)],
        cwd=ROOT,
        env={**os.environ, "PYTHONPATH": str(ROOT)},
    )


def _kill_mid_send(worker: subprocess.Popen, fake_wechat) -> None:
    """SIGKILL the worker once ``KILL_AFTER`` messages are recorded sent and the next batch is
    in flight, i.e. waiting at the slow fake WeChat."""
    deadline = time.monotonic() + 60
    while (now := delivery_statuses())["sent"] < KILL_AFTER or not now["sending"]:
        assert worker.poll() is None, "the worker ended before it could be killed"
        assert time.monotonic() < deadline, "the worker never got going"
        time.sleep(0.02)
    worker.kill()
    worker.wait(timeout=10)
    time.sleep(SEND_SECONDS + 0.3)  # the fake finishes the request the worker had sent


def test_a_worker_killed_mid_fan_out(app, fake_wechat, templates, tmp_path):
    ids = parents_with_pushes(fake_wechat, templates["notice"], PARENTS, prefix="kill")
    db.session.remove()  # no open transaction beside the worker
    # The first worker's sends take half a second each (its first two batches, and a spare
    # in case the machine is slow to notice): the kill lands during the second batch.
    fake_wechat.inject_failure(SEND, delay=SEND_SECONDS, times=2 * BATCH + 3)
    worker = _start_worker(app, fake_wechat, tmp_path, ids)
    try:
        _kill_mid_send(worker, fake_wechat)
    finally:
        if worker.poll() is None:
            worker.kill()
            worker.wait(timeout=10)

    before = dict(db.session.execute(select(Delivery.id, Delivery.status)).all())
    states = Counter(before.values())
    # Killed mid-send: one batch in flight, never more than the documented bound.
    assert 1 <= states["sending"] <= min(BATCH, IN_FLIGHT_BOUND)
    assert states["sent"] >= KILL_AFTER
    assert states["pending"] >= 1  # the batches it never claimed
    assert states["sent"] + states["sending"] + states["claimed"] + states["pending"] == PARENTS
    returned, uncertain = recover_lost_claims(timedelta(0))
    assert (returned, uncertain) == (states["claimed"], states["sending"])
    never_started = [i for i, s in before.items() if s in ("claimed", "pending")]
    in_flight = [i for i, s in before.items() if s == "sending"]
    grants = dict(
        db.session.execute(
            select(Delivery.id, SubscriptionGrant.remaining).join(
                SubscriptionGrant, SubscriptionGrant.user_id == Delivery.user_id
            )
        ).all()
    )
    assert {grants[i] for i in never_started} == {1}  # nothing spent for them
    assert {grants[i] for i in in_flight} == {0}  # attempted: spent

    second = dispatch(ids)  # another worker finishes the fan-out
    assert (second.sent, second.failed) == (len(never_started), 0)
    openid = dict(
        db.session.execute(
            select(Delivery.id, User.openid).join(User, User.id == Delivery.user_id)
        ).all()
    )
    sent = Counter(m["touser"] for m in fake_wechat.messages())
    assert all(sent[openid[i]] == 1 for i in ids if i not in in_flight)
    assert all(sent[openid[i]] <= 1 for i in in_flight)  # never sent again
    after = dict(db.session.execute(select(Delivery.id, Delivery.status)).all())
    assert {after[i] for i in in_flight} == {"uncertain"}
    assert Counter(after.values()) == {
        "sent": PARENTS - len(in_flight),
        "uncertain": len(in_flight),
    }
    # Visible to the operator: each one in flight is listed as uncertain.
    status = app.test_cli_runner().invoke(args=["jobs", "status"])
    assert status.exit_code == 0, status.output
    assert all(f"#{i} uncertain" in status.output for i in in_flight)
