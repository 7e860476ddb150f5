"""Creating hazard reports through gunicorn on PostgreSQL, against today's code in the same run.

Run: ``.venv/bin/python bench/reports.py [--reporters 16] [--photos 8] [--duration 4] [--rounds 5]
[--baseline 31b1ba8]`` (needs the PostgreSQL server at 127.0.0.1:5432 with trust auth, as the
tests do, and git to extract the baseline's code).

What it does, all in throw-away places that are removed afterwards (also on Ctrl-C or an error):

1. creates a uniquely named PostgreSQL database with the project's migrations, loads the shipped
   campaign (the focus problems a report is filed under), and seeds a bureau, one school with a
   campus circle, its safety officer (told of every report) and R teachers, each with a login
   session and 2 x N photos uploaded through the real ``upload_photo`` (processed, stored in a
   local store, rows as in production): N for each server;
2. extracts "today's code" (``--baseline``, main before issue 13's speed work) with
   ``git archive`` into a temporary directory, starts the fake WeChat in its own process (each
   report's description goes through WeChat's text check, which it passes) and two gunicorns
   (``-k gthread``) on free loopback ports: the current code, and today's code run from its
   extracted tree on the same database (the current schema is a superset of the one it knew),
   media store and fake WeChat; today's must answer ``/healthz`` and one create first;
3. drives ``POST /api/v1/hazards`` with the mini-program's body (a fresh client UUID, one of the
   teacher's photos, on campus) from C keep-alive connections for D seconds on the current code,
   then on today's, then ``GET /healthz`` on the current server, R times over (the Python load
   generator of ``bench/acks.py`` for all three, so the ratios compare like with like);
4. prints the per-request time of a create (1 / rate at fixed concurrency) on either code as a
   ratio to ``/healthz``'s (medians over the R rounds), the target figure -- the median over the
   rounds of (create time now / create time on today's code) -- and the SQL statements one create
   runs (in-process, test client).

Without git or the baseline commit, or when today's code does not start or create, the run falls
back to a create/``/healthz`` ratio recorded earlier under another load
(``TODAY_CREATE_VS_HEALTHZ``) and says so loudly: that comparison swings with the machine's load.

Figures only: the target is reported met or MISSED through ``bench/targets.py``, never asserted.
"""

from __future__ import annotations

import argparse
import io
import json
import os
import signal
import statistics
import subprocess
import sys
import tempfile
import time
import uuid
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from acks import (
    ROOT,
    SECRET_KEY,
    TOKEN_SALT,
    clean_up,
    closed_loop,
    create_database,
    free_port,
    http_request,
    make_app,
    migrate,
    show_run,
    start_gunicorn,
    stop_gunicorn,
    tail,
    wait_healthy,
)
from targets import check

# Only the fallback when today's code cannot run beside the current one: create time / /healthz
# time before this work (main at 8191918: 27 statements per create), measured 2026-11-29
# ~21:00 UTC with this file at its defaults (8 connections, gunicorn 2 workers x 4 threads,
# 5 pairs of 4 s) on the shared 2-core machine, 3 runs: 22.20, 21.20, 27.70 -> the median.
TODAY_CREATE_VS_HEALTHZ = 22.2
TARGET_SHARE = 0.8
BASELINE_REV = "31b1ba8"  # main before issue 13's speed work: "today's code"
APPID, SECRET = "wx-bench-appid", "bench-app-secret"  # bench/acks.py configures the app so
# On campus: the school's campus circle is centred here (GCJ-02), 300 m across.
CAMPUS = {"lat": 33.7712, "lng": 116.9588, "coord_system": "gcj02"}
FOCUS = "fire.utilities"


def parse_args() -> argparse.Namespace:
    """Command-line options (defaults keep a run to about a minute)."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--reporters", type=int, default=16, help="teachers who report")
    parser.add_argument("--photos", type=int, default=8, help="photos uploaded per teacher")
    parser.add_argument("--duration", type=int, default=4, help="seconds per measured load")
    parser.add_argument("--rounds", type=int, default=5, help="create/healthz load pairs")
    parser.add_argument("--connections", type=int, default=8, help="concurrent connections")
    parser.add_argument("--workers", type=int, default=2, help="gunicorn worker processes")
    parser.add_argument("--threads", type=int, default=4, help="gunicorn threads per worker")
    parser.add_argument(
        "--baseline", default=BASELINE_REV, help="git revision of today's code to compare with"
    )
    args = parser.parse_args()
    args.pool_size = args.threads
    return args


def start_fake_wechat(port: int) -> subprocess.Popen:
    """The fake WeChat server in its own process (every text passes its check)."""
    script = f"""
import time
from server.wechat.fake import FakeWeChatServer
FakeWeChatServer({APPID!r}, {SECRET!r}, port={port}).start()
print("ready", flush=True)
while True:
    time.sleep(3600)
"""
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    proc = subprocess.Popen(
        [sys.executable, "-c", script], stdout=subprocess.PIPE, env=env, cwd=ROOT, text=True
    )
    if proc.stdout.readline().strip() != "ready":
        raise RuntimeError("the fake WeChat server did not start")
    return proc


def jpeg(seed: int) -> bytes:
    """A small photo, different for every seed (uploads are deduplicated by content)."""
    from PIL import Image

    image = Image.new("RGB", (320, 240), (seed * 37 % 256, seed * 91 % 256, seed * 13 % 256))
    image.putpixel((seed % 320, seed // 320 % 240), (255, 255, 255))
    out = io.BytesIO()
    image.save(out, "JPEG", quality=80)
    return out.getvalue()


def seed(app, reporters: int, photos: int) -> dict:
    """The campaign, the school and its people, and every teacher's photos; returns the school
    id and, per teacher, (bearer token, photo ids); callers split a teacher's photos between the
    servers."""
    from sqlalchemy import select

    from server.extensions import db
    from server.models import RoleGrant, User
    from server.services.campaigns import CAMPAIGN_DIR, load_campaign, read_campaign_file
    from server.services.photos import upload_photo
    from server.services.units import add_unit

    with app.app_context():
        for path in sorted(CAMPAIGN_DIR.glob("*.json")):
            load_campaign(read_campaign_file(path))
        db.session.commit()
        db.session.remove()
    with app.app_context():
        app.extensions["store"].ensure_ready()
        bureau = add_unit("BENCH-B", "基准区教育体育局", "bureau", "public", None)
        school = add_unit("BENCH-S0001", "基准第一小学", "school", "public", bureau)
        school.campus_coord_system = CAMPUS["coord_system"]
        school.campus_center_lat, school.campus_center_lng = CAMPUS["lat"], CAMPUS["lng"]
        school.campus_radius_m = 150.0
        officer = User(openid="bench-officer", display_name="安全办主任", is_active=True)
        db.session.add(officer)
        db.session.flush()
        db.session.add(RoleGrant(user_id=officer.id, role="school_admin", unit_id=school.id))
        db.session.commit()
        school_id = school.id
        db.session.remove()
    people = add_teachers(app, school_id, reporters)
    result = []
    with app.app_context():
        for k, (token, openid) in enumerate(people):
            user = db.session.scalars(select(User).where(User.openid == openid)).one()
            ids = []
            for j in range(photos):
                photo, _ = upload_photo(
                    user, io.BytesIO(jpeg(k * photos + j)), "photo.jpg", "image/jpeg"
                )
                ids.append(photo.id)
            result.append((token, ids))
        db.session.remove()
    return {"school_id": school_id, "reporters": result}


def add_teachers(app, school_id: int, count: int) -> list[tuple[str, str]]:
    """``count`` teachers of the school with login sessions: (bearer token, openid)."""
    import secrets
    from datetime import timedelta

    from itsdangerous import URLSafeSerializer

    from server.extensions import db
    from server.models import AuthSession, RoleGrant, User, utcnow

    serializer = URLSafeSerializer(SECRET_KEY, salt=TOKEN_SALT)
    made = []
    with app.app_context():
        now = utcnow()
        for i in range(count):
            user = User(
                openid=f"bench-reporter-{i:04d}", display_name=f"教师{i:04d}", is_active=True
            )
            db.session.add(user)
            db.session.flush()
            db.session.add(RoleGrant(user_id=user.id, role="teacher", unit_id=school_id))
            sid = secrets.token_hex(16)
            db.session.add(
                AuthSession(
                    id=sid, user_id=user.id, expires_at=now + timedelta(days=1),
                    client_ip="127.0.0.1",
                )
            )  # fmt: skip
            made.append((serializer.dumps({"sid": sid}), user.openid))
        db.session.commit()
        db.session.remove()
    return made


def body(school_id: int, photo_id: int) -> dict:
    """The mini-program's report (api/endpoints.js): a fresh UUID, one photo, on campus."""
    return {
        "client_uuid": str(uuid.uuid4()),
        "school_id": school_id,
        "focus_problem": FOCUS,
        "description": "配电箱门损坏,电线裸露,学生课间经过",
        "severity": "general",
        "lat": CAMPUS["lat"] + 0.0002,
        "lng": CAMPUS["lng"] - 0.0002,
        "accuracy": 12.5,
        "coord_system": CAMPUS["coord_system"],
        "photo_ids": [photo_id],
    }


def statements_per_create(app, school_id: int, reporter: tuple[str, list[int]]) -> int:
    """SQL statements one create runs in-process (test client, a cold session as a request
    has; BEGIN/COMMIT and the pool's pre-ping are not statements)."""
    from server.extensions import db
    from tests.support.statements import counted

    token, photos = reporter
    client = app.test_client()
    headers = {"Authorization": f"Bearer {token}"}
    with app.app_context():
        with counted() as seen:
            response = client.post(
                "/api/v1/hazards", json=body(school_id, photos[0]), headers=headers
            )
        db.session.remove()
        db.engine.dispose()
    if response.status_code != 201:
        raise RuntimeError(f"in-process create answered {response.status_code}: {response.text}")
    return len(seen)


def photo_share(seeded: dict, half: int) -> dict:
    """``seeded`` with each teacher's photos cut to one server's half (0 or 1), so neither
    server reuses a photo the other one reported with."""
    reporters = []
    for token, photos in seeded["reporters"]:
        middle = len(photos) // 2
        reporters.append((token, photos[:middle] if half == 0 else photos[middle:]))
    return {"school_id": seeded["school_id"], "reporters": reporters}


def extract_baseline(rev: str, dest: Path) -> str | None:
    """Extract ``rev``'s code tree into ``dest`` (``git archive | tar -x``); the reason it could
    not, or None."""
    try:
        archive = subprocess.Popen(
            ["git", "archive", rev], cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.PIPE
        )
        untar = subprocess.run(
            ["tar", "-x", "-C", str(dest)], stdin=archive.stdout, capture_output=True
        )
        archive.stdout.close()
        failure = archive.stderr.read().decode(errors="replace").strip()
        archive.wait()
    except OSError as exc:  # no git or tar on this machine
        return str(exc)
    if archive.returncode != 0:
        return f"git archive {rev} failed: {failure}"
    if untar.returncode != 0:
        return f"tar failed: {untar.stderr.decode(errors='replace').strip()}"
    return None


def start_baseline(args, url: str, tmp: Path, code: Path, wechat_url: str, seeded: dict):
    """gunicorn running today's code from ``code`` (gunicorn's ``--chdir``, through
    ``GUNICORN_CMD_ARGS``, so ``server`` is imported from there) on the same database, media
    store and fake WeChat; its own data directory (job queue) and log under ``tmp/before``.
    Returns (process, port, log), with ``process`` None and ``log`` the reason when it cannot
    answer /healthz and one create."""
    own = tmp / "before"
    own.mkdir()
    (own / "media").symlink_to(tmp / "media", target_is_directory=True)
    port = free_port()
    os.environ["GUNICORN_CMD_ARGS"] = f"--chdir {code}"
    try:
        process, log = start_gunicorn(args, url, own, port, wechat_url)
    finally:
        del os.environ["GUNICORN_CMD_ARGS"]
    try:
        wait_healthy(process, port, log)
    except RuntimeError as exc:
        stop_gunicorn(process)
        return None, port, f"today's code did not start: {exc}"
    if Path(os.readlink(f"/proc/{process.pid}/cwd")) != code:
        stop_gunicorn(process)
        return None, port, "today's gunicorn did not run from the extracted tree"
    token, photos = seeded["reporters"][0]
    status, answer = http_request(port, "POST", "/api/v1/hazards",
                                  body(seeded["school_id"], photos[-1]), token)  # fmt: skip
    if status != 201:
        stop_gunicorn(process)
        return None, port, f"today's code answered a create with {status}: {answer[:300]}"
    return process, port, log


def create_load(port: int, connections: int, duration: int, seeded: dict) -> dict:
    """Reports from ``connections`` connections: thread i reports as teachers i, i+C, ... in
    turn, each with their next photo (a teacher's photos are used again once all were)."""
    reporters, school_id = seeded["reporters"], seeded["school_id"]

    def request_for(i: int, n: int):
        mine = reporters[i::connections] or reporters
        token, photos = mine[n % len(mine)]
        photo = photos[(n // len(mine)) % len(photos)]
        headers = {"Authorization": f"Bearer {token}", "Content-Type": "application/json"}
        return "POST", "/api/v1/hazards", json.dumps(body(school_id, photo)), headers

    return closed_loop(port, connections, duration, request_for)


def healthz_load(port: int, connections: int, duration: int) -> dict:
    """``GET /healthz`` the same way: the baseline."""
    return closed_loop(port, connections, duration, lambda i, n: ("GET", "/healthz", None, {}))


def main() -> None:
    """Set up, measure, report, and always clean up."""
    args = parse_args()
    signal.signal(signal.SIGTERM, signal.default_int_handler)
    tmp = Path(tempfile.mkdtemp(prefix="bench-reports-")).resolve()
    os.environ["DATA_DIR"] = str(tmp)
    db_name = gunicorn = before = fake = None
    try:
        wechat_port = free_port()
        fake = start_fake_wechat(wechat_port)
        wechat_url = f"http://127.0.0.1:{wechat_port}/"
        started = time.monotonic()
        db_name, url = create_database()
        app = make_app(url, tmp, wechat_url)
        migrate(app)
        seeded = seed(app, args.reporters, 2 * args.photos)
        statements = statements_per_create(app, seeded["school_id"], seeded["reporters"][-1])
        print(
            f"setup: database {db_name}, {args.reporters} teachers x {2 * args.photos} photos "
            f"uploaded (half for each server), {time.monotonic() - started:.1f}s"
        )
        print(
            f"servers: gunicorn -w {args.workers} -k gthread --threads {args.threads} each; load: "
            f"Python threads, {args.connections} connections, {args.rounds} x {args.duration}s "
            f"per route"
        )
        print(f"SQL statements per create (in-process, BEGIN/COMMIT not counted): {statements}")

        port = free_port()
        gunicorn, log = start_gunicorn(args, url, tmp, port, wechat_url)
        wait_healthy(gunicorn, port, log)
        code = tmp / "baseline-code"
        code.mkdir()
        fallback = extract_baseline(args.baseline, code)
        if fallback is None:
            before, before_port, before_log = start_baseline(
                args, url, tmp, code, wechat_url, photo_share(seeded, 1)
            )
            if before is None:
                fallback = before_log
        if fallback:
            print(
                f"\n!!! FALLBACK: {fallback}\n!!! comparing with the recorded constant "
                f"{TODAY_CREATE_VS_HEALTHZ}x, measured under another load\n"
            )
        else:
            print(f"today's code: {args.baseline} from {code}, port {before_port}")
        mine, theirs = photo_share(seeded, 0), photo_share(seeded, 1)
        create_load(port, args.connections, 2, mine)  # warm-up: imports, pools, token
        if before is not None:
            create_load(before_port, args.connections, 2, theirs)
        healthz_load(port, args.connections, 1)
        creates, olds, healths = [], [], []
        for _ in range(args.rounds):
            creates.append(create_load(port, args.connections, args.duration, mine))
            if before is not None:
                olds.append(create_load(before_port, args.connections, args.duration, theirs))
            healths.append(healthz_load(port, args.connections, args.duration))
        stop_gunicorn(gunicorn)
        tracebacks = log.read_text(errors="replace").count("Traceback")
        if before is not None:
            stop_gunicorn(before)
            old_tracebacks = before_log.read_text(errors="replace").count("Traceback")
        report(args, statements, creates, olds, healths, fallback)
        print(f"tracebacks in the gunicorn logs: {tracebacks} now", end="")
        print(f", {old_tracebacks} today's code" if before is not None else "")
        if tracebacks:
            print(tail(log))
    finally:
        if fake is not None:
            fake.terminate()
            fake.wait(timeout=10)
        if before is not None:
            stop_gunicorn(before)
        clean_up(db_name, tmp, gunicorn)


def report(args, statements: int, creates: list, olds: list, healths: list, fallback) -> None:
    """Print every round and the medians, and check the target: in the same run, the median of
    the rounds' (create time now / create time on today's code); on fallback, the ratio to
    /healthz as a share of the recorded constant."""
    print()
    for k, (created, health) in enumerate(zip(creates, healths, strict=True)):
        show_run("create now", created)
        if olds:
            show_run("create today", olds[k])
        show_run("/healthz", health)
    # Each round ran back to back, under about the same load from the rest of the machine:
    # the median of the rounds' ratios is steadier than a ratio of totals.
    now = statistics.median(h["rps"] / c["rps"] for c, h in zip(creates, healths, strict=True))
    errors = sum(r["non2xx"] + r["socket_errors"] for r in creates + olds)
    print()
    shape = f"1/rate at {args.connections} connections, median of {args.rounds} rounds"
    if fallback:
        figure = now / TODAY_CREATE_VS_HEALTHZ
        print(
            f"create time as a ratio of /healthz time ({shape}): {now:.2f}x now, "
            f"{TODAY_CREATE_VS_HEALTHZ:.2f}x before (FALLBACK constant); errors {errors}"
        )
        target = "create time vs /healthz, as a share of today's (FALLBACK: recorded constant)"
        detail = (
            f"FALLBACK ({fallback}): {now:.2f}x /healthz now vs the recorded "
            f"{TODAY_CREATE_VS_HEALTHZ}x; {statements} statements per create"
        )
    else:
        old = statistics.median(h["rps"] / o["rps"] for o, h in zip(olds, healths, strict=True))
        figure = statistics.median(o["rps"] / c["rps"] for c, o in zip(creates, olds, strict=True))
        print(
            f"create time as a ratio of /healthz time ({shape}): {now:.2f}x now, {old:.2f}x "
            f"today's code ({args.baseline}, same run); errors {errors}"
        )
        print(f"create time now / today's, median of the rounds' ratios: {figure:.2f}")
        target = "create time now vs today's code (same run)"
        detail = (
            f"{now:.2f}x /healthz now, {old:.2f}x on {args.baseline} in the same run; "
            f"{statements} statements per create"
        )
    check("reports", target, figure, TARGET_SHARE, at_least=False, detail=detail)


if __name__ == "__main__":
    try:
        main()
    except KeyboardInterrupt:
        print("interrupted: gunicorn and the fake WeChat stopped, database dropped")
        sys.exit(130)
