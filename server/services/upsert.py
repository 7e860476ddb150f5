"""Insert-if-absent (and insert-or-overwrite) for rows guarded by a unique constraint, on
PostgreSQL and SQLite.

Check-then-insert loses races: two requests both see no row, both insert, one fails. An
``INSERT ... ON CONFLICT DO NOTHING`` lets the database decide; on PostgreSQL the second insert
waits for the first transaction and then does nothing, so a read after it finds the row.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from sqlalchemy.dialects import postgresql, sqlite

from server.extensions import db

_INSERTS = {"postgresql": postgresql.insert, "sqlite": sqlite.insert}


def insert_if_absent(model: type, values: dict[str, Any], keys: Sequence[str]) -> bool:
    """Insert a row unless one with the same ``keys`` (a unique constraint) exists; True if
    this call inserted it. Python-side column defaults apply as for any Core insert."""
    dialect = db.session.get_bind().dialect.name
    statement = _INSERTS[dialect](model).values(**values)
    result = db.session.execute(statement.on_conflict_do_nothing(index_elements=list(keys)))
    return result.rowcount == 1


def upsert(model: type, values: dict[str, Any], keys: Sequence[str]) -> None:
    """Insert a row, or overwrite the other ``values`` of the row with the same ``keys`` (a
    unique constraint), in one statement: two writers at once never both insert, and the one
    that runs last is the one kept."""
    dialect = db.session.get_bind().dialect.name
    statement = _INSERTS[dialect](model).values(**values)
    changed = {name: statement.excluded[name] for name in values if name not in keys}
    db.session.execute(statement.on_conflict_do_update(index_elements=list(keys), set_=changed))
