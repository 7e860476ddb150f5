"""Fixtures for the job tests: the push templates and hazard reports of the other suites, and
helpers to write many parents with pushes and to race two workers."""

from __future__ import annotations

import os
import sys
import threading
from collections import Counter
from collections.abc import Callable
from datetime import date
from pathlib import Path
from typing import Any

import pytest
from flask import Flask
from sqlalchemy import func, select

from server.extensions import db
from server.models import Delivery, ScheduledPush, SubscriptionGrant, User
from server.services.notify import notify
from server.services.schedule_edits import create_schedule
from tests.conftest import APP_SECRET, APPID, TEST_SECRET_KEY
from tests.hazards.conftest import report, unit_by_code, upload  # noqa: F401  (fixtures)
from tests.notices.conftest import templates, user_id  # noqa: F401  (fixture)

RACE_TIMEOUT = 60

ROOT = Path(__file__).resolve().parents[2]
HUEY_CONSUMER = str(Path(sys.executable).parent / "huey_consumer")


def consumer_env(app: Flask, wechat_url: str, data_dir: Path) -> dict[str, str]:
    """The environment a ``huey_consumer server.worker.huey`` process is configured by, as in
    production: this test app's database, the fake WeChat, and a queue file in ``data_dir``."""
    env = {
        **os.environ,
        "PYTHONPATH": str(ROOT),
        "APP_ENV": "test",
        "DATABASE_URL": app.config["SQLALCHEMY_DATABASE_URI"],
        "DATA_DIR": str(data_dir),
        "MEDIA_ROOT": str(data_dir / "media"),
        "SECRET_KEY": TEST_SECRET_KEY,
        "WECHAT_APPID": APPID,
        "WECHAT_SECRET": APP_SECRET,
        "WECHAT_API_BASE_URL": wechat_url,
        "JOBS_IMMEDIATE": "false",
    }
    env.pop("REDIS_URL", None)
    return env


def parents_with_pushes(
    fake_wechat, template_id: str, count: int, prefix: str = "par"
) -> list[int]:
    """``count`` parents, each with one grant for ``template_id`` and a pending push of a
    notice; returns the delivery ids."""
    users = [User(openid=f"{prefix}-{i:03d}") for i in range(count)]
    db.session.add_all(users)
    db.session.flush()
    for user in users:
        fake_wechat.register_openid(user.openid)
        db.session.add(SubscriptionGrant(user_id=user.id, template_id=template_id, remaining=1))
    db.session.commit()
    ids = notify(
        [u.id for u in users],
        kind="notice",
        title="防溺水安全告家长书",
        body="请阅读",
        template_key="notice",
        values={
            "title": "防溺水安全告家长书",
            "sender": "符离中心小学",
            "sent_at": "2026-06-01 08:00",
            "hint": "请阅读并确认",
            "notice_id": 7,
        },
    )
    db.session.commit()
    return ids


def require_postgresql() -> None:
    """Concurrent writers are a PostgreSQL matter: SQLite serialises whole transactions."""
    if db.engine.dialect.name != "postgresql":
        pytest.skip("two concurrent workers are tested on PostgreSQL (SQLite has one writer)")


def hold_first_claim(monkeypatch, module: Any, name: str) -> None:
    """Make both workers reach their first claim before either makes it: both have read the
    same due rows, the race the claim has to settle."""
    barrier = threading.Barrier(2, timeout=10)
    seen = threading.local()
    original = getattr(module, name)

    def wrapper(*args: Any, **kwargs: Any) -> Any:
        if not getattr(seen, "done", False):
            seen.done = True
            barrier.wait()
        return original(*args, **kwargs)

    monkeypatch.setattr(module, name, wrapper)


def two_workers(app: Flask, job: Callable[[], Any]) -> list[Any]:
    """Run ``job`` in two threads at once, each with its own app context (its own session and
    connection, as two worker processes would have); returns both results."""
    results: list[Any] = [None, None]
    errors: list[BaseException] = []

    def work(index: int) -> None:
        try:
            with app.app_context():
                results[index] = job()
        except BaseException as exc:  # reported by the test below
            errors.append(exc)

    threads = [threading.Thread(target=work, args=(i,)) for i in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=RACE_TIMEOUT)
    assert not any(t.is_alive() for t in threads), "a worker hung"
    assert not errors, errors
    db.session.expire_all()
    return results


def delivery_statuses() -> Counter:
    """How many deliveries are in each state right now (a fresh read each time)."""
    counts = Counter(
        dict(
            db.session.execute(
                select(Delivery.status, func.count()).group_by(Delivery.status)
            ).all()
        )
    )
    db.session.rollback()  # hold no snapshot or lock while a worker writes
    return counts


def due_water_reminders(count: int, due_at) -> list[int]:
    """``count`` daily reminders to the demo district's water patrol (written by them at the
    centre school), each made due at ``due_at``; returns their ids."""
    author = db.session.get(User, user_id("demo-water_patrol"))
    made = [
        create_schedule(
            author,
            unit_by_code("YQ100"),
            {
                "name": f"巡查提醒{i}",
                "roles": ["water_patrol"],
                "template_key": "reminder",
                "title": "今日水域巡查",
                "body": "请按时巡查危险水域",
                "recurrence": "daily",
                "time_of_day": "07:30",
                "starts_on": date(2026, 1, 1),
            },
        ).id
        for i in range(count)
    ]
    for schedule in db.session.scalars(select(ScheduledPush).where(ScheduledPush.id.in_(made))):
        schedule.next_run_at = due_at
    db.session.commit()
    return made
