"""Setting up the fan-out benchmark: the fake WeChat server, the seeded parents, raw POSTs."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import requests

ROOT = Path(__file__).resolve().parent.parent

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


def start_fake(
    port: int, openids_file: Path, refusing: list[str], error_rate: float, latency: float = 0.0
):
    """The fake WeChat server in its own process, knowing every parent's openid; with
    ``latency`` every send is answered that many seconds late (WeChat over the internet)."""
    script = f"""
import dataclasses, json, time
from server.wechat.fake import FakeWeChatServer
from server.wechat.fake_state import InjectedFailure
server = FakeWeChatServer({APPID!r}, {SECRET!r}, port={port})
take = server.take_failure
def late(path):
    failure = take(path)
    if path != "cgi-bin/message/subscribe/send" or not {latency!r}:
        return failure
    if failure is None:
        return InjectedFailure(delay={latency!r})
    return dataclasses.replace(failure, delay=(failure.delay or 0) + {latency!r})
server.take_failure = late
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
