"""A read replica (``DATABASE_REPLICA_URL``) serves the figures, the evaluation's measured counts
and the exports' tables; writes, the token check and everything else stay on the primary.

The "replica" here is a second engine on the same database, with its own connections, so it
sees only what the primary committed (as a streaming replica does) and its statements can be
told apart from the primary's.
"""

from __future__ import annotations

import pytest
from sqlalchemy import create_engine, event, func, select, update

from server.config import ConfigError, load_settings
from server.extensions import db
from server.models import ExportJob, Unit
from server.models.exports import DONE
from server.read_replica import REPLICA_BIND, replica_reads
from tests.evaluation.scenario import YEAR
from tests.evaluation.scenario import build as build_known_year
from tests.hazards.conftest import unit_by_code


class Statements:
    """The SQL statements run on one engine, lower-cased."""

    def __init__(self, engine):
        self.seen: list[str] = []
        event.listen(engine, "before_cursor_execute", self._record)

    def _record(self, conn, cursor, statement, *args):
        self.seen.append(statement.lower())

    def clear(self) -> None:
        """Forget what was seen so far."""
        self.seen.clear()

    def touching(self, table: str) -> list[str]:
        """The statements that name ``table``."""
        return [s for s in self.seen if f" {table}" in s]


@pytest.fixture
def replica(app, monkeypatch):
    """A replica engine bound as the app's ``replica``; yields (replica, primary) statements."""
    engine = create_engine(app.config["SQLALCHEMY_DATABASE_URI"])
    monkeypatch.setitem(db.engines, REPLICA_BIND, engine)
    on_replica, on_primary = Statements(engine), Statements(db.engines[None])
    yield on_replica, on_primary
    db.session.remove()  # give back the replica's connection before the engine goes
    engine.dispose()


def test_reads_go_to_the_replica_and_writes_to_the_primary(people, replica):
    on_replica, on_primary = replica
    school = unit_by_code("YQ101")
    with replica_reads():
        assert db.session.scalar(select(func.count(Unit.id))) > 0
        db.session.execute(update(Unit).where(Unit.id == school.id).values(name="改名学校"))
        with replica_reads():  # nested blocks leave the outer one in force
            pass
        assert db.session.scalar(select(Unit.name).where(Unit.id == school.id)) != "改名学校"
    db.session.commit()
    assert len(on_replica.touching("units")) == 2
    assert [s for s in on_primary.touching("units") if s.startswith("update")]
    # Outside a block, reads are the primary's again: the committed rename shows.
    on_replica.clear()
    assert db.session.scalar(select(Unit.name).where(Unit.id == school.id)) == "改名学校"
    assert on_replica.seen == []


def test_without_a_replica_a_block_reads_the_primary(people):
    with replica_reads():
        assert db.session.scalar(select(func.count(Unit.id))) > 0


def test_the_figures_are_read_from_the_replica(client, people, report, replica):
    on_replica, on_primary = replica
    report(people["teacher@own"])
    on_replica.clear(), on_primary.clear()
    response = client.get(
        "/api/v1/figures",
        query_string={"unit_id": unit_by_code("YQ100").id},
        headers=people["supervisor@above"],
    )
    assert response.status_code == 200, response.get_json()
    assert response.get_json()["totals"]["found"] == 1
    assert on_replica.touching("hazards"), "the hazard counts were not read from the replica"
    assert not on_primary.touching("hazards"), "the primary served the figures' scans"
    # The token check and the access decision are the primary's (a revoked token must fail now).
    assert on_primary.touching("auth_sessions")


def test_an_export_reads_its_table_from_the_replica(people, report, export, replica):
    on_replica, on_primary = replica
    report(people["teacher@own"])
    on_replica.clear(), on_primary.clear()
    job = export(people["school_admin@own"], "hazard_ledger", "csv", unit_by_code("YQ101").id)
    db.session.expire_all()
    assert db.session.get(ExportJob, job.get_json()["id"]).status == DONE
    assert on_replica.touching("hazards"), "the ledger was not read from the replica"
    assert not on_primary.touching("hazards")
    writes = [s for s in on_primary.touching("export_jobs") if s.startswith("update")]
    assert writes, "the job's claim and result were not written to the primary"
    assert not [s for s in on_replica.seen if s.startswith(("update", "insert", "delete"))]


def test_the_evaluation_counts_on_the_replica_and_hand_scores_on_the_primary(
    client, people, replica
):
    build_known_year()
    on_replica, on_primary = replica
    on_replica.clear(), on_primary.clear()
    response = client.get(
        "/api/v1/evaluation",
        query_string={"unit_id": unit_by_code("YQ000").id, "year": YEAR},
        headers=people["bureau_admin@above"],
    )
    assert response.status_code == 200, response.get_json()
    assert on_replica.touching("hazards") and on_replica.touching("notice_recipients")
    assert not on_primary.touching("hazards")
    # A hand score just saved must show at once: those are read from the primary.
    assert on_primary.touching("evaluation_scores")
    assert not on_replica.touching("evaluation_scores")


def test_the_setting_makes_a_replica_bind_for_postgresql_only(monkeypatch, tmp_path):
    monkeypatch.setenv("APP_ENV", "development")
    monkeypatch.setenv("DATA_DIR", str(tmp_path))
    monkeypatch.setenv("DATABASE_URL", "postgresql+psycopg://u@primary/safety")
    monkeypatch.setenv("DATABASE_REPLICA_URL", "postgresql+psycopg://u@replica/safety")
    settings = load_settings()
    assert settings["SQLALCHEMY_BINDS"][REPLICA_BIND]["url"].endswith("@replica/safety")
    assert settings["SQLALCHEMY_BINDS"][REPLICA_BIND]["pool_pre_ping"] is True
    monkeypatch.delenv("DATABASE_URL")
    with pytest.raises(ConfigError, match="DATABASE_REPLICA_URL"):
        load_settings()
    monkeypatch.delenv("DATABASE_REPLICA_URL")
    assert "SQLALCHEMY_BINDS" not in load_settings()
