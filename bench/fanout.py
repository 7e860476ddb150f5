"""Fan-out benchmark: one notice to many parents, pushed through the job queue to the fake WeChat.

``python bench/fanout.py [--parents 100000] [--workers 16]``

What it does, all on this machine:
- a throw-away PostgreSQL database (SQLite when PostgreSQL does not answer), migrated;
- N parents each bound to one child across 100 schools; 80% hold a one-time grant for the notice
  template, and 0.5% of those have turned the template off at WeChat (answer 43101);
- the fake WeChat server in its own process, answering 1% of sends with -1 (system busy);
- the notice is written and sent (recipient rows, inbox messages, deliveries: one transaction),
  then a Huey consumer (Redis storage when Redis answers, else SQLite) with W thread workers
  dispatches the deliveries, retrying transient errors with backoff.

It then checks that every eligible parent got exactly one message and nobody two, that refusals
were recorded, and prints messages per second and the ratio to raw HTTP POSTs made to the same
fake server with the same concurrency. Numbers only; nothing here is a pass/fail threshold.
"""

from __future__ import annotations

import argparse
import os
import socket
import subprocess
import sys
import tempfile
import time
from collections import Counter
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import requests

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from tests.support.databases import postgres_database, postgres_unavailable_reason  # noqa: E402

APPID, SECRET = "wx-bench", "bench-secret"
TEMPLATE = "dev-notice-template"


def free_port() -> int:
    """A free loopback port."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def redis_answers() -> bool:
    """Whether Redis at 127.0.0.1:6379 answers (the production queue storage)."""
    try:
        import redis

        return bool(redis.Redis(socket_connect_timeout=1).ping())
    except Exception:
        return False


def start_fake(port: int, openids_file: Path, refusing: list[str], error_rate: float):
    """The fake WeChat server in its own process, knowing every parent's openid."""
    script = f"""
import json, time
from server.wechat.fake import FakeWeChatServer
server = FakeWeChatServer({APPID!r}, {SECRET!r}, port={port})
for line in open({str(openids_file)!r}):
    server.register_openid(line.strip())
server.register_template({TEMPLATE!r})
for openid in {refusing!r}:
    server.refuse(openid, {TEMPLATE!r})
server.set_error_rate("cgi-bin/message/subscribe/send", -1, {error_rate}, seed=7)
server.start()
print("ready", flush=True)
while True:
    time.sleep(3600)
"""
    env = {**os.environ, "PYTHONPATH": str(ROOT), "JOBS_IMMEDIATE": "1"}
    proc = subprocess.Popen(
        [sys.executable, "-c", script], stdout=subprocess.PIPE, env=env, cwd=ROOT, text=True
    )
    if proc.stdout.readline().strip() != "ready":
        raise RuntimeError("the fake WeChat server did not start")
    return proc


def seed(parents: int, grant_share: float) -> tuple[list[str], list[str]]:
    """Units, classes, parents, children, links and grants, by bulk inserts."""
    from sqlalchemy import insert, select

    from server.extensions import db
    from server.models import Child, ParentLink, RoleGrant, SchoolClass, SubscriptionGrant, User
    from server.services.units import add_unit

    bureau = add_unit("B", "基准区教体局", "bureau", "public", None)
    schools = [add_unit(f"S{i}", f"基准学校{i}", "school", "public", bureau) for i in range(100)]
    per_school = max(1, parents // (len(schools) * 10))
    rows = [
        {"school_id": s.id, "name": f"{c + 1}班", "grade": "", "class_code": f"C{s.id:03d}{c:02d}"}
        for s in schools
        for c in range(10)
    ]
    db.session.execute(insert(SchoolClass), rows)
    class_ids = list(db.session.scalars(select(SchoolClass.id).order_by(SchoolClass.id)))
    admin = User(openid="bench-admin", display_name="基准管理员")
    db.session.add(admin)
    db.session.flush()
    db.session.add(RoleGrant(user_id=admin.id, role="bureau_admin", unit_id=bureau.id))
    openids = [f"parent-{i:06d}" for i in range(parents)]
    for start in range(0, parents, 5000):
        chunk = openids[start : start + 5000]
        user_ids = db.session.scalars(
            insert(User).returning(User.id, sort_by_parameter_order=True),
            [{"openid": o, "display_name": None} for o in chunk],
        ).all()
        child_ids = db.session.scalars(
            insert(Child).returning(Child.id, sort_by_parameter_order=True),
            [
                {
                    "class_id": class_ids[(start + k) // per_school % len(class_ids)],
                    "name": f"学生{start + k}",
                }
                for k in range(len(chunk))
            ],
        ).all()
        db.session.execute(
            insert(ParentLink),
            [
                {"parent_id": u, "child_id": c, "relation": "mother", "status": "approved"}
                for u, c in zip(user_ids, child_ids, strict=True)
            ],
        )
        granted = [u for k, u in enumerate(user_ids) if (start + k) % 100 < grant_share * 100]
        db.session.execute(
            insert(SubscriptionGrant),
            [
                {"user_id": u, "template_id": TEMPLATE, "remaining": 1, "long_term": False}
                for u in granted
            ],
        )
    db.session.commit()
    eligible = [o for i, o in enumerate(openids) if i % 100 < grant_share * 100]
    return openids, eligible


def raw_baseline(url: str, openids: list[str], workers: int) -> float:
    """Messages per second of bare HTTP POSTs to the fake send endpoint, same concurrency."""
    token = requests.get(
        url + "cgi-bin/token",
        params={"grant_type": "client_credential", "appid": APPID, "secret": SECRET},
        timeout=10,
    ).json()
    endpoint = url + "cgi-bin/message/subscribe/send?access_token=" + token["access_token"]
    sessions = [requests.Session() for _ in range(workers)]

    def post(index: int) -> None:
        sessions[index % workers].post(
            endpoint,
            json={
                "touser": openids[index % len(openids)],
                "template_id": TEMPLATE,
                "data": {"thing1": {"value": "基准"}},
            },
            timeout=10,
        )

    started = time.perf_counter()
    with ThreadPoolExecutor(workers) as pool:
        list(pool.map(post, range(len(openids))))
    return len(openids) / (time.perf_counter() - started)


def main() -> None:
    """Run the benchmark and print its figures."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--parents", type=int, default=100_000)
    parser.add_argument("--workers", type=int, default=16)
    parser.add_argument("--error-rate", type=float, default=0.01)
    args = parser.parse_args()

    tmp = Path(tempfile.mkdtemp(prefix="fanout-"))
    use_pg = postgres_unavailable_reason() is None
    use_redis = redis_answers()
    port = free_port()
    with postgres_database() if use_pg else _sqlite(tmp) as url:
        os.environ.update(
            {
                "APP_ENV": "development",
                "DATABASE_URL": url,
                "DATA_DIR": str(tmp),
                "SECRET_KEY": "bench-" + "k" * 40,
                "WECHAT_APPID": APPID,
                "WECHAT_SECRET": SECRET,
                "WECHAT_API_BASE_URL": f"http://127.0.0.1:{port}/",
                "WECHAT_SEND_RATE": "1000000/second",
                "JOBS_IMMEDIATE": "0",
                "DB_POOL_SIZE": str(args.workers + 4),
            }
        )
        if use_redis:
            os.environ["REDIS_URL"] = "redis://127.0.0.1:6379/14"
            import redis

            redis.Redis.from_url(os.environ["REDIS_URL"]).flushdb()
        else:
            os.environ.pop("REDIS_URL", None)
        _run(args, tmp, port, use_pg, use_redis)


class _sqlite:
    """A context manager yielding a SQLite URL in the temp dir (when PostgreSQL is absent)."""

    def __init__(self, tmp: Path):
        self.url = f"sqlite:///{tmp / 'bench.db'}"

    def __enter__(self) -> str:
        return self.url

    def __exit__(self, *exc) -> None:
        return None


def _run(args, tmp: Path, port: int, use_pg: bool, use_redis: bool) -> None:
    """Seed, send, dispatch through the queue, verify, compare with raw POSTs."""
    from flask_migrate import upgrade
    from sqlalchemy import func, select

    from server import create_app
    from server.extensions import db
    from server.models import Delivery, Notice, NoticeTarget, User
    from server.queue import huey
    from server.services.notices import send_notice

    app = create_app()  # points the queue at Redis or the SQLite file, as a worker would
    with app.app_context():
        upgrade()
        started = time.perf_counter()
        openids, eligible = seed(args.parents, 0.8)
        database, queue = (
            ("PostgreSQL" if use_pg else "SQLite"),
            ("Redis" if use_redis else "SQLite"),
        )
        print(
            f"seeded {args.parents} parents in {time.perf_counter() - started:.1f}s "
            f"({database}, queue on {queue})"
        )
        refusing = eligible[::200]
        openids_file = tmp / "openids.txt"
        openids_file.write_text("\n".join(openids))
    fake = start_fake(port, openids_file, refusing, args.error_rate)
    consumer = huey.create_consumer(
        workers=args.workers, worker_type="thread", periodic=False, check_worker_health=False
    )
    try:
        with app.app_context():
            admin = db.session.scalars(select(User).where(User.openid == "bench-admin")).one()
            notice = Notice(
                author_id=admin.id,
                unit_id=admin.grants[0].unit_id,
                title="暑期防溺水致家长的一封信",
                body="请阅读并确认。",
            )
            notice.targets = [NoticeTarget(unit_id=admin.grants[0].unit_id)]
            db.session.add(notice)
            db.session.commit()
            started = time.perf_counter()
            _, reached = send_notice(admin, notice.id)  # enqueues the batches
            written = time.perf_counter() - started
        print(
            f"notice written to {reached} recipients with inboxes and deliveries in {written:.1f}s"
        )
        started = time.perf_counter()
        consumer.start()
        with app.app_context():
            while True:
                open_count = db.session.scalar(
                    select(func.count())
                    .select_from(Delivery)
                    .where(Delivery.status.in_(("pending", "claimed", "sending")))
                )
                db.session.rollback()
                if open_count == 0:
                    break
                time.sleep(0.5)
            elapsed = time.perf_counter() - started
            statuses = Counter(db.session.scalars(select(Delivery.status)))
    finally:
        consumer.stop(graceful=True)
    try:
        messages = requests.get(f"http://127.0.0.1:{port}/_fake/messages", timeout=60).json()
        per_user = Counter(m["touser"] for m in messages["messages"])
        expected = set(eligible) - set(refusing)
        print(f"deliveries: {dict(statuses)}")
        print(
            f"eligible parents messaged exactly once: "
            f"{sum(1 for o in expected if per_user[o] == 1)}/{len(expected)}; "
            f"messaged twice or more: {sum(1 for c in per_user.values() if c > 1)}; "
            f"messages to parents without a grant: {len(set(per_user) - set(eligible))}"
        )
        sent = statuses.get("sent", 0)
        rate = sent / elapsed
        print(
            f"pipeline: {sent} messages in {elapsed:.1f}s = {rate:.0f} msg/s "
            f"({args.workers} thread workers)"
        )
        sample = list(expected)[: min(len(expected), 20_000)]
        raw = raw_baseline(f"http://127.0.0.1:{port}/", sample, args.workers)
        print(
            f"baseline: raw POSTs to the same fake server, {args.workers} threads: {raw:.0f} msg/s"
        )
        print(f"ratio pipeline/raw: {rate / raw:.2f}")
    finally:
        fake.terminate()
        fake.wait(timeout=10)


if __name__ == "__main__":
    main()
