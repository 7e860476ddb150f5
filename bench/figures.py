"""The supervision figures at district scale, on PostgreSQL.

Run: ``.venv/bin/python bench/figures.py [--schools 400 --centers 20 --pupils 250000
--hazards 50000 --days 250]`` (needs the PostgreSQL server at 127.0.0.1:5432 with trust auth, as
the tests do; without it the benchmark says so and skips). The defaults are the issue's district.

What it does, in a throw-away database that is dropped afterwards (also on Ctrl-C or an error):

1. generates a district for 2023 (the shipped campaign's year) with ``INSERT .. SELECT`` over
   ``generate_series`` in the database: a bureau, ``--centers`` center schools, ``--schools``
   schools under them, 12 classes a school, ``--pupils`` children with one parent each and two
   notices sent to all of them (a third acknowledged); per school a fire-patrol plan and a bus or
   water plan with a slot on each of ``--days`` weekdays (mostly done, some late, some missed;
   bus rounds with a failed item now and then); ``--hazards`` hazards over the year in every
   status, with plans, funds and deadlines (some past: overdue, some not);
2. times, best of five, the district's figures and one school's drill-down through the service
   (``server/services/figures.py``, the statements the API runs), each as a ratio to a plain
   ``SELECT count(*) FROM hazards`` timed the same way in the same run, and counts their
   statements;
3. times, best of five, one notice's completion for the whole district through the service the
   API uses (``server/services/notice_completion.py``) against a plain
   ``SELECT count(*) FROM notice_recipients WHERE notice_id = ..`` in the same run, and checks
   issue 13's target (at most 5x) with ``bench/targets.py``.

Figures as ratios to a baseline measured in the same run: no assertions; the one target is
reported met or MISSED.
"""

from __future__ import annotations

import argparse
import os
import signal
import sys
import tempfile
import time
from datetime import date
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
from acks import clean_up, create_database, make_app, migrate
from patrols import postgres_missing
from targets import check

YEAR_FROM, YEAR_TO = date(2023, 1, 1), date(2023, 12, 31)


def parse_args() -> argparse.Namespace:
    """Command-line options (defaults: the issue's district)."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--schools", type=int, default=400, help="schools in the district")
    parser.add_argument("--centers", type=int, default=20, help="center schools above them")
    parser.add_argument("--pupils", type=int, default=250_000, help="children on the rosters")
    parser.add_argument("--hazards", type=int, default=50_000, help="hazards over the year")
    parser.add_argument("--days", type=int, default=250, help="school days with patrol slots")
    parser.add_argument("--repeat", type=int, default=5, help="timings per figure (best kept)")
    return parser.parse_args()


# Each step is one INSERT .. SELECT; :name parameters come from the arguments. ``s`` numbers
# the schools 0..N-1 in id order (a CTE), so rows spread over them by a modulus.
SCHOOLS = (
    "WITH s AS (SELECT id, path, row_number() OVER (ORDER BY id) - 1 AS i"
    " FROM units WHERE kind = 'school')"
)
STEPS = [
    (
        "classes",
        f"""{SCHOOLS}
        INSERT INTO school_classes (school_id, name, grade, class_code, created_at)
        SELECT s.id, '班' || k, '年级', upper(lpad(to_hex(s.i * 12 + k), 6, '0')), now()
        FROM s, generate_series(0, 11) AS k""",
    ),
    (
        "parents",
        """INSERT INTO users (openid, display_name, is_active, created_at)
        SELECT 'bench-parent-' || n, '家长', true, now() FROM generate_series(1, :pupils) AS n""",
    ),
    (
        "children",
        """WITH c AS (SELECT id, row_number() OVER (ORDER BY id) - 1 AS i FROM school_classes),
        total AS (SELECT count(*) AS classes FROM school_classes)
        INSERT INTO children (class_id, name, created_at)
        SELECT c.id, '学生' || n, now()
        FROM generate_series(0, :pupils - 1) AS n, total, c WHERE c.i = n % total.classes""",
    ),
    (
        "notices",
        """INSERT INTO notices (author_id, unit_id, title, body, created_at, sent_at)
        SELECT :author, :bureau, '致家长的一封信' || k, '防溺水', now(),
               timestamptz '2023-05-10 09:00+08' + (k * interval '90 days')
        FROM generate_series(0, 1) AS k""",
    ),
    (
        "notice recipients",
        # The i-th child's parent is the i-th parent: both were numbered by one INSERT each, so
        # their ids run in step (arithmetic instead of numbering and joining 250,000 rows).
        """WITH b AS (SELECT (SELECT min(id) FROM users WHERE openid LIKE 'bench-parent-%') AS p0,
                            (SELECT min(id) FROM children) AS c0)
        INSERT INTO notice_recipients
            (notice_id, parent_id, child_id, class_id, unit_path, read_at, acknowledged_at)
        SELECT notices.id, b.p0 + children.id - b.c0, children.id, children.class_id, units.path,
               NULL, CASE WHEN (children.id - b.c0 + 1 + notices.id) % 3 = 0
                          THEN notices.sent_at + interval '1 hour' END
        FROM children JOIN school_classes ON school_classes.id = children.class_id
        JOIN units ON units.id = school_classes.school_id CROSS JOIN b CROSS JOIN notices""",
    ),
    (
        "checkpoints",
        f"""{SCHOOLS}
        INSERT INTO checkpoints (school_id, name, kind, lat, lng, coord_system, radius_m,
                                 template_codes, token, active, created_by_id, created_at)
        SELECT s.id, k, k, 33.77, 116.96, 'gcj02', 50, '[]', md5(s.id || k), true, :author, now()
        FROM s, unnest(ARRAY['place', CASE WHEN s.i % 2 = 0 THEN 'bus' ELSE 'water' END]) AS k""",
    ),
    (
        "plans",
        """INSERT INTO patrol_plans (school_id, name, template_code, assignee_user_id,
            recurrence, weekdays, window_start, window_end, remind_minutes_before,
            escalate_after_misses, active, managed_by, created_by_id, created_at)
        SELECT school_id, name, 'fire_daily', :author, 'school_days', '[]', '08:00', '09:00',
               30, 2, true, CASE WHEN kind = 'place' THEN NULL ELSE kind END, :author, now()
        FROM checkpoints ORDER BY id""",
    ),
    (
        "plan checkpoints",
        """INSERT INTO patrol_plan_checkpoints (plan_id, checkpoint_id)
        SELECT patrol_plans.id, checkpoints.id FROM patrol_plans
        JOIN checkpoints ON checkpoints.school_id = patrol_plans.school_id
         AND checkpoints.name = coalesce(patrol_plans.managed_by, 'place')""",
    ),
    (
        "slots",
        """WITH d AS (SELECT day::date AS day FROM generate_series(date '2023-01-02',
                        date '2023-12-31', interval '1 day') AS day
                      WHERE extract(isodow FROM day) < 6 LIMIT :days)
        INSERT INTO patrol_slots (plan_id, checkpoint_id, school_id, day, opens_at, closes_at,
                                  status, escalation_level)
        SELECT pc.plan_id, pc.checkpoint_id, pp.school_id, d.day,
               (d.day + time '08:00') AT TIME ZONE 'Asia/Shanghai',
               (d.day + time '09:00') AT TIME ZONE 'Asia/Shanghai',
               CASE WHEN h % 100 < 80 THEN 'done' WHEN h % 100 < 88 THEN 'late'
                    WHEN h % 100 < 98 THEN 'missed' ELSE 'open' END, 0
        FROM patrol_plan_checkpoints pc JOIN patrol_plans pp ON pp.id = pc.plan_id
        CROSS JOIN d
        CROSS JOIN LATERAL (SELECT abs(hashtext(pc.plan_id || '/' || d.day)) AS h) x""",
    ),
    (
        "bus rounds",
        """INSERT INTO patrols (client_uuid, content_digest, checkpoint_id, school_id,
            template_id, user_id, slot_id, lat, lng, accuracy_m, coord_system, distance_m,
            scanned_at, sent_at, received_at, flags)
        SELECT md5('p' || ps.id), md5('p' || ps.id), ps.checkpoint_id, ps.school_id, :template,
               :author, ps.id, 33.77, 116.96, 10, 'gcj02', 3, ps.opens_at, ps.opens_at,
               ps.opens_at, '[]'
        FROM patrol_slots ps JOIN patrol_plans pp ON pp.id = ps.plan_id
        WHERE pp.managed_by = 'bus' AND ps.status IN ('done', 'late')""",
    ),
    (
        "bus answers",
        """INSERT INTO patrol_answers (patrol_id, item_id, answer)
        SELECT id, :item, CASE WHEN id % 20 = 0 THEN 'fail' ELSE 'pass' END FROM patrols""",
    ),
    (
        "hazards",
        f"""{SCHOOLS}, f AS (SELECT id, row_number() OVER (ORDER BY id) - 1 AS i
                              FROM focus_problems),
        fc AS (SELECT count(*) AS n FROM focus_problems),
        g AS (SELECT n, (ARRAY['verified', 'verified', 'verified', 'verified', 'fixed_on_spot',
                               'closed', 'reported', 'planned', 'rectifying', 'fix_submitted'])
                         [1 + n % 10] AS status,
                     timestamptz '2023-01-01 08:00+08' + (n % 364) * interval '1 day'
                         + (n % 600) * interval '1 minute' AS reported_at
              FROM generate_series(0, :hazards - 1) AS n)
        INSERT INTO hazards (client_uuid, content_digest, school_id, reporter_id,
            focus_problem_id, description, severity, status, lat, lng, accuracy_m,
            coord_system, reported_at, responsible_person, deadline, measures, funds_yuan,
            contingency, closed_at, escalation_level)
        SELECT md5('h' || g.n), md5('h' || g.n), s.id, :author,
               CASE WHEN g.n % 50 = 0 THEN NULL ELSE f.id END, '隐患', 'general', g.status,
               33.77, 116.96, 10, 'gcj02', g.reported_at,
               CASE WHEN plan THEN '负责人' END,
               CASE WHEN plan THEN (g.reported_at::date
                    + CASE WHEN g.n % 7 = 0 THEN 1500 ELSE 10 END) END,
               CASE WHEN plan THEN '措施' END,
               CASE WHEN plan THEN (g.n % 5000) * 1.5 END,
               CASE WHEN plan THEN '预案' END,
               CASE WHEN g.status IN ('verified', 'fixed_on_spot', 'closed')
                    THEN g.reported_at + (1 + g.n % 30) * interval '7 hours' END, 0
        FROM g CROSS JOIN (SELECT count(*) AS schools FROM s) sc
        JOIN s ON s.i = g.n % sc.schools
        CROSS JOIN fc JOIN f ON f.i = (g.n / 7) % fc.n
        CROSS JOIN LATERAL (SELECT g.status IN ('verified', 'planned', 'rectifying',
                                                'fix_submitted') AS plan) x""",
    ),
]


def seed(app, args) -> dict:
    """Units and the admin in Python (a few hundred rows), the rest in the database; returns
    the ids the measurements need."""
    from sqlalchemy import select, text

    from server.extensions import db
    from server.models import RoleGrant, User
    from server.models.patrols import ChecklistItem, ChecklistTemplate
    from server.services.campaigns import CAMPAIGN_DIR, load_campaign, read_campaign_file
    from server.services.checklists import load_checklists
    from server.services.units import add_unit

    with app.app_context():
        load_campaign(read_campaign_file(CAMPAIGN_DIR / "2023-qiangjichu.json"))
        load_checklists()
        bureau = add_unit("BENCH-B", "基准区教育体育局", "bureau", "public", None)
        centers = [
            add_unit(f"BENCH-C{i:02d}", f"基准第{i + 1}中心校", "center_school", "public", bureau)
            for i in range(args.centers)
        ]
        schools = [
            add_unit(
                f"BENCH-S{i:04d}",
                f"基准第{i + 1}小学",
                "school",
                "public",
                centers[i % len(centers)],
            )
            for i in range(args.schools)
        ]
        admin = User(openid="bench-admin", display_name="局管理员")
        db.session.add(admin)
        db.session.flush()
        db.session.add(RoleGrant(user_id=admin.id, role="bureau_admin", unit_id=bureau.id))
        db.session.commit()
        template = db.session.scalars(
            select(ChecklistTemplate).where(ChecklistTemplate.code == "bus_pretrip")
        ).first()
        item = db.session.scalars(
            select(ChecklistItem.id).where(ChecklistItem.template_id == template.id)
        ).first()
        values = {
            "pupils": args.pupils,
            "hazards": args.hazards,
            "days": args.days,
            "author": admin.id,
            "bureau": bureau.id,
            "template": template.id,
            "item": item,
        }
        for name, statement in STEPS:
            started = time.perf_counter()
            used = {k: v for k, v in values.items() if f":{k}" in statement}
            # The rows are made from ids that exist, so the foreign-key triggers (two thirds of
            # an insert's time here) are off for the step, as with pg_restore --disable-triggers.
            db.session.execute(text("SET LOCAL session_replication_role = replica"))
            count = db.session.execute(text(statement), used).rowcount
            db.session.commit()
            print(f"  {name}: {count:,} rows in {time.perf_counter() - started:.1f}s", flush=True)
        # Statistics and the visibility map, as autovacuum leaves a table soon after a bulk
        # insert (index-only scans rely on the latter).
        db.session.commit()
        with db.engine.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
            conn.execute(text("VACUUM ANALYZE"))
        notice = db.session.scalar(text("SELECT min(id) FROM notices"))
        ids = {"admin": admin.id, "bureau": bureau.id, "school": schools[0].id, "notice": notice}
        db.session.remove()
        return ids


def best(fn, repeat: int) -> float:
    """The fastest of ``repeat`` calls, in seconds."""
    times = []
    for _ in range(repeat):
        started = time.perf_counter()
        fn()
        times.append(time.perf_counter() - started)
    return min(times)


def measure_completion(app, ids: dict, repeat: int) -> None:
    """Time one notice's completion for the whole district through the service the API uses,
    against a plain count of that notice's recipients; print both and check the target."""
    from sqlalchemy import text

    from server.extensions import db
    from server.models import User
    from server.services import notice_completion
    from tests.support.statements import counted

    with app.app_context():
        admin = db.session.get(User, ids["admin"])

        def completion():
            """The district's completion of the notice, broken down by center school."""
            return notice_completion.completion(admin, ids["notice"], ids["bureau"])

        def baseline():
            """A plain count of the notice's recipient rows."""
            return db.session.execute(
                text("SELECT count(*) FROM notice_recipients WHERE notice_id = :id"),
                {"id": ids["notice"]},
            ).scalar_one()

        rows = baseline()
        completion()  # warm the caches and the plans alike for both
        count_s = best(baseline, repeat)
        completion_s = best(completion, repeat)
        with counted() as seen:
            totals = completion()["totals"]
        ratio = completion_s / count_s
        print(
            f"\nnotice {ids['notice']}: {rows:,} recipient rows, {totals['reached']:,} children "
            f"reached, {totals['acknowledged']:,} acknowledged"
        )
        print(f"count(*) of its recipients: {count_s * 1000:.1f} ms (baseline)")
        print(
            f"its completion for the district: {completion_s * 1000:.0f} ms = {ratio:.1f}x "
            f"count(*), {len(seen)} statements"
        )
        check(
            "figures",
            "notice completion (district) vs count(*) of its recipients",
            ratio,
            5,
            at_least=False,
            detail=f"{completion_s * 1000:.0f} ms vs {count_s * 1000:.1f} ms, {rows:,} rows",
        )
        db.session.remove()


def measure(app, ids: dict, repeat: int) -> None:
    """Time the figures and the baseline; print them and the ratios."""
    from sqlalchemy import text

    from server.extensions import db
    from server.models import User, utcnow
    from server.services import figures
    from tests.support.statements import counted

    with app.app_context():
        admin = db.session.get(User, ids["admin"])
        now = utcnow()

        def district():
            """The district's figures for the year."""
            return figures.figures(admin, ids["bureau"], YEAR_FROM, YEAR_TO, now)

        def school():
            """One school's drill-down for the year."""
            return figures.figures(admin, ids["school"], YEAR_FROM, YEAR_TO, now)

        def baseline():
            """A plain count of the hazards."""
            return db.session.execute(text("SELECT count(*) FROM hazards")).scalar_one()

        hazards = baseline()
        district()  # warm the caches and the plans alike for every measurement
        school()
        count_s = best(baseline, repeat)
        district_s = best(district, repeat)
        school_s = best(school, repeat)
        with counted() as seen:
            result = district()
        statements = len(seen)
        with counted() as seen:
            school()
        totals = result["totals"]
        print(
            f"\nhazards {hazards:,}; district totals: found {totals['found']:,}, overdue "
            f"{totals['overdue']:,}, patrol slots due {totals['patrols']['due']:,}, bus trips "
            f"{totals['buses']['trips_due']:,}, water visits {totals['water']['due']:,}, "
            f"children x notices {totals['notices']['children_targeted']:,}; "
            f"{len(result['children'])} children units"
        )
        print(f"count(*) of the hazards: {count_s * 1000:.1f} ms (baseline)")
        print(
            f"district figures: {district_s * 1000:.0f} ms = {district_s / count_s:.1f}x count(*), "
            f"{statements} statements"
        )
        print(
            f"one school's drill-down: {school_s * 1000:.0f} ms = {school_s / count_s:.1f}x "
            f"count(*), {len(seen)} statements"
        )
        db.session.remove()


def main() -> None:
    """Set up, measure, report, and always clean up."""
    args = parse_args()
    reason = postgres_missing()
    if reason:
        print(f"skipped: PostgreSQL at 127.0.0.1:5432 is not reachable ({reason})")
        return
    signal.signal(signal.SIGTERM, signal.default_int_handler)
    tmp = Path(tempfile.mkdtemp(prefix="bench-figures-"))
    os.environ["DATA_DIR"] = str(tmp)
    db_name = None
    try:
        db_name, url = create_database()
        app = make_app(url, tmp)
        migrate(app)
        print(
            f"generating: {args.schools} schools under {args.centers} center schools, "
            f"{args.pupils:,} pupils, {args.days} school days, {args.hazards:,} hazards",
            flush=True,
        )
        started = time.perf_counter()
        ids = seed(app, args)
        print(f"generated in {time.perf_counter() - started:.0f}s")
        measure(app, ids, args.repeat)
        measure_completion(app, ids, args.repeat)
    finally:
        clean_up(db_name, tmp)


if __name__ == "__main__":
    try:
        main()
    except KeyboardInterrupt:
        print("interrupted: database dropped, temporary files removed")
        sys.exit(130)
