"""On PostgreSQL, a notice's completion below a unit is read through the path index: the unit-path
prefix match is an index condition, not a filter over every recipient (EXPLAIN of the statements
the service runs). SQLite has no such plan to check."""

from __future__ import annotations

from contextlib import contextmanager

import pytest
from sqlalchemy import event, text

from server.extensions import db
from server.models import RoleGrant, User
from server.services import notice_completion
from server.services.units import add_class, add_unit

PATH_INDEXES = ("ix_notice_recipients_notice_path", "ix_notice_recipients_unit_path")
SCHOOLS, PUPILS_PER_SCHOOL = 20, 100


@contextmanager
def captured():
    """The (statement, parameters) pairs run inside the block, as the driver received them."""
    seen: list[tuple[str, object]] = []

    def listener(conn, cursor, statement, parameters, *args):
        seen.append((statement, parameters))

    event.listen(db.engine, "before_cursor_execute", listener)
    try:
        yield seen
    finally:
        event.remove(db.engine, "before_cursor_execute", listener)


def _district() -> tuple[User, object, object, int]:
    """A bureau over ``SCHOOLS`` schools of one class, ``PUPILS_PER_SCHOOL`` pupils each with a
    parent, two sent notices reaching all of them; returns (bureau admin, bureau, a school,
    the first notice's id)."""
    bureau = add_unit("PLAN-B", "计划区教育局", "bureau", "public", None)
    schools = [
        add_unit(f"PLAN-S{i:02d}", f"计划第{i + 1}小学", "school", "public", bureau)
        for i in range(SCHOOLS)
    ]
    for school in schools:
        add_class(school, "一年级1班", "一年级")
    admin = User(openid="plan-admin", display_name="局管理员")
    db.session.add(admin)
    db.session.flush()
    db.session.add(RoleGrant(user_id=admin.id, role="bureau_admin", unit_id=bureau.id))
    db.session.commit()
    pupils = {"pupils": SCHOOLS * PUPILS_PER_SCHOOL, "author": admin.id, "bureau": bureau.id}
    for statement in (
        "INSERT INTO users (openid, display_name, is_active, created_at) "
        "SELECT 'plan-parent-' || n, '家长', true, now() FROM generate_series(1, :pupils) n",
        "INSERT INTO children (class_id, name, created_at) "
        "SELECT c.id, '学生' || n, now() FROM generate_series(1, :pupils) n "
        "JOIN school_classes c ON c.id = (SELECT min(id) FROM school_classes) + n % 20",
        "INSERT INTO notices (author_id, unit_id, title, body, created_at, sent_at) "
        "SELECT :author, :bureau, '通知' || k, '防溺水', now(), now() FROM generate_series(1, 2) k",
        "INSERT INTO notice_recipients (notice_id, parent_id, child_id, class_id, unit_path, "
        "acknowledged_at) "
        "SELECT notices.id, users.id, children.id, children.class_id, units.path, "
        "CASE WHEN children.id % 3 = 0 THEN now() END "
        "FROM children JOIN users ON users.openid = 'plan-parent-' || "
        "(children.id - (SELECT min(id) FROM children) + 1) "
        "JOIN school_classes ON school_classes.id = children.class_id "
        "JOIN units ON units.id = school_classes.school_id CROSS JOIN notices",
    ):
        used = {k: v for k, v in pupils.items() if f":{k}" in statement}
        db.session.execute(text(statement), used)
    db.session.commit()
    # Statistics and the visibility map a long-lived table has (autovacuum keeps both).
    with db.engine.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
        conn.execute(text("VACUUM ANALYZE"))
    notice_id = db.session.scalar(text("SELECT min(id) FROM notices"))
    return admin, bureau, schools[0], notice_id


def _grouped_plans(user, notice_id, unit) -> list[str]:
    """EXPLAIN of each grouped statement over the recipients that completion runs for the unit."""
    with captured() as seen:
        result = notice_completion.completion(user, notice_id, unit.id)
    assert result["totals"]["reached"] > 0
    # A table this small is read whole more cheaply than through any index; with sequential
    # scans priced out, the plan shows which index the prefix match can use, as at scale.
    db.session.execute(text("SET LOCAL enable_seqscan = off"))
    plans = []
    for statement, parameters in seen:
        if "FROM notice_recipients" in statement and "GROUP BY" in statement:
            rows = db.session.connection().exec_driver_sql("EXPLAIN " + statement, parameters)
            plans.append("\n".join(row[0] for row in rows))
    return plans


def test_completion_reads_the_recipients_through_the_path_index(app):
    if db.engine.dialect.name != "postgresql":
        pytest.skip("EXPLAIN of PostgreSQL's plan: nothing to check on SQLite")
    admin, bureau, school, notice_id = _district()
    for unit in (school, bureau):
        plans = _grouped_plans(admin, notice_id, unit)
        assert len(plans) == 1, plans
        plan = plans[0]
        # The prefix is a range of an index on the path (an "Index Cond"), not a filter applied
        # to every row: the covering index, or the path's own for a school's few rows.
        assert "Seq Scan on notice_recipients" not in plan, plan
        assert any(index in plan for index in PATH_INDEXES), plan
        conditions = [
            line.replace("(", "").replace(")", "").replace("::text", "")
            for line in plan.splitlines()
            if "Index Cond" in line
        ]
        assert any("unit_path >=" in c and "unit_path <" in c for c in conditions), plan
