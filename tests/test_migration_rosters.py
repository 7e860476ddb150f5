"""Migration 0008_rosters on existing data, on SQLite and PostgreSQL: existing children become
roster entries, existing bindings stay in force (approved), and one guardian's acknowledgment
becomes the child's."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from flask_migrate import downgrade, upgrade
from sqlalchemy import bindparam, text

from server import create_app
from server.extensions import db
from server.models.types import UTCDateTime
from tests.conftest import _overrides
from tests.support.databases import database_url_for

NOW = datetime(2026, 6, 1, 8, 0, tzinfo=UTC)
ROWS = [
    "INSERT INTO units (id, code, name, kind, ownership, path, created_at) "
    "VALUES (1, 'S1', '东城小学', 'school', 'public', '/1/', :t)",
    "INSERT INTO school_classes (id, school_id, name, grade, class_code, created_at) "
    "VALUES (1, 1, '一年级1班', '一年级', 'K7M2QX', :t)",
    "INSERT INTO users (id, openid, is_active, created_at) VALUES (1, 'mother', true, :t)",
    "INSERT INTO users (id, openid, is_active, created_at) VALUES (2, 'father', true, :t)",
    "INSERT INTO children (id, class_id, name, created_at) VALUES (1, 1, '张小明', :t)",
    "INSERT INTO parent_links (id, parent_id, child_id, relation, created_at) "
    "VALUES (1, 1, 1, 'mother', :t)",
    "INSERT INTO parent_links (id, parent_id, child_id, relation, created_at) "
    "VALUES (2, 2, 1, 'father', :t)",
    "INSERT INTO notices (id, author_id, unit_id, title, body, created_at, sent_at) "
    "VALUES (1, 1, 1, '通知', '内容', :t, :t)",
    "INSERT INTO notice_recipients (id, notice_id, parent_id, child_id, class_id, unit_path, "
    "read_at, acknowledged_at) VALUES (1, 1, 1, 1, 1, '/1/', :t, :t)",
    "INSERT INTO notice_recipients (id, notice_id, parent_id, child_id, class_id, unit_path) "
    "VALUES (2, 1, 2, 1, 1, '/1/')",
]


@pytest.mark.parametrize("kind", ["sqlite", "postgresql"])
def test_existing_bindings_and_acknowledgments_carry_over(kind, tmp_path):
    for url in database_url_for(kind, tmp_path):
        app = create_app(_overrides(url, tmp_path / "media", "http://x/"))
        with app.app_context():
            upgrade(revision="0006_access")
            with db.engine.begin() as conn:
                for statement in ROWS:
                    query = text(statement)
                    if ":t" in statement:
                        query = query.bindparams(bindparam("t", type_=UTCDateTime()))
                        conn.execute(query, {"t": NOW})
                    else:
                        conn.execute(query)
            upgrade(revision="0008_rosters")
            with db.engine.connect() as conn:
                links = conn.execute(text("SELECT status FROM parent_links ORDER BY id")).all()
                children = conn.execute(text("SELECT name, removed_at FROM children")).all()
                acks = conn.execute(
                    text("SELECT acknowledged_at IS NOT NULL FROM notice_recipients ORDER BY id")
                ).all()
            downgrade(revision="0006_access")  # and back, approved bindings kept
            with db.engine.connect() as conn:
                kept = conn.execute(text("SELECT count(*) FROM parent_links")).scalar()
            db.session.remove()
            db.engine.dispose()
        assert [row[0] for row in links] == ["approved", "approved"]
        assert [tuple(row) for row in children] == [("张小明", None)]
        assert [bool(row[0]) for row in acks] == [True, True]
        assert kept == 2
