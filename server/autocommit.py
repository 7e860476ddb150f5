"""Autocommit for the hottest writes: routes whose whole write is one statement.

On PostgreSQL a statement outside a transaction block is a transaction of its own, atomic by
itself. A route whose only write is one statement (a parent's acknowledgment: one UPDATE with
its inbox UPDATE in the same ``WITH``) gains nothing from BEGIN and COMMIT but two round trips
to the server per request, each a wake-up of a thread and of a database backend: without them
``bench/acks.py`` measured about 14% more acknowledgments per second.
"""

from __future__ import annotations

import contextlib
from collections.abc import Callable
from functools import wraps
from typing import Any

import psycopg
from psycopg.pq import TransactionStatus

from server.extensions import db


def each_statement_commits(view: Callable[..., Any]) -> Callable[..., Any]:
    """Run ``view`` with the request's database connection in autocommit on PostgreSQL.

    Only for views whose writes are one statement: two statements would no longer commit
    together. Reads (the token check) see committed data, as they do in a READ COMMITTED
    transaction. The session's ``commit`` and ``rollback`` become no-ops on the server. The
    connection goes back to transactions before the view returns, so the pool never hands an
    autocommit connection to another request. Elsewhere (SQLite), and when this request already
    opened a transaction, the view runs as usual.
    """

    @wraps(view)
    def wrapped(*args: Any, **kwargs: Any) -> Any:
        connection = db.session.connection()  # checks a connection out (and pings it)
        if connection.dialect.name != "postgresql":
            return view(*args, **kwargs)
        raw = connection.connection.dbapi_connection
        if raw is None or raw.info.transaction_status != TransactionStatus.IDLE:
            return view(*args, **kwargs)
        raw.autocommit = True
        try:
            return view(*args, **kwargs)
        finally:
            _back_to_transactions(raw)

    return wrapped


def _back_to_transactions(raw: Any) -> None:
    """Turn autocommit off again; a connection that died meanwhile is discarded by the pool."""
    # Closed or broken: SQLAlchemy invalidates it rather than reusing it.
    with contextlib.suppress(psycopg.Error):
        raw.autocommit = False
