"""``each_statement_commits``: on PostgreSQL the view's statements commit one by one, and the
connection goes back to transactions before anyone else gets it; elsewhere nothing changes."""

from __future__ import annotations

import pytest
from sqlalchemy import text

from server.autocommit import each_statement_commits
from server.extensions import db


def _raw():
    """The DBAPI connection under this request's session."""
    return db.session.connection().connection.dbapi_connection


def test_statements_commit_alone_and_the_connection_goes_back(app):
    postgres = db.session.get_bind().dialect.name == "postgresql"
    seen = {}

    @each_statement_commits
    def view(fail: bool):
        """Write one row in a statement of its own, then fail or not."""
        seen["autocommit"] = getattr(_raw(), "autocommit", None)
        db.session.execute(text("INSERT INTO marks VALUES (1)"))
        if fail:
            raise RuntimeError("the view failed after its statement")
        return "ok"

    with app.test_request_context():
        db.session.execute(text("CREATE TABLE marks (n integer)"))
        db.session.commit()
        try:
            with pytest.raises(RuntimeError):
                view(True)
            db.session.rollback()
            kept = db.session.execute(text("SELECT count(*) FROM marks")).scalar_one()
            if postgres:
                assert seen["autocommit"] is True
                assert _raw().autocommit is False  # back to transactions, even after an error
                assert kept == 1  # the statement was its own transaction: the rollback kept it
            else:
                assert kept == 0  # SQLite: an ordinary transaction, rolled back
        finally:
            db.session.rollback()
            db.session.execute(text("DROP TABLE marks"))
            db.session.commit()
            db.session.remove()


def test_a_request_that_already_began_keeps_its_transaction(app):
    @each_statement_commits
    def view():
        """Report the connection's mode."""
        return getattr(_raw(), "autocommit", None)

    with app.test_request_context():
        db.session.execute(text("SELECT 1"))  # the transaction is open now
        assert view() in (False, None)  # not switched halfway through a transaction
        db.session.rollback()
        db.session.remove()
