"""Reads that may be served by a PostgreSQL read replica (``DATABASE_REPLICA_URL``).

The figures, the year-end evaluation and the exports read a whole district at once and can
live with data a few seconds old; pointing them at a streaming replica keeps those scans off
the primary, where the morning's acknowledgments and reports are written. Everything else,
and every write, stays on the primary.

The routing is done by the session itself (SQLAlchemy's documented ``get_bind`` hook): inside
:func:`replica_reads`, statements of the ordinary ``db.session`` go to the replica engine when
one is configured (the ``replica`` bind), except while the session flushes, so services keep
their usual ``db.session.execute`` calls. Without a replica the block changes nothing.

Only read-only requests open such a block: a write followed by a read of what it wrote (a
hand score saved, then the school's evaluation answered) must read the primary, or replication
lag could hide the write from its own writer. Inside a block, statements that write (INSERT,
UPDATE, DELETE: an export's progress, say) still go to the primary.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from flask_sqlalchemy.session import Session as FlaskSession

REPLICA_BIND = "replica"
_FLAG = "reads_from_replica"


class RoutingSession(FlaskSession):
    """Flask-SQLAlchemy's session, sending reads to the replica inside :func:`replica_reads`."""

    def get_bind(self, mapper: Any = None, clause: Any = None, bind: Any = None, **kwargs: Any):
        """The replica's engine for reads in a replica block, else the usual choice."""
        writes = clause is not None and getattr(clause, "is_dml", False)
        if bind is None and self.info.get(_FLAG) and not self._flushing and not writes:
            engine = self._db.engines.get(REPLICA_BIND)
            if engine is not None:
                return engine
        return super().get_bind(mapper=mapper, clause=clause, bind=bind, **kwargs)


@contextmanager
def replica_reads() -> Iterator[None]:
    """Within the block, the session's reads go to the replica when there is one (nestable)."""
    from server.extensions import db  # the session of the current app context

    session = db.session()
    before = session.info.get(_FLAG, False)
    session.info[_FLAG] = True
    try:
        yield
    finally:
        session.info[_FLAG] = before
