"""Morning peak of patrol submissions: every school's rounds of the hour, compressed into as
little time as the server takes, through ``POST /api/v1/patrols`` on PostgreSQL.

Run: ``.venv/bin/python bench/patrol_peak.py [--schools 200] [--checkpoints 3]
[--connections 32]`` (needs the PostgreSQL server at 127.0.0.1:5432 with trust auth, as the tests
do; without it the benchmark says so and skips).

What it does, in a throw-away database that is dropped afterwards (also on Ctrl-C or an error):

1. loads the shipped campaign and the ``fire_daily`` checklist (its items are filed under the
   campaign's focus problems), then seeds N schools with M checkpoints each and one patrol
   teacher per school with a plan for the school's checkpoints, as ``bench/patrols.py`` does,
   but with a window around the current China time, and makes today's slots: they are open now;
2. gunicorn on the same database (the setup of ``bench/patrols.py``); a warm-up of refused
   rounds (too far: checked in full, nothing written);
3. the peak: every school's rounds (one per checkpoint, every item passed, at the checkpoint's
   position, scanned in the last minute) in the order of the morning (school i's patroller
   starts at minute i mod 60, a checkpoint every two minutes), drained by C connections as
   fast as the server answers; a share of rounds is sent again by the same phone after its 201
   (same client_uuid and content, a new ``sent_at``) and must get 200 with the first round;
4. ``GET /healthz`` at the same concurrency in the same run, the baseline of the ratios;
5. the database afterwards: every round recorded exactly once, linked to its slot, every slot
   done, no hazard. A mismatch is counted as an error.

Figures only, as ratios to the baseline measured in the same run: no assertions, no thresholds.
"""

from __future__ import annotations

import argparse
import collections
import http.client
import json
import os
import signal
import sys
import tempfile
import threading
import time
import uuid
from datetime import UTC, datetime, timedelta
from datetime import time as clock
from pathlib import Path
from zoneinfo import ZoneInfo

sys.path.insert(0, str(Path(__file__).resolve().parent))
from acks import (
    clean_up,
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
from patrols import CHINA, postgres_missing, seed

# The checkpoints of bench/patrols.py's seed are all here (radius 50 m, GCJ-02).
CHECKPOINT = {"lat": 33.77, "lng": 116.96, "coord_system": "gcj02"}
# Half the window either side of the moment of the run: the peak and the checks fit well
# inside it, and the window stays within one local day (the plans' rule) except near midnight.
HALF_WINDOW = timedelta(minutes=30)
# About 111 km per degree of latitude: 0.01 degrees puts a warm-up round ~1.1 km off.
FAR_LAT = CHECKPOINT["lat"] + 0.01


def parse_args() -> argparse.Namespace:
    """Command-line options (defaults keep the whole run to a couple of minutes)."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--schools", type=int, default=200, help="schools under the bureau")
    parser.add_argument("--checkpoints", type=int, default=3, help="checkpoints per school")
    parser.add_argument("--connections", type=int, default=32, help="concurrent connections")
    parser.add_argument("--duration", type=int, default=10, help="seconds of /healthz load")
    parser.add_argument(
        "--retry-every", type=int, default=20, help="every Nth round is sent twice (0: none)"
    )
    parser.add_argument("--workers", type=int, default=2, help="gunicorn worker processes")
    parser.add_argument("--threads", type=int, default=8, help="gunicorn threads per worker")
    args = parser.parse_args()
    args.pool_size = args.threads
    return args


def open_window(now: datetime):
    """A window factory for ``seed``: the same local window for every school, from half an
    hour before ``now`` to half an hour after, clamped to the local day."""
    local = now.astimezone(ZoneInfo(CHINA))
    midnight = local.replace(hour=0, minute=0, second=0, microsecond=0)
    start = max(local - HALF_WINDOW, midnight)
    end = min(local + HALF_WINDOW, midnight + timedelta(hours=23, minutes=59))
    window = (clock(start.hour, start.minute), clock(end.hour, end.minute))
    return lambda i: window


def wait_past_midnight() -> None:
    """Wait out the minutes around local midnight: a window around now would cross it (a plan's
    window lies within one local day) and a round scanned before it would belong to yesterday."""
    local = datetime.now(ZoneInfo(CHINA))
    minutes = local.hour * 60 + local.minute
    if minutes >= 23 * 60 + 50 or minutes < 2:
        until = (local + timedelta(minutes=15)).replace(hour=0, minute=2, second=0, microsecond=0)
        print(f"waiting for 00:02 China time ({(until - local).total_seconds():.0f} s)")
        time.sleep((until - local).total_seconds())


def prepare(app, schools: int, checkpoints: int) -> dict:
    """The checklist, the seed, today's slots; returns what the rounds are built from."""
    from sqlalchemy import select

    from server.extensions import db
    from server.models import utcnow
    from server.models.patrols import ChecklistTemplate, Checkpoint
    from server.services.campaigns import CAMPAIGN_DIR, load_campaign, read_campaign_file
    from server.services.checklists import CHECKLIST_DIR, load_checklists
    from server.services.patrol_slots import make_slots

    with app.app_context():
        # The checklist's items name the campaign's focus problems: the campaign first.
        for path in sorted(CAMPAIGN_DIR.glob("*.json")):
            load_campaign(read_campaign_file(path))
        load_checklists([CHECKLIST_DIR / "fire_daily.json"])
        db.session.remove()
    now = utcnow()
    teachers = seed(app, schools, checkpoints, open_window(now))
    with app.app_context():
        template = db.session.scalars(
            select(ChecklistTemplate).where(
                ChecklistTemplate.code == "fire_daily",
                ChecklistTemplate.unit_id.is_(None),
                ChecklistTemplate.is_current,
            )
        ).one()
        template_id, item_ids = template.id, [item.id for item in template.items]
        # Inserted in the schools' order: school i's checkpoints are i*M .. i*M+M-1.
        tokens = list(db.session.scalars(select(Checkpoint.token).order_by(Checkpoint.id)))
        made = make_slots(now, days=1)
        db.session.commit()
        db.session.remove()
    return {
        "teachers": teachers,
        "tokens": tokens,
        "template_id": template_id,
        "item_ids": item_ids,
        "slots": made,
    }


def round_body(data: dict, token: str, scanned_at: datetime, **changes) -> dict:
    """A round at a checkpoint: every item passed (no photos needed), at its position."""
    body = {
        "client_uuid": str(uuid.uuid4()),
        "token": token,
        "template_id": data["template_id"],
        "lat": CHECKPOINT["lat"],
        "lng": CHECKPOINT["lng"],
        "accuracy": 8,
        "coord_system": CHECKPOINT["coord_system"],
        "scanned_at": scanned_at.isoformat(),
        "answers": [{"item_id": item, "answer": "pass"} for item in data["item_ids"]],
    }
    body.update(changes)
    return body


def peak_jobs(data: dict, checkpoints: int, retry_every: int) -> list[tuple[str, dict, bool]]:
    """Every school's rounds as (bearer token, body, sent twice), in the morning's order:
    school i's patroller starts at minute i mod 60 and reaches a checkpoint every two minutes.
    Each is scanned within the minute before now, inside its slot's window (sent_at is stamped
    when sent)."""
    from server.models import utcnow

    now = utcnow()
    order = sorted(
        (i % 60 + 2 * k, i, k) for i in range(len(data["teachers"])) for k in range(checkpoints)
    )
    jobs = []
    for n, (_, i, k) in enumerate(order):
        scanned = now - timedelta(seconds=n % 60)
        body = round_body(data, data["tokens"][i * checkpoints + k], scanned)
        jobs.append((data["teachers"][i], body, bool(retry_every) and n % retry_every == 0))
    return jobs


def post_rounds(port: int, connections: int, jobs: list[tuple[str, dict, bool]]) -> dict:
    """Drain ``jobs`` with ``connections`` threads, one keep-alive connection each; a job marked
    to be sent twice is sent again on the same connection after its first answer, as a phone
    whose answer was lost would. Returns latencies (first sends), statuses and the retries'
    outcome."""
    pending = collections.deque(jobs)
    lock = threading.Lock()
    first_ms: list[float] = []
    retry_ms: list[float] = []
    statuses: collections.Counter = collections.Counter()
    retry_statuses: collections.Counter = collections.Counter()
    outcome = {"socket_errors": 0, "retry_other_round": 0}

    def send(conn, token: str, body: dict) -> tuple[int, dict, float]:
        body = {**body, "sent_at": datetime.now(UTC).isoformat()}
        headers = {"Authorization": f"Bearer {token}", "Content-Type": "application/json"}
        started = time.perf_counter()
        conn.request("POST", "/api/v1/patrols", json.dumps(body), headers)
        response = conn.getresponse()
        payload = response.read()
        elapsed = (time.perf_counter() - started) * 1000
        try:
            answer = json.loads(payload) if payload else {}
        except ValueError:
            answer = {}
        return response.status, answer, elapsed

    def worker() -> None:
        conn = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
        while True:
            with lock:
                if not pending:
                    break
                token, body, twice = pending.popleft()
            try:
                status, answer, ms = send(conn, token, body)
                with lock:
                    first_ms.append(ms)
                    statuses[status] += 1
                if twice and status == 201:
                    again, repeat, ms = send(conn, token, body)
                    with lock:
                        retry_ms.append(ms)
                        retry_statuses[again] += 1
                        if repeat.get("id") != answer.get("id"):
                            outcome["retry_other_round"] += 1
            except (OSError, http.client.HTTPException):
                with lock:
                    outcome["socket_errors"] += 1
                conn.close()
                conn = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
        conn.close()

    started = time.monotonic()
    threads = [threading.Thread(target=worker) for _ in range(connections)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    elapsed = time.monotonic() - started
    every = sorted(first_ms)
    if not every:
        raise RuntimeError("no round was answered")

    def pct(values: list[float], p: float) -> float:
        return values[min(len(values) - 1, int(len(values) * p / 100))] if values else 0.0

    return {
        "elapsed": elapsed,
        "rps": (len(first_ms) + len(retry_ms)) / elapsed,
        "p50": pct(every, 50),
        "p99": pct(every, 99),
        "requests": len(first_ms) + len(retry_ms),
        "non2xx": sum(v for k, v in statuses.items() if k >= 400)
        + sum(v for k, v in retry_statuses.items() if k >= 400),
        "socket_errors": outcome["socket_errors"],
        "statuses": dict(statuses),
        "retry_statuses": dict(retry_statuses),
        "retry_p50": pct(sorted(retry_ms), 50),
        "retry_other_round": outcome["retry_other_round"],
    }


def check_records(app, jobs: list[tuple[str, dict, bool]], item_count: int) -> list[str]:
    """What the database shows after the peak, against what was sent: each round once, with
    its answers, linked to a slot of its own, every slot done, no hazard. Returns the
    mismatches (empty when all holds)."""
    from sqlalchemy import func, select

    from server.extensions import db
    from server.models import Hazard
    from server.models.patrols import SLOT_DONE, Patrol, PatrolAnswer, PatrolSlot

    sent = {body["client_uuid"] for _, body, _ in jobs}
    with app.app_context():
        rows = db.session.execute(select(Patrol.client_uuid, Patrol.slot_id)).all()
        answers = db.session.scalar(select(func.count()).select_from(PatrolAnswer))
        slots = dict(
            db.session.execute(
                select(PatrolSlot.status, func.count()).group_by(PatrolSlot.status)
            ).all()
        )
        hazards = db.session.scalar(select(func.count()).select_from(Hazard))
        db.session.remove()
    uuids = [row.client_uuid for row in rows]
    linked = [row.slot_id for row in rows if row.slot_id is not None]
    problems = []
    if len(uuids) != len(set(uuids)) or set(uuids) != sent:
        missing, extra = len(sent - set(uuids)), len(set(uuids) - sent)
        problems.append(
            f"rounds: {len(uuids)} rows for {len(sent)} sent ({missing} missing, {extra} extra)"
        )
    if len(linked) != len(sent) or len(set(linked)) != len(linked):
        problems.append(f"slots linked: {len(linked)} ({len(set(linked))} distinct)")
    if slots.get(SLOT_DONE, 0) != len(sent) or sum(slots.values()) != len(sent):
        problems.append(f"slot statuses {slots}, expected {len(sent)} done")
    if answers != len(sent) * item_count:
        problems.append(f"answers: {answers}, expected {len(sent) * item_count}")
    if hazards:
        problems.append(f"hazards: {hazards}, expected none (every item passed)")
    return problems


def main() -> None:
    """Set up, measure, check, report, and always clean up."""
    args = parse_args()
    reason = postgres_missing()
    if reason:
        print(f"skipped: PostgreSQL at 127.0.0.1:5432 is not reachable ({reason})")
        return
    signal.signal(signal.SIGTERM, signal.default_int_handler)
    tmp = Path(tempfile.mkdtemp(prefix="bench-patrol-peak-"))
    os.environ["DATA_DIR"] = str(tmp)
    os.environ["JOBS_IMMEDIATE"] = "1"
    db_name = gunicorn = None
    try:
        wait_past_midnight()
        db_name, url = create_database()
        app = make_app(url, tmp)
        migrate(app)
        data = prepare(app, args.schools, args.checkpoints)
        port = free_port()
        gunicorn, log = start_gunicorn(args, url, tmp, port)
        wait_healthy(gunicorn, port, log)
        # Warm-up: rounds refused as too far go through the whole check (session, schema,
        # token, checklist, times, distance) and write nothing, so every worker thread has
        # run the route before the peak without using up a slot.
        from server.models import utcnow

        far = [
            (teacher, round_body(data, data["tokens"][i * args.checkpoints], utcnow(), lat=FAR_LAT),
             False)
            for i, teacher in enumerate(data["teachers"][: args.connections * 4])
        ]  # fmt: skip
        warm = post_rounds(port, args.connections, far)
        run_python_load(port, args.connections, 2, "GET", "/healthz", None)  # warm-up

        jobs = peak_jobs(data, args.checkpoints, args.retry_every)
        peak = post_rounds(port, args.connections, jobs)
        health = run_python_load(port, args.connections, args.duration, "GET", "/healthz", None)
        stop_gunicorn(gunicorn)
        tracebacks = log.read_text(errors="replace").count("Traceback")
        problems = check_records(app, jobs, len(data["item_ids"]))

        retries = sum(1 for _, _, twice in jobs if twice)
        print(
            f"peak: {args.schools} schools x {args.checkpoints} checkpoints, {data['slots']} "
            f"slots open now; {len(data['item_ids'])} items per round, all passed; Python "
            f"threads, {args.connections} connections; gunicorn -w {args.workers} --threads "
            f"{args.threads}"
        )
        print(f"warm-up: {len(far)} rounds refused as too far {warm['statuses']}")
        show_run("POST /patrols", peak)
        show_run("/healthz", health)
        errors = (
            sum(v for k, v in peak["statuses"].items() if k != 201)
            + sum(v for k, v in peak["retry_statuses"].items() if k != 200)
            + peak["retry_other_round"]
            + peak["socket_errors"]
            + len(problems)
        )
        print(
            f"rounds sent: {len(jobs)} in {peak['elapsed']:.1f} s, plus {retries} retries "
            f"(answers {peak['retry_statuses']}, p50 {peak['retry_p50']:.1f} ms; "
            f"{peak['retry_other_round']} answered with another round)"
        )
        print(
            f"POST /patrols: req/s {peak['rps'] / health['rps']:.3f}x /healthz, p50 "
            f"{peak['p50'] / health['p50']:.2f}x, p99 {peak['p99'] / health['p99']:.2f}x, "
            f"errors {errors}"
        )
        if problems:
            print("database check: MISMATCH\n  " + "\n  ".join(problems))
        else:
            print(
                f"database check: ok ({len(jobs)} rounds recorded once each, "
                f"{len(jobs)} slots done, no hazard)"
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
