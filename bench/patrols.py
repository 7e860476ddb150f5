"""Morning peak of patrol rounds: every school's rounds within the same hour, compressed into a
minute, on PostgreSQL.

Run: ``.venv/bin/python bench/patrols.py [--schools 300] [--checkpoints 6] [--duration 10]``
(needs the PostgreSQL server at 127.0.0.1:5432 with trust auth, as the tests do; without it the
benchmark says so and skips).

What it does, in a throw-away database that is dropped afterwards (also on Ctrl-C or an error):

1. seeds N schools under a bureau, M checkpoints each, one patrol teacher per school with a plan
   for the school's checkpoints; school i's window opens at 07:00 + (i mod 60) minutes for half an
   hour, reminded 15 minutes before: every school's rounds fall within the same hour;
2. the jobs: makes the slots of a past day and the next (``make_slots``), then runs the minute
   job (``run_rounds``: reminders, missed rounds, escalations) for every simulated minute from
   06:45 to 08:31 back to back (the peak hour compressed into as long as the jobs take); each as
   seconds per 1000 slots, and as a ratio to a plain ``SELECT count(*) FROM patrol_slots`` over
   the same table measured in the same run;
3. the requests: gunicorn on the same database, today's slots made, then the teachers'
   ``GET /api/v1/patrols/today`` and ``GET /api/v1/todo`` at C concurrent connections for D
   seconds each, and ``GET /healthz`` the same way: errors, req/s, p50 and p99 as ratios to
   ``/healthz`` (the submissions, ``POST /patrols``, are ``bench/patrol_peak.py``'s).

Figures only, as ratios to baselines measured in the same run: no assertions, no thresholds. The
load generator is the Python one of ``bench/acks.py`` (threads with keep-alive connections) for
both the measured routes and the baseline, so the ratios compare like with like.
"""

from __future__ import annotations

import argparse
import os
import secrets
import signal
import sys
import tempfile
import time
from datetime import UTC, date, datetime, timedelta
from datetime import time as clock
from pathlib import Path
from zoneinfo import ZoneInfo

sys.path.insert(0, str(Path(__file__).resolve().parent))
from acks import (
    ADMIN_DSN,
    SECRET_KEY,
    TOKEN_SALT,
    _insert_ids,
    clean_up,
    closed_loop,
    create_database,
    free_port,
    make_app,
    migrate,
    run_python_load,
    show_run,
    start_gunicorn,
    stop_gunicorn,
    tail,
    wait_healthy,
)

CHINA = "Asia/Shanghai"


def parse_args() -> argparse.Namespace:
    """Command-line options (defaults keep the whole run around a minute or two)."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--schools", type=int, default=300, help="schools under the bureau")
    parser.add_argument("--checkpoints", type=int, default=6, help="checkpoints per school")
    parser.add_argument("--duration", type=int, default=10, help="seconds per measured load")
    parser.add_argument("--connections", type=int, default=32, help="concurrent connections")
    parser.add_argument("--workers", type=int, default=2, help="gunicorn worker processes")
    parser.add_argument("--threads", type=int, default=8, help="gunicorn threads per worker")
    args = parser.parse_args()
    args.pool_size = args.threads
    return args


def postgres_missing() -> str | None:
    """Why PostgreSQL cannot be used here, or None when it answers."""
    try:
        import psycopg

        with psycopg.connect(ADMIN_DSN, autocommit=True) as conn:
            conn.execute("SELECT 1")
    except Exception as exc:  # any reason at all: the benchmark skips
        return str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
    return None


def morning_window(i: int) -> tuple[clock, clock]:
    """School i's window: 07:00 + (i mod 60) minutes for half an hour (every school's rounds
    fall within the same hour)."""
    return clock(7, i % 60), clock(7 + (i % 60 + 30) // 60, (i % 60 + 30) % 60)


def seed(app, schools: int, checkpoints: int, windows=morning_window) -> list[str]:
    """Units, teachers with grants and login sessions, checkpoints and plans (school i's window
    from ``windows(i)``); returns the teachers' bearer tokens in the schools' order."""
    from itsdangerous import URLSafeSerializer
    from sqlalchemy import insert

    from server.extensions import db
    from server.models import AuthSession, RoleGrant, User, utcnow
    from server.models.patrols import Checkpoint, PatrolPlan, PatrolPlanCheckpoint
    from server.services.units import add_unit

    with app.app_context():
        app.extensions["store"].ensure_ready()
        now = utcnow()
        bureau = add_unit("BENCH-B", "基准区教育体育局", "bureau", "public", None)
        units = [
            add_unit(f"BENCH-S{i:04d}", f"基准第{i + 1}小学", "school", "public", bureau)
            for i in range(schools)
        ]
        db.session.commit()
        teachers = _insert_ids(
            User,
            [
                {"openid": f"bench-teacher-{i:05d}", "display_name": f"巡查教师{i:05d}",
                 "is_active": True, "created_at": now}
                for i in range(schools)
            ],
        )  # fmt: skip
        db.session.execute(
            insert(RoleGrant),
            [
                {"user_id": uid, "role": "teacher", "unit_id": unit.id, "created_at": now}
                for uid, unit in zip(teachers, units, strict=True)
            ],
        )
        cp_ids = _insert_ids(
            Checkpoint,
            [
                {"school_id": unit.id, "name": f"点位{k + 1}", "lat": 33.77, "lng": 116.96,
                 "coord_system": "gcj02", "radius_m": 50, "template_codes": ["fire_daily"],
                 "token": secrets.token_urlsafe(24), "active": True,
                 "created_by_id": teachers[0], "created_at": now}
                for unit in units
                for k in range(checkpoints)
            ],
        )  # fmt: skip
        plan_ids = _insert_ids(
            PatrolPlan,
            [
                {"school_id": unit.id, "name": "日常防火巡查", "template_code": "fire_daily",
                 "assignee_user_id": uid, "recurrence": "daily", "weekdays": [],
                 "window_start": windows(i)[0], "window_end": windows(i)[1],
                 "remind_minutes_before": 15, "escalate_after_misses": 2,
                 "active": True, "created_by_id": uid, "created_at": now}
                for i, (uid, unit) in enumerate(zip(teachers, units, strict=True))
            ],
        )  # fmt: skip
        db.session.execute(
            insert(PatrolPlanCheckpoint),
            [
                {"plan_id": pid, "checkpoint_id": cp_ids[i * checkpoints + k]}
                for i, pid in enumerate(plan_ids)
                for k in range(checkpoints)
            ],
        )
        serializer = URLSafeSerializer(SECRET_KEY, salt=TOKEN_SALT)
        sessions = [secrets.token_hex(16) for _ in teachers]
        db.session.execute(
            insert(AuthSession),
            [
                {"id": sid, "user_id": uid, "created_at": now,
                 "expires_at": now + timedelta(days=1), "client_ip": "127.0.0.1"}
                for sid, uid in zip(sessions, teachers, strict=True)
            ],
        )  # fmt: skip
        db.session.commit()
        db.session.remove()
        return [serializer.dumps({"sid": sid}) for sid in sessions]


def timed(fn):
    """(seconds, result) of one call."""
    started = time.perf_counter()
    result = fn()
    return time.perf_counter() - started, result


def jobs(app, day: date) -> dict:
    """The slot-making and minute jobs over the simulated morning of ``day``, with the count(*)
    baseline (best of five) over the same table."""
    from sqlalchemy import text

    from server.extensions import db
    from server.services.patrol_missed import run_rounds
    from server.services.patrol_slots import make_slots

    zone = ZoneInfo(CHINA)
    with app.app_context():
        midnight = datetime.combine(day, clock(0), tzinfo=zone).astimezone(UTC)

        def make() -> int:
            made = make_slots(midnight)
            db.session.commit()
            return made

        make_seconds, made = timed(make)
        counts = []
        for _ in range(5):
            seconds, total = timed(
                lambda: db.session.scalar(text("SELECT count(*) FROM patrol_slots"))
            )
            counts.append(seconds)
        count_seconds = min(counts)
        start = datetime.combine(day, clock(6, 45), tzinfo=zone).astimezone(UTC)
        reminded = missed = 0
        rounds_seconds = 0.0
        for minute in range(107):  # 06:45 .. 08:31
            seconds, result = timed(lambda m=minute: run_rounds(start + timedelta(minutes=m)))
            rounds_seconds += seconds
            reminded += result["reminded"]
            missed += result["missed"]
        today_slots = made // 2
        db.session.remove()
    return {
        "made": made,
        "total": total,
        "make_seconds": make_seconds,
        "count_seconds": count_seconds,
        "rounds_seconds": rounds_seconds,
        "missed": missed,
        "today_slots": today_slots,
        "reminded": reminded,
    }


def load_gets(port: int, connections: int, duration: int, paths: list[str], tokens: list[str]):
    """GETs of ``paths`` by the teachers in turn (thread i takes tokens i, i+C, ...), through the
    same closed loop as ``run_python_load``, so the figures compare with /healthz's."""

    def request_for(i: int, n: int):
        mine = tokens[i::connections] or tokens
        path, token = paths[n % len(paths)], mine[(n // len(paths)) % len(mine)]
        return "GET", path, None, {"Authorization": f"Bearer {token}"}

    return closed_loop(port, connections, duration, request_for)


def show_jobs(figures: dict, schools: int, checkpoints: int) -> None:
    """The jobs' figures, per 1000 slots and as ratios to count(*)."""
    per_make = figures["make_seconds"] / figures["made"] * 1000
    per_rounds = figures["rounds_seconds"] / max(figures["missed"], 1) * 1000
    base = figures["count_seconds"]
    print(
        f"slots: {schools} schools x {checkpoints} checkpoints; {figures['made']} made for the "
        f"day and the next; table {figures['total']} rows; count(*) {base * 1000:.2f} ms"
    )
    print(
        f"make_slots:  {figures['make_seconds']:.2f} s, {per_make * 1000:.1f} ms per 1000 slots "
        f"= {per_make / base:.1f}x a count(*)"
    )
    print(
        f"run_rounds:  107 simulated minutes in {figures['rounds_seconds']:.2f} s; "
        f"{figures['reminded']} slots reminded, {figures['missed']} of "
        f"{figures['today_slots']} slots missed; {per_rounds * 1000:.1f} ms per 1000 slots "
        f"= {per_rounds / base:.1f}x a count(*)"
    )


def main() -> None:
    """Set up, measure, report, and always clean up."""
    args = parse_args()
    reason = postgres_missing()
    if reason:
        print(f"skipped: PostgreSQL at 127.0.0.1:5432 is not reachable ({reason})")
        return
    signal.signal(signal.SIGTERM, signal.default_int_handler)
    tmp = Path(tempfile.mkdtemp(prefix="bench-patrols-"))
    os.environ["DATA_DIR"] = str(tmp)
    os.environ["JOBS_IMMEDIATE"] = "1"
    db_name = gunicorn = None
    try:
        db_name, url = create_database()
        app = make_app(url, tmp)
        migrate(app)
        tokens = seed(app, args.schools, args.checkpoints)
        from server.models import utcnow

        day = (utcnow() - timedelta(days=7)).date()  # a past morning, apart from today's slots
        figures = jobs(app, day)
        show_jobs(figures, args.schools, args.checkpoints)

        from server.extensions import db
        from server.services.patrol_slots import make_slots

        with app.app_context():
            # Today's, for the phone's routes, whatever the hour (made as at midnight).
            zone = ZoneInfo(CHINA)
            today = utcnow().astimezone(zone).date()
            make_slots(datetime.combine(today, clock(0), tzinfo=zone).astimezone(UTC), days=1)
            db.session.commit()
            db.session.remove()
        port = free_port()
        gunicorn, log = start_gunicorn(args, url, tmp, port)
        wait_healthy(gunicorn, port, log)
        paths = ["/api/v1/patrols/today", "/api/v1/todo"]
        load_gets(port, args.connections, 2, paths, tokens)  # warm-up
        runs = {
            path: load_gets(port, args.connections, args.duration, [path], tokens) for path in paths
        }
        health = run_python_load(port, args.connections, args.duration, "GET", "/healthz", None)
        stop_gunicorn(gunicorn)
        tracebacks = log.read_text(errors="replace").count("Traceback")
        print(
            f"\nload: Python threads, {args.connections} connections, {args.duration}s per run; "
            f"gunicorn -w {args.workers} --threads {args.threads}; {len(tokens)} teachers"
        )
        for path, run in runs.items():
            show_run(path.rsplit("/", 1)[-1], run)
        show_run("/healthz", health)
        for path, run in runs.items():
            print(
                f"{path}: req/s {run['rps'] / health['rps']:.3f}x /healthz, p50 "
                f"{run['p50'] / health['p50']:.2f}x, p99 {run['p99'] / health['p99']:.2f}x, "
                f"errors {run['non2xx'] + run['socket_errors']}"
            )
        print(f"tracebacks in the gunicorn log: {tracebacks}")
        if tracebacks:
            print(tail(log))
    finally:
        clean_up(db_name, tmp, gunicorn)


if __name__ == "__main__":
    try:
        main()
    except KeyboardInterrupt:
        print("interrupted: gunicorn stopped, database dropped, temporary files removed")
        sys.exit(130)
