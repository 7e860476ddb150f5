"""The morning peak: parents acknowledging a notice while the schools' patrol rounds arrive, at
once, on one gunicorn and one PostgreSQL database.

Run: ``.venv/bin/python bench/morning.py [--parents 20000] [--schools 200] [--duration 30]``
(needs the PostgreSQL server at 127.0.0.1:5432 with trust auth, as the tests do; without it the
benchmark says so and skips).

The district's hour (every parent acknowledging the bureau's letter, every school's rounds in the
same half hour) compressed into ``--duration`` seconds. It reuses the other benchmarks' parts, in
a throw-away database dropped afterwards (also on Ctrl-C or an error):

1. ``bench/acks.py``'s seed (a bureau, schools, N parents with a child each, the notice sent to
   all of them, one login session each) and ``bench/patrol_peak.py``'s (the campaign, the
   ``fire_daily`` checklist, M schools with checkpoints, a patrol teacher each, today's slots open
   now), under a second bureau of their own;
2. one gunicorn (``bench/acks.py``'s) on that database; warm-ups of both routes;
3. the peak: wrk (or the Python fallback) acknowledging for the whole duration while Python
   threads send every school's rounds (``patrol_peak.post_rounds``) as fast as the server takes
   them, starting together;
4. ``GET /healthz`` alone, the baseline: with wrk at the acknowledgments' connections and with the
   Python threads at the rounds', so each ratio compares the same load generator;
5. the database: each acknowledgment recorded once, each round once (``patrol_peak``'s check).

Issue 13's targets (``bench/targets.py``): no errors; acknowledgments' p99 at most 3x
``/healthz``'s; patrol submissions' p99 at most 5x (see ``PATROL_P99_LIMIT``).
"""

from __future__ import annotations

import argparse
import contextlib
import os
import signal
import sys
import tempfile
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
import acks
import patrol_peak

from bench.targets import check

ACK_P99_LIMIT = 3  # the bound for acknowledgments
# The issue gives patrol submissions no latency ratio, only "no errors" in the same minute as the
# acknowledgments. A round writes several times an acknowledgment's rows (the round, one answer
# per checklist item, its slot) after more checks (token, checklist, times, distance), so it is
# held to 5x /healthz's p99 where an acknowledgment gets 3x: still well within a phone's patience.
PATROL_P99_LIMIT = 5


def parse_args() -> argparse.Namespace:
    """Command-line options (defaults keep the run to about two minutes)."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--parents", type=int, default=20000, help="parents, one child each")
    parser.add_argument("--schools", type=int, default=200, help="schools sending rounds")
    parser.add_argument("--checkpoints", type=int, default=3, help="checkpoints per school")
    parser.add_argument("--duration", type=int, default=30, help="seconds of acknowledgments")
    parser.add_argument("--baseline", type=int, default=10, help="seconds per /healthz run")
    parser.add_argument("--ack-connections", type=int, default=48)
    parser.add_argument("--patrol-connections", type=int, default=16)
    # 2 x 16: one process per core here, and 32 database connections, which leaves room under
    # PostgreSQL's max_connections (100) for whatever else shares the server.
    parser.add_argument("--workers", type=int, default=2, help="gunicorn worker processes")
    parser.add_argument("--threads", type=int, default=16, help="gunicorn threads per worker")
    parser.add_argument("--loadgen", choices=["auto", "wrk", "python"], default="auto")
    args = parser.parse_args()
    if args.parents < 200:
        parser.error("--parents must be at least 200")
    args.pool_size = args.threads
    args.connections = args.ack_connections  # what acks.load reads
    return args


@contextlib.contextmanager
def unit_codes_prefixed(prefix: str):
    """Prefix the codes of the units ``add_unit`` creates meanwhile: both seeds name their bureau
    ``BENCH-B``, and unit codes are unique."""
    from server.services import units

    original = units.add_unit

    def prefixed(code, *rest):
        """``add_unit`` with the code prefixed."""
        return original(prefix + code, *rest)

    units.add_unit = prefixed
    try:
        yield
    finally:
        units.add_unit = original


def web_cpu_seconds(master_pid: int) -> float:
    """CPU seconds (user + system) gunicorn's master and workers have used so far, from /proc
    (0.0 where /proc is missing): the peak's cost per request whatever else runs on the machine."""
    tick = os.sysconf("SC_CLK_TCK")
    try:
        children = Path(f"/proc/{master_pid}/task/{master_pid}/children").read_text().split()
    except OSError:
        return 0.0
    total = 0
    for pid in [master_pid, *map(int, children)]:
        try:
            fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue  # a worker gone meanwhile
        total += int(fields[11]) + int(fields[12])  # utime, stime (fields 14 and 15)
    return total / tick


def run_peak(args, wrk, port: int, seeded: dict, pairs_file: Path, main_pairs, jobs) -> tuple:
    """Acknowledgments and rounds at once, each load in its own thread; (acks, rounds) figures
    (an exception in either is raised here)."""
    with ThreadPoolExecutor(max_workers=2) as pool:
        acknowledging = pool.submit(
            acks.load, args, wrk, port, args.duration, seeded["notice_id"], pairs_file, main_pairs
        )
        rounds = pool.submit(patrol_peak.post_rounds, port, args.patrol_connections, jobs)
        return acknowledging.result(), rounds.result()


def ack_problems(app, notice_id: int, pairs, main_pairs, ok_acks: int, connections: int):
    """Each acknowledgment recorded once: the measured pairs' rows acknowledged match the 2xx
    answers (plus at most one request per connection still in flight when the load stopped),
    none outside the pairs sent (the warm-up's included). While no wrk thread has wrapped around
    its share, each pair was sent once. Returns the mismatches."""
    acked = acks.acknowledged_children(app, notice_id)
    never_sent = acked - {child for _, child in pairs}
    sent = {child for _, child in main_pairs}
    problems = []
    if never_sent:
        problems.append(f"acknowledgments: {len(never_sent)} rows of children never sent")
    recorded = len(acked & sent)
    if ok_acks <= len(main_pairs) // 2:
        if not ok_acks <= recorded <= ok_acks + connections:
            problems.append(f"acknowledgments: {recorded} rows for {ok_acks} answered 200")
    elif recorded < len(main_pairs) // 2:
        problems.append(f"acknowledgments: {recorded} rows, pairs wrapped: use more --parents")
    return problems


def main() -> None:
    """Set up, measure, check, report, and always clean up."""
    args = parse_args()
    reason = patrol_peak.postgres_missing()
    if reason:
        print(f"skipped: PostgreSQL at 127.0.0.1:5432 is not reachable ({reason})")
        return
    signal.signal(signal.SIGTERM, signal.default_int_handler)
    tmp = Path(tempfile.mkdtemp(prefix="bench-morning-"))
    os.environ["DATA_DIR"] = str(tmp)
    os.environ["JOBS_IMMEDIATE"] = "1"
    db_name = gunicorn = None
    try:
        patrol_peak.wait_past_midnight()
        wrk = acks.find_wrk(args.loadgen)
        if args.loadgen == "wrk" and not wrk:
            raise SystemExit("wrk is not installed and could not be installed")
        db_name, url = acks.create_database()
        app = acks.make_app(url, tmp)
        acks.migrate(app)
        # The notice's text is ours and WeChat is never contacted: its text check passes, or the
        # notice would be held as pending and reach nobody (bench/acks.py does the same).
        app.extensions["wechat"].check_text = lambda *_args, **_kwargs: ("pass", None)
        seeded = acks.seed(app, args.parents, max(1, args.parents // 4000))
        with unit_codes_prefixed("P"):
            data = patrol_peak.prepare(app, args.schools, args.checkpoints)
        pairs = seeded["pairs"]
        warm_count = min(2000, max(100, args.parents // 10))
        main_pairs, warm_pairs = pairs[:-warm_count], pairs[-warm_count:]
        main_file, warm_file = tmp / "pairs.txt", tmp / "warmup-pairs.txt"
        acks.write_pairs(main_file, main_pairs)
        acks.write_pairs(warm_file, warm_pairs)

        port = acks.free_port()
        gunicorn, log = acks.start_gunicorn(args, url, tmp, port)
        acks.wait_healthy(gunicorn, port, log, timeout=240)  # workers booting on a busy box
        notice_id = seeded["notice_id"]
        from server.models import utcnow

        far = [
            (teacher, patrol_peak.round_body(
                data, data["tokens"][i * args.checkpoints], utcnow(), lat=patrol_peak.FAR_LAT),
             False)
            for i, teacher in enumerate(data["teachers"][: args.patrol_connections * 2])
        ]  # fmt: skip
        patrol_peak.post_rounds(port, args.patrol_connections, far)
        acks.load(args, wrk, port, acks.WARMUP_SECONDS, notice_id, warm_file, warm_pairs)

        jobs = patrol_peak.peak_jobs(data, args.checkpoints, retry_every=0)
        cpu_before = web_cpu_seconds(gunicorn.pid)
        ack_run, round_run = run_peak(args, wrk, port, seeded, main_file, main_pairs, jobs)
        peak_cpu = web_cpu_seconds(gunicorn.pid) - cpu_before
        # /healthz alone, with each load generator at the connections it drove in the peak.
        health_wrk = acks.load(args, wrk, port, args.baseline, notice_id)
        health_py = acks.run_python_load(
            port, args.patrol_connections, args.baseline, "GET", "/healthz", None
        )
        acks.stop_gunicorn(gunicorn)
        tracebacks = log.read_text(errors="replace").count("Traceback")

        ok_acks = ack_run["statuses"].get(200, ack_run["requests"] - ack_run["non2xx"])
        problems = ack_problems(app, notice_id, pairs, main_pairs, ok_acks, args.ack_connections)
        problems += patrol_peak.check_records(app, jobs, len(data["item_ids"]))
        ack_run["cpu_s"] = peak_cpu  # the web processes' CPU over the whole peak
        report(args, wrk, ack_run, round_run, health_wrk, health_py, jobs, problems, tracebacks)
        if tracebacks:
            print(acks.tail(log))
    finally:
        acks.clean_up(db_name, tmp, gunicorn)


def report(args, wrk, ack_run, round_run, health_wrk, health_py, jobs, problems, tracebacks):
    """Print the runs and the ratios, and check issue 13's targets."""
    loadgen = "wrk" if wrk else "Python threads (FALLBACK: figures understate the server)"
    print(
        f"morning peak: {args.parents} parents acknowledging ({loadgen}, {args.ack_connections} "
        f"connections, {args.duration} s) while {len(jobs)} rounds of {args.schools} schools "
        f"arrive (Python threads, {args.patrol_connections} connections); gunicorn -w "
        f"{args.workers} --threads {args.threads}; {os.cpu_count()} CPUs"
    )
    acks.show_run("acknowledge", ack_run)
    acks.show_run("POST /patrols", round_run)
    acks.show_run("/healthz wrk", health_wrk)
    acks.show_run("/healthz py", health_py)
    print(f"rounds drained in {round_run['elapsed']:.1f} s; acknowledgments ran {args.duration} s")
    answered = ack_run["requests"] + round_run["requests"]
    cpu_ms = ack_run["cpu_s"] * 1000 / max(1, answered)
    print(
        f"web processes' CPU over the peak: {ack_run['cpu_s']:.1f} s for {answered} requests, "
        f"{cpu_ms:.1f} ms each (acknowledgments and rounds together)"
    )
    ack_p99 = ack_run["p99"] / health_wrk["p99"]
    round_p99 = round_run["p99"] / health_py["p99"]
    print(
        f"acknowledge: req/s {ack_run['rps'] / health_wrk['rps']:.3f}x /healthz, p50 "
        f"{ack_run['p50'] / health_wrk['p50']:.2f}x, p99 {ack_p99:.2f}x"
    )
    print(
        f"POST /patrols: req/s {round_run['rps'] / health_py['rps']:.3f}x /healthz, p50 "
        f"{round_run['p50'] / health_py['p50']:.2f}x, p99 {round_p99:.2f}x"
    )
    errors = (
        ack_run["non2xx"]
        + ack_run["socket_errors"]
        + sum(v for k, v in round_run["statuses"].items() if k != 201)
        + round_run["socket_errors"]
        + len(problems)
        + tracebacks
    )
    print("database check: " + ("MISMATCH\n  " + "\n  ".join(problems) if problems else "ok"))
    print(f"tracebacks in the gunicorn log: {tracebacks}")
    check(
        "morning",
        "errors (non-2xx, socket, database mismatches, tracebacks)",
        errors,
        0,
        at_least=False,
        unit="",
        absolute={
            "acks_per_s": ack_run["rps"],
            "rounds_per_s": round_run["rps"],
            "healthz_per_s": health_wrk["rps"],
            "web_processes": args.workers,
            "web_cpu_ms_per_request": cpu_ms,
            "ack_share": ack_run["requests"] / max(1, answered),
            "cpus": os.cpu_count() or 1,
        },
    )
    check("morning", "acknowledge p99 vs /healthz p99", ack_p99, ACK_P99_LIMIT, at_least=False)
    check(
        "morning", "patrol round p99 vs /healthz p99", round_p99, PATROL_P99_LIMIT, at_least=False
    )


if __name__ == "__main__":
    try:
        main()
    except KeyboardInterrupt:
        print("interrupted: gunicorn stopped, database dropped, temporary files removed")
        sys.exit(130)
