"""Counting the SQL statements a block of code runs (lists must load per page, not per row)."""

from __future__ import annotations

from contextlib import contextmanager

from sqlalchemy import event

from server.extensions import db


@contextmanager
def counted():
    """Count the SQL statements run inside the block."""
    seen: list[str] = []

    def listener(conn, cursor, statement, *args):
        seen.append(statement)

    engine = db.engine
    event.listen(engine, "before_cursor_execute", listener)
    try:
        yield seen
    finally:
        event.remove(engine, "before_cursor_execute", listener)
