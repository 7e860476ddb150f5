"""Acknowledgment storm: parents acknowledging a notice through gunicorn on PostgreSQL.

Run: ``.venv/bin/python bench/acks.py [--parents 20000] [--duration 15] [--rounds 1]
[--connections 64]``
(needs the PostgreSQL server at 127.0.0.1:5432 with trust auth, as the tests do).

What it does, all in throw-away places that are removed afterwards (also on Ctrl-C or an error):

1. creates a uniquely named PostgreSQL database and runs the project's migrations into it;
2. seeds it with bulk inserts: a bureau, a few schools with ~40 classes each, N parents each bound
   to one child, a bureau admin who writes a notice to the whole bureau and sends it with the real
   ``send_notice`` (no parent holds a push grant, so nothing goes to WeChat), and one login session
   per parent, whose token is signed exactly as ``server/services/tokens.py`` signs it;
3. starts gunicorn (``-k gthread``) on a free loopback port against that database;
4. after a short warm-up on pairs kept apart for it, drives
   ``POST /api/v1/notices/{id}/acknowledge`` with wrk (``bench/acks.lua`` cycles through the
   token/child pairs) at C concurrent connections for D seconds, then ``GET /healthz`` the same way
   on the same server: the baseline. With ``--rounds N`` both runs are made N times, alternating
   which goes first, each round acknowledging its own pairs, and the best run of each is kept
   (the same rule as ``bench/photos.py``: a busy shared machine only ever slows a run down);
5. prints requests/s, p50 and p99 latency and the non-2xx count of both runs, the acknowledgments
   as ratios to the baseline, and how many recipient rows the database shows acknowledged;
6. checks issue 13's targets with ``bench/targets.py``: acks/s >= 0.5x ``/healthz``, p99 <= 3x,
   no errors, every acknowledgment recorded once (met or MISSED, never an assertion).

Figures as ratios to a baseline measured in the same run.
wrk comes from Debian (installed with apt-get when missing and possible); without it a Python
load generator (threads with keep-alive connections) stands in and the output says so; it is much
weaker than wrk on a small machine, so its figures understate the server.
"""

from __future__ import annotations

import argparse
import collections
import contextlib
import http.client
import json
import os
import re
import secrets
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
import uuid
from datetime import timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
LUA_SCRIPT = Path(__file__).resolve().with_suffix(".lua")
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(Path(__file__).resolve().parent))
from paced import load_figures  # noqa: E402  (bench/ is on the path only from the line above)
from targets import check  # noqa: E402

ADMIN_DSN = "host=127.0.0.1 port=5432 dbname=test user=postgres connect_timeout=3"
SECRET_KEY = "bench-acks-secret-key-" + "k" * 32
TOKEN_SALT = "auth-token-v1"  # server/services/tokens.py
CLASSES_PER_SCHOOL = 40
BATCH = 5000
WRK_THREADS = 2
WARMUP_SECONDS = 3


def parse_args() -> argparse.Namespace:
    """Command-line options (defaults keep the whole run under about two minutes)."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--parents", type=int, default=20000, help="parents, one child each")
    parser.add_argument("--schools", type=int, default=5, help="schools under the bureau")
    parser.add_argument("--duration", type=int, default=15, help="seconds per measured run")
    parser.add_argument(
        "--rounds",
        type=int,
        default=1,
        help="rounds of both runs, alternating which goes first; the best run of each is kept",
    )
    parser.add_argument("--connections", type=int, default=64, help="concurrent connections")
    parser.add_argument("--workers", type=int, default=4, help="gunicorn worker processes")
    parser.add_argument("--threads", type=int, default=16, help="gunicorn threads per worker")
    parser.add_argument(
        "--pool-size",
        type=int,
        default=None,
        help="DB_POOL_SIZE per worker (default: --threads, with DB_MAX_OVERFLOW=0)",
    )
    parser.add_argument(
        "--loadgen",
        choices=["auto", "wrk", "python"],
        default="auto",
        help="load generator: wrk (installed when missing if possible) or the Python fallback",
    )
    args = parser.parse_args()
    if args.parents < 200:
        parser.error("--parents must be at least 200")
    if args.pool_size is None:
        args.pool_size = args.threads
    return args


# --------------------------------------------------------------------------------------------
# The throw-away database


def create_database() -> tuple[str, str]:
    """Create a uniquely named database; return its name and SQLAlchemy URL."""
    import psycopg

    name = f"bench_acks_{uuid.uuid4().hex[:10]}"
    with psycopg.connect(ADMIN_DSN, autocommit=True) as conn:
        conn.execute(f'CREATE DATABASE "{name}"')
    return name, f"postgresql+psycopg://postgres@127.0.0.1:5432/{name}"


def drop_database(name: str) -> None:
    """Drop the database, closing any connection still open to it."""
    import psycopg

    with psycopg.connect(ADMIN_DSN, autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def server_max_connections() -> int:
    """PostgreSQL's max_connections, to warn when the workers' pools could exceed it."""
    import psycopg

    with psycopg.connect(ADMIN_DSN, autocommit=True) as conn:
        return int(conn.execute("SHOW max_connections").fetchone()[0])


def make_app(url: str, tmp: Path, wechat_url: str = "http://127.0.0.1:9/"):
    """The app on the bench database, configured like the tests configure theirs (WeChat at
    ``wechat_url``: by default a port nothing answers on)."""
    from server import create_app

    return create_app(
        {
            "APP_ENV": "test",
            "SECRET_KEY": SECRET_KEY,
            "SQLALCHEMY_DATABASE_URI": url,
            "STORAGE_BACKEND": "local",
            "MEDIA_ROOT": str(tmp / "media"),
            "WECHAT_API_BASE_URL": wechat_url,  # by default never contacted: nobody has a grant
            "WECHAT_APPID": "wx-bench-appid",
            "WECHAT_SECRET": "bench-app-secret",
            "REDIS_URL": None,
        }
    )


def migrate(app) -> None:
    """Run the project's migrations into the empty database."""
    from flask_migrate import upgrade

    from server.extensions import db

    with app.app_context():
        upgrade()
        db.session.remove()


# --------------------------------------------------------------------------------------------
# Seeding


def _insert_ids(model, rows: list[dict]) -> list[int]:
    """Bulk-insert ``rows`` in batches and return their new ids in the rows' order."""
    from sqlalchemy import insert

    from server.extensions import db

    ids: list[int] = []
    for start in range(0, len(rows), BATCH):
        chunk = rows[start : start + BATCH]
        statement = insert(model).returning(model.id, sort_by_parameter_order=True)
        ids.extend(db.session.scalars(statement, chunk).all())
    return ids


def seed(app, parents: int, schools: int) -> dict:
    """Fill the database; return the notice id and the parents' (token, child id) pairs.

    Units go through ``add_unit`` (it sets the materialised path); classes, children, parents,
    links and login sessions are bulk inserts; the notice is written and sent by the service.
    """
    from itsdangerous import URLSafeSerializer
    from sqlalchemy import insert

    from server.extensions import db
    from server.models import (
        AuthSession,
        Child,
        ParentLink,
        RoleGrant,
        SchoolClass,
        User,
        utcnow,
    )
    from server.services.notices import create_notice, send_notice
    from server.services.units import add_unit

    with app.app_context():
        app.extensions["store"].ensure_ready()
        # The notice's text is ours and WeChat is never contacted: its text check passes here, or
        # the notice would be held as pending and never reach the parents.
        app.extensions["wechat"].check_text = lambda *_args, **_kwargs: ("pass", None)
        now = utcnow()
        bureau = add_unit("BENCH-B", "基准区教育体育局", "bureau", "public", None)
        school_units = [
            add_unit(f"BENCH-S{i:02d}", f"基准第{i + 1}小学", "school", "public", bureau)
            for i in range(schools)
        ]
        db.session.commit()

        class_rows = [
            {
                "school_id": school.id,
                "name": f"{k // 7 + 1}年级{k % 7 + 1}班",
                "grade": f"{k // 7 + 1}年级",
                "class_code": f"Q{s * CLASSES_PER_SCHOOL + k:05d}",
                "created_at": now,
            }
            for s, school in enumerate(school_units)
            for k in range(CLASSES_PER_SCHOOL)
        ]
        class_ids = _insert_ids(SchoolClass, class_rows)
        child_ids = _insert_ids(
            Child,
            [
                {
                    "class_id": class_ids[i % len(class_ids)],
                    "name": f"学生{i:06d}",
                    "created_at": now,
                }
                for i in range(parents)
            ],
        )
        parent_ids = _insert_ids(
            User,
            [
                {
                    "openid": f"bench-parent-{i:06d}",
                    "display_name": f"家长{i:06d}",
                    "is_active": True,
                    "created_at": now,
                }
                for i in range(parents)
            ],
        )
        for start in range(0, parents, BATCH):
            db.session.execute(
                insert(ParentLink),
                [
                    {
                        "parent_id": p,
                        "child_id": c,
                        "relation": "mother",
                        "status": "approved",
                        "created_at": now,
                    }
                    for p, c in zip(
                        parent_ids[start : start + BATCH],
                        child_ids[start : start + BATCH],
                        strict=True,
                    )
                ],
            )
        admin = User(openid="bench-bureau-admin", display_name="安全办管理员", is_active=True)
        db.session.add(admin)
        db.session.flush()
        db.session.add(RoleGrant(user_id=admin.id, role="bureau_admin", unit_id=bureau.id))
        db.session.commit()

        notice = create_notice(
            admin,
            {
                "unit_id": bureau.id,
                "title": "关于防溺水安全教育的告家长书",
                "body": "请家长阅读并确认：暑期防溺水“六不”要求。" * 5,
                "unit_ids": [bureau.id],
            },
        )
        _sent, reached = send_notice(admin, notice.id)

        serializer = URLSafeSerializer(SECRET_KEY, salt=TOKEN_SALT)
        expires = now + timedelta(days=1)
        session_ids = [secrets.token_hex(16) for _ in range(parents)]
        for start in range(0, parents, BATCH):
            db.session.execute(
                insert(AuthSession),
                [
                    {
                        "id": sid,
                        "user_id": uid,
                        "created_at": now,
                        "expires_at": expires,
                        "client_ip": "127.0.0.1",
                    }
                    for sid, uid in zip(
                        session_ids[start : start + BATCH],
                        parent_ids[start : start + BATCH],
                        strict=True,
                    )
                ],
            )
        db.session.commit()
        pairs = [
            (serializer.dumps({"sid": sid}), child)
            for sid, child in zip(session_ids, child_ids, strict=True)
        ]
        result = {
            "notice_id": notice.id,
            "reached": reached,
            "classes": len(class_ids),
            "pairs": pairs,
        }
        db.session.remove()
        return result


def write_pairs(path: Path, pairs: list[tuple[str, int]]) -> None:
    """Write one ``token child_id`` pair a line, for the load generator."""
    path.write_text("".join(f"{token} {child}\n" for token, child in pairs))


def statements_per_request(app, notice_id: int, pair: tuple[str, int]) -> dict[str, int]:
    """SQL statements one acknowledge and one /healthz issue, counted in-process (test client).

    Connection pre-pings, BEGIN and COMMIT are not statements and are not counted.
    """
    from sqlalchemy import event

    from server.extensions import db

    counts = {}
    with app.app_context():
        engine = db.engine
    seen: list[str] = []

    def count(conn, cursor, statement, parameters, context, executemany):
        seen.append(statement)

    event.listen(engine, "before_cursor_execute", count)
    try:
        client = app.test_client()
        token, child = pair
        response = client.post(
            f"/api/v1/notices/{notice_id}/acknowledge",
            json={"child_id": child},
            headers={"Authorization": f"Bearer {token}"},
        )
        if response.status_code != 200:
            raise RuntimeError(
                f"in-process acknowledge failed: {response.status_code} "
                f"{response.get_data(as_text=True)[:300]}"
            )
        counts["acknowledge"] = len(seen)
        seen.clear()
        client.get("/healthz")
        counts["healthz"] = len(seen)
    finally:
        event.remove(engine, "before_cursor_execute", count)
        with app.app_context():
            db.session.remove()
            db.engine.dispose()
    return counts


def acknowledged_children(app, notice_id: int) -> set[int]:
    """The child ids whose recipient row of the notice has ``acknowledged_at`` set."""
    from sqlalchemy import select

    from server.extensions import db
    from server.models import NoticeRecipient

    with app.app_context():
        found = set(
            db.session.scalars(
                select(NoticeRecipient.child_id).where(
                    NoticeRecipient.notice_id == notice_id,
                    NoticeRecipient.acknowledged_at.is_not(None),
                )
            )
        )
        db.session.remove()
        db.engine.dispose()
    return found


def acknowledged_rows(app, notice_id: int) -> int:
    """How many recipient rows of the notice are acknowledged (one per child here: each child
    has one guardian, so more rows than children would be an acknowledgment recorded twice)."""
    from sqlalchemy import func, select

    from server.extensions import db
    from server.models import NoticeRecipient

    with app.app_context():
        count = db.session.scalar(
            select(func.count()).where(
                NoticeRecipient.notice_id == notice_id,
                NoticeRecipient.acknowledged_at.is_not(None),
            )
        )
        db.session.remove()
        db.engine.dispose()
    return count


# --------------------------------------------------------------------------------------------
# gunicorn


def free_port() -> int:
    """A free TCP port on loopback (a tiny race with other programs is acceptable here)."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def start_gunicorn(
    args, url: str, tmp: Path, port: int, wechat_url: str = "http://127.0.0.1:9/"
) -> tuple[subprocess.Popen, Path]:
    """Start gunicorn on the bench database (WeChat at ``wechat_url``); return the process and
    its log file."""
    env = {
        key: value
        for key, value in os.environ.items()
        if not key.startswith(("MINIO_", "WECHAT_", "DB_", "JOBS_")) and key != "REDIS_URL"
    }
    env.update(
        {
            # development: production refuses a WeChat API on loopback
            "APP_ENV": "development",
            "DATABASE_URL": url,
            "SECRET_KEY": SECRET_KEY,
            "DATA_DIR": str(tmp),
            "MEDIA_ROOT": str(tmp / "media"),
            "WECHAT_API_BASE_URL": wechat_url,
            "WECHAT_APPID": "wx-bench-appid",
            "WECHAT_SECRET": "bench-app-secret",
            "DB_POOL_SIZE": str(args.pool_size),
            "DB_MAX_OVERFLOW": "0",
        }
    )
    log = tmp / "gunicorn.log"
    command = [
        str(Path(sys.executable).with_name("gunicorn")),
        "-w", str(args.workers),
        "-k", "gthread",
        "--threads", str(args.threads),
        "-b", f"127.0.0.1:{port}",
        "--error-logfile", str(log),
        "server:create_app()",
    ]  # fmt: skip
    process = subprocess.Popen(
        command,
        cwd=ROOT,
        env=env,
        stdin=subprocess.DEVNULL,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.STDOUT,
        start_new_session=True,  # Ctrl-C reaches us only; we stop it in order
    )
    return process, log


def wait_healthy(process: subprocess.Popen, port: int, log: Path, timeout: float = 120) -> None:
    """Wait until /healthz answers 200; raise with the log's tail if gunicorn dies or stalls."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"gunicorn exited with {process.returncode}:\n{tail(log)}")
        status, _ = http_request(port, "GET", "/healthz")
        if status == 200:
            return
        time.sleep(0.2)
    raise RuntimeError(f"gunicorn did not answer /healthz within {timeout:.0f}s:\n{tail(log)}")


def stop_gunicorn(process: subprocess.Popen) -> None:
    """Stop gunicorn gracefully (SIGTERM), killing it if it does not go within 15 seconds."""
    if process.poll() is not None:
        return
    process.terminate()
    try:
        process.wait(timeout=15)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait()
    # Workers still booting when the arbiter went (a loaded machine) would be left running.
    with contextlib.suppress(ProcessLookupError):
        os.killpg(process.pid, signal.SIGKILL)


def tail(path: Path, lines: int = 30) -> str:
    """The last lines of a log file (empty when it does not exist)."""
    if not path.exists():
        return ""
    return "\n".join(path.read_text(errors="replace").splitlines()[-lines:])


def clean_up(db_name: str | None, tmp: Path, gunicorn: subprocess.Popen | None = None) -> None:
    """A run's teardown, whatever failed: stop gunicorn, drop the throw-away database (a failure
    is reported, and the files are removed all the same), remove the temporary files."""
    if gunicorn is not None:
        stop_gunicorn(gunicorn)
    if db_name is not None:
        try:
            drop_database(db_name)
        except Exception as exc:  # report, but still remove the files
            print(f"could not drop database {db_name}: {exc}", file=sys.stderr)
    shutil.rmtree(tmp, ignore_errors=True)


def http_request(
    port: int, method: str, path: str, body: dict | None = None, token: str | None = None
) -> tuple[int, str]:
    """One request on a fresh connection: (status, body), or (0, reason) when it fails."""
    headers = {"Content-Type": "application/json"} if body is not None else {}
    if token:
        headers["Authorization"] = f"Bearer {token}"
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
    try:
        conn.request(method, path, json.dumps(body) if body is not None else None, headers)
        response = conn.getresponse()
        return response.status, response.read().decode(errors="replace")
    except OSError as exc:
        return 0, str(exc)
    finally:
        conn.close()


# --------------------------------------------------------------------------------------------
# Load generators


def find_wrk(mode: str) -> str | None:
    """wrk's path; installed with apt-get when missing and we may (root or sudo)."""
    if mode == "python":
        return None
    found = shutil.which("wrk")
    if found or shutil.which("apt-get") is None:
        return found
    prefix = [] if os.geteuid() == 0 else (["sudo", "-n"] if shutil.which("sudo") else None)
    if prefix is None:
        return None
    print("wrk is missing: installing it with apt-get ...", flush=True)
    install = [*prefix, "apt-get", "install", "-y", "-q", "wrk"]
    quiet = {"stdout": subprocess.DEVNULL, "stderr": subprocess.DEVNULL}
    if subprocess.run(install, **quiet).returncode != 0:
        subprocess.run([*prefix, "apt-get", "update", "-q"], **quiet)
        subprocess.run(install, **quiet)
    return shutil.which("wrk")


_UNITS = {"us": 1e-3, "ms": 1.0, "s": 1e3, "m": 60e3, "h": 3600e3}


def _ms(text: str) -> float:
    """A wrk duration (``812.00us``, ``12.34ms``, ``1.20s``) in milliseconds."""
    match = re.fullmatch(r"([\d.]+)(us|ms|s|m|h)", text)
    if not match:
        raise ValueError(f"unexpected wrk duration {text!r}")
    return float(match.group(1)) * _UNITS[match.group(2)]


def parse_wrk(output: str) -> dict:
    """Requests/s, p50, p99, non-2xx and socket errors from ``wrk --latency`` output, plus the
    status counts bench/acks.lua prints."""
    requests_per_s = re.search(r"^Requests/sec:\s+([\d.]+)", output, re.M)
    p50 = re.search(r"^\s+50%\s+(\S+)", output, re.M)
    p99 = re.search(r"^\s+99%\s+(\S+)", output, re.M)
    total = re.search(r"^\s+(\d+) requests in", output, re.M)
    if not (requests_per_s and p50 and p99 and total):
        raise RuntimeError(f"could not read wrk's output:\n{output}")
    non2xx = re.search(r"Non-2xx or 3xx responses:\s+(\d+)", output)
    sockets = re.search(
        r"Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)", output
    )
    extra = re.search(r"^ACKS_BENCH_JSON (.*)$", output, re.M)
    statuses = json.loads(extra.group(1))["statuses"] if extra else {}
    return {
        "rps": float(requests_per_s.group(1)),
        "p50": _ms(p50.group(1)),
        "p99": _ms(p99.group(1)),
        "requests": int(total.group(1)),
        "non2xx": int(non2xx.group(1)) if non2xx else 0,
        "socket_errors": sum(map(int, sockets.groups())) if sockets else 0,
        "statuses": {int(k): v for k, v in statuses.items()},
    }


def run_wrk(wrk: str, port: int, connections: int, duration: int, script_args: list[str]) -> dict:
    """One wrk run with bench/acks.lua; returns the parsed figures."""
    command = [
        wrk,
        "-c", str(connections),
        "-t", str(min(WRK_THREADS, connections)),
        "-d", f"{duration}s",
        "--timeout", "30s",
        "--latency",
        "-s", str(LUA_SCRIPT),
        f"http://127.0.0.1:{port}",
        "--", *script_args,
    ]  # fmt: skip
    out = subprocess.run(command, capture_output=True, text=True, timeout=duration + 60)
    if out.returncode != 0:
        raise RuntimeError(f"wrk failed ({out.returncode}):\n{out.stdout}\n{out.stderr}")
    return parse_wrk(out.stdout)


def closed_loop(port: int, connections: int, duration: int, request_for) -> dict:
    """One thread per connection, keep-alive, closed loop for ``duration`` seconds: thread i's
    n-th request is ``request_for(i, n)`` = (method, path, body, headers). Returns the figures wrk
    gives (req/s, p50, p99 in ms, non-2xx, socket errors, statuses)."""
    deadline = time.monotonic() + duration
    latencies: list[list[float]] = [[] for _ in range(connections)]
    statuses: collections.Counter = collections.Counter()
    errors = [0]
    lock = threading.Lock()

    def worker(i: int) -> None:
        conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
        local: collections.Counter = collections.Counter()
        n = 0
        while time.monotonic() < deadline:
            method, path, body, headers = request_for(i, n)
            n += 1
            started = time.perf_counter()
            try:
                conn.request(method, path, body, headers)
                response = conn.getresponse()
                response.read()
            except (OSError, http.client.HTTPException):
                with lock:
                    errors[0] += 1
                conn.close()
                conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
                continue
            latencies[i].append((time.perf_counter() - started) * 1000)
            local[response.status] += 1
        conn.close()
        with lock:
            statuses.update(local)

    started = time.monotonic()
    workers = [threading.Thread(target=worker, args=(i,)) for i in range(connections)]
    for thread in workers:
        thread.start()
    for thread in workers:
        thread.join()
    elapsed = time.monotonic() - started
    return load_figures([x for per in latencies for x in per], statuses, errors[0], elapsed)


def run_python_load(
    port: int,
    connections: int,
    duration: int,
    method: str,
    path: str,
    pairs: list[tuple[str, int]] | None,
) -> dict:
    """The fallback load generator (``closed_loop``): thread i sends pairs i, i+C, i+2C... like
    the Lua script, or a bare request when there are no pairs. Returns the same figures as wrk."""

    def request_for(i: int, n: int):
        mine = (pairs[i::connections] if pairs else None) or [None]
        pair = mine[n % len(mine)]
        if pair is None:
            return method, path, None, {}
        headers = {"Authorization": f"Bearer {pair[0]}", "Content-Type": "application/json"}
        return method, path, json.dumps({"child_id": pair[1]}), headers

    return closed_loop(port, connections, duration, request_for)


def load(
    args,
    wrk: str | None,
    port: int,
    duration: int,
    notice_id: int,
    pairs_file: Path | None = None,
    pairs: list[tuple[str, int]] | None = None,
) -> dict:
    """Run one load: acknowledgments of ``pairs`` (also written to ``pairs_file`` for wrk), or
    ``GET /healthz`` when no pairs are given."""
    target = "ack" if pairs else "healthz"
    threads = min(WRK_THREADS, args.connections)
    if wrk:
        if target == "ack":
            script_args = ["ack", str(pairs_file), str(notice_id), str(threads)]
        else:
            script_args = ["get", "/healthz"]
        return run_wrk(wrk, port, args.connections, duration, script_args)
    if target == "ack":
        path = f"/api/v1/notices/{notice_id}/acknowledge"
        return run_python_load(port, args.connections, duration, "POST", path, pairs)
    return run_python_load(port, args.connections, duration, "GET", "/healthz", None)


# --------------------------------------------------------------------------------------------
# Report


def show_run(label: str, figures: dict) -> None:
    """One line per run: throughput, latency, failures and the status breakdown."""
    statuses = ", ".join(f"{k}: {v}" for k, v in sorted(figures["statuses"].items()))
    print(
        f"{label:<14}{figures['rps']:>10.1f} req/s   p50 {figures['p50']:>8.2f} ms   "
        f"p99 {figures['p99']:>8.2f} ms   {figures['requests']:>7} requests   "
        f"non-2xx {figures['non2xx']}   socket errors {figures['socket_errors']}"
        + (f"   [{statuses}]" if statuses else "")
    )


def main() -> None:
    """Set up, measure, report, and always clean up."""
    args = parse_args()
    # Raise KeyboardInterrupt on SIGTERM too, so the finally block cleans up.
    signal.signal(signal.SIGTERM, signal.default_int_handler)
    tmp = Path(tempfile.mkdtemp(prefix="bench-acks-"))
    # The apps built here run their jobs in-process (send_notice enqueues the pushes).
    os.environ["DATA_DIR"] = str(tmp)
    os.environ["JOBS_IMMEDIATE"] = "1"
    db_name = None
    gunicorn = None
    try:
        wrk = find_wrk(args.loadgen)
        if args.loadgen == "wrk" and not wrk:
            raise SystemExit("wrk is not installed and could not be installed")
        if wrk:
            version = subprocess.run([wrk, "-v"], capture_output=True, text=True)
            loadgen = (version.stdout + version.stderr).split("[")[0].strip() or "wrk"
        else:
            why = "asked for" if args.loadgen == "python" else "wrk unavailable"
            loadgen = f"Python threads (FALLBACK, {why}: figures understate the server)"

        started = time.monotonic()
        db_name, url = create_database()
        app = make_app(url, tmp)
        migrate(app)
        migrated = time.monotonic()
        seeded = seed(app, args.parents, args.schools)
        seed_done = time.monotonic()

        pairs = seeded["pairs"]
        warm_count = min(2000, max(100, args.parents // 10))
        main_pairs, warm_pairs = pairs[:-warm_count], pairs[-warm_count:]
        # Each round acknowledges its own pairs, so no pair is sent twice (the check below).
        share = len(main_pairs) // args.rounds
        round_pairs = [main_pairs[i * share : (i + 1) * share] for i in range(args.rounds)]
        round_files = [tmp / f"pairs-{i}.txt" for i in range(args.rounds)]
        for path, chunk in zip(round_files, round_pairs, strict=True):
            write_pairs(path, chunk)
        warm_file = tmp / "warmup-pairs.txt"
        write_pairs(warm_file, warm_pairs)
        statements = statements_per_request(app, seeded["notice_id"], warm_pairs[0])

        max_conn = server_max_connections()
        pool_total = args.workers * args.pool_size
        print(
            f"setup: database {db_name}, migrations {migrated - started:.1f}s, seeding "
            f"{seed_done - migrated:.1f}s ({args.parents} parents/children in "
            f"{seeded['classes']} classes of {args.schools} schools; notice "
            f"{seeded['notice_id']} reached {seeded['reached']} parent-child pairs)"
        )
        print(
            f"server: gunicorn -w {args.workers} -k gthread --threads {args.threads}; "
            f"DB_POOL_SIZE={args.pool_size} DB_MAX_OVERFLOW=0 -> up to {pool_total} PostgreSQL "
            f"connections (max_connections {max_conn})"
        )
        if pool_total > max_conn - 10:
            print("warning: the pools may exceed PostgreSQL's max_connections")
        print(
            f"load: {loadgen}; {args.connections} connections, {args.duration}s per run, "
            f"{args.rounds} round(s) of both runs (the best of each kept)"
        )
        print(
            f"SQL statements per request (in-process, BEGIN/COMMIT and pool pre-ping not "
            f"counted): acknowledge {statements['acknowledge']}, /healthz {statements['healthz']}"
        )

        port = free_port()
        gunicorn, log = start_gunicorn(args, url, tmp, port)
        wait_healthy(gunicorn, port, log)
        token, child = warm_pairs[1]
        status, body = http_request(
            port, "POST", f"/api/v1/notices/{seeded['notice_id']}/acknowledge",
            {"child_id": child}, token,
        )  # fmt: skip
        if status != 200:
            raise RuntimeError(f"a first acknowledge answered {status}: {body[:300]}")

        notice_id = seeded["notice_id"]
        load(args, wrk, port, WARMUP_SECONDS, notice_id, warm_file, warm_pairs)
        load(args, wrk, port, 1, notice_id)
        ack_runs, health_runs = [], []
        for index, (path, chunk) in enumerate(zip(round_files, round_pairs, strict=True)):
            # Alternate which run goes first: the one after the acknowledgments shares the machine
            # with the database's clean-up of their row versions (autovacuum, WAL writes).
            order = ("ack", "healthz") if index % 2 == 0 else ("healthz", "ack")
            for kind in order:
                if kind == "ack":
                    ack_runs.append(load(args, wrk, port, args.duration, notice_id, path, chunk))
                else:
                    health_runs.append(load(args, wrk, port, args.duration, notice_id))
        # A busy shared machine only ever slows a run down: the best of each is the server's.
        acks = max(ack_runs, key=lambda run: run["rps"])
        health = max(health_runs, key=lambda run: run["rps"])
        stop_gunicorn(gunicorn)
        errors_logged = sum(
            1 for line in log.read_text(errors="replace").splitlines() if "Traceback" in line
        )

        acked = acknowledged_children(app, seeded["notice_id"])
        twice = acknowledged_rows(app, seeded["notice_id"]) - len(acked)
        main_children = {c for _, c in main_pairs}
        acked_main = len(acked & main_children)
        # Each connection sends its own pairs in turn, so until a round's pairs run out every 200
        # is a child of its own; a request still in flight when a load stopped may be recorded
        # without its answer having been counted (up to one per connection and round).
        expected = sum(
            min(len(chunk), run["statuses"].get(200, run["requests"] - run["non2xx"]))
            for chunk, run in zip(round_pairs, ack_runs, strict=True)
        )
        lost = max(0, expected - acked_main)
        unexplained = max(0, acked_main - expected - args.connections * args.rounds)
        # A wrk thread starts its share of a round's pairs again once it has sent them all, and
        # the threads need not go equally fast: past half a round's pairs, repeats may hide
        # lost acknowledgments, so the count proves nothing and the check fails.
        wrapped = [
            index + 1
            for index, (chunk, run) in enumerate(zip(round_pairs, ack_runs, strict=True))
            if run["requests"] > len(chunk) // WRK_THREADS
        ]
        if wrapped:
            print(
                f"rounds {wrapped}: a wrk thread may have used up its pairs and sent them again, "
                "so the once-only check cannot hold: run with more --parents"
            )

        print()
        for index, (ack_run, health_run) in enumerate(zip(ack_runs, health_runs, strict=True)):
            show_run(f"acknowledge #{index + 1}", ack_run)
            show_run(f"/healthz #{index + 1}", health_run)
        print("best of each:")
        show_run("acknowledge", acks)
        show_run("/healthz", health)
        print()
        rps_ratio = acks["rps"] / health["rps"]
        p99_ratio = acks["p99"] / health["p99"]
        print(f"acks/s as a ratio of /healthz req/s: {rps_ratio:.3f}")
        print(f"p50 ratio (acknowledge / healthz):   {acks['p50'] / health['p50']:.2f}x")
        print(f"p99 ratio (acknowledge / healthz):   {p99_ratio:.2f}x")
        print()
        print(
            f"database: {acked_main} of the {len(main_pairs)} measured pairs acknowledged "
            f"(expected about the sum over rounds of min(pairs, 2xx acks) = {expected}, plus "
            f"up to one request per connection and round still in flight when a load stopped); "
            f"{len(acked) - acked_main} of the {warm_count} warm-up pairs; "
            f"tracebacks in the gunicorn log: {errors_logged}"
        )
        load_detail = f"{args.connections} connections, {args.duration}s, {loadgen}"
        check(
            "acks",
            "acks/s vs /healthz",
            rps_ratio,
            0.5,
            at_least=True,
            detail=load_detail,
            # The saturated rate, for bench/capacity.py.
            absolute={
                "acks_per_s": acks["rps"],
                "web_processes": args.workers,
                "cpus": os.cpu_count() or 1,
            },
        )
        check("acks", "acks p99 vs /healthz p99", p99_ratio, 3, at_least=False, detail=load_detail)
        non2xx = sum(run["non2xx"] for run in ack_runs)
        socket_errors = sum(run["socket_errors"] for run in ack_runs)
        check(
            "acks",
            "ack errors",
            non2xx + socket_errors + errors_logged,
            0,
            at_least=False,
            unit="",
            detail=f"non-2xx {non2xx}, socket errors {socket_errors}, "
            f"tracebacks {errors_logged} (all rounds)",
        )
        check(
            "acks",
            "acks recorded once (lost, unexplained or twice)",
            lost + unexplained + twice + len(wrapped),
            0,
            at_least=False,
            unit="",
            detail=f"{acked_main} children acknowledged for {expected} answered acks "
            f"({len(wrapped)} round(s) with too few pairs) "
            f"(+ up to {args.connections * args.rounds} in flight); {twice} rows beyond one "
            "per child",
        )
        if errors_logged:
            print(tail(log))
    finally:
        clean_up(db_name, tmp, gunicorn)


if __name__ == "__main__":
    try:
        main()
    except KeyboardInterrupt:
        print("interrupted: gunicorn stopped, database dropped, temporary files removed")
        sys.exit(130)
