"""The migrations build exactly the models' schema, on SQLite and on PostgreSQL."""

from __future__ import annotations

from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext

from server.extensions import db


def test_migrated_schema_matches_the_models(app):
    # The app fixture's database was built by `flask db upgrade`; any difference is a
    # model change without its migration.
    with db.engine.connect() as conn:
        context = MigrationContext.configure(conn, opts={"compare_type": True})
        diff = compare_metadata(context, db.metadata)
    assert diff == []


def test_demo_cli_and_login_code(runner, fake_wechat, client):
    assert "demo district created" in runner.invoke(args=["setup", "demo"]).output
    assert "already present" in runner.invoke(args=["demo", "seed"]).output
    result = runner.invoke(args=["demo", "login-code", "school_admin"])
    assert result.exit_code == 0, result.output
    code = result.output.strip().splitlines()[0]
    body = client.post("/api/v1/auth/login", json={"code": code}).get_json()
    headers = {"Authorization": f"Bearer {body['token']}"}
    me = client.get("/api/v1/me", headers=headers).get_json()
    assert [(g["role"], g["unit"]["code"]) for g in me["grants"]] == [("school_admin", "YQ101")]
    assert "invitation.create" in me["capabilities"]
    assert runner.invoke(args=["demo", "login-code", "emperor"]).exit_code != 0


def test_demo_use_maps_unknown_codes_to_a_persona(runner, client):
    runner.invoke(args=["setup", "demo"])
    assert runner.invoke(args=["demo", "use", "parent"]).exit_code == 0
    body = client.post("/api/v1/auth/login", json={"code": "devtools-real-code"}).get_json()
    me = client.get("/api/v1/me", headers={"Authorization": f"Bearer {body['token']}"}).get_json()
    assert [c["name"] for c in me["children"]] == ["张小明"]
