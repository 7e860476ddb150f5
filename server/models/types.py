"""Column types shared by the models."""

from __future__ import annotations

from datetime import UTC, datetime

from sqlalchemy import DateTime, String
from sqlalchemy.types import TypeDecorator


def utcnow() -> datetime:
    """The current time, timezone-aware in UTC."""
    return datetime.now(UTC)


class UTCDateTime(TypeDecorator):
    """Store UTC instants and always hand back aware datetimes.

    SQLite keeps no time zone, PostgreSQL does; normalising here means the services compare
    datetimes the same way on both.
    """

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect) -> datetime | None:
        """Refuse naive datetimes and convert aware ones to UTC."""
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("naive datetime given to a UTC column")
        value = value.astimezone(UTC)
        return value.replace(tzinfo=None) if dialect.name == "sqlite" else value

    def process_result_value(self, value: datetime | None, dialect) -> datetime | None:
        """Attach UTC to values read back (SQLite returns them naive)."""
        if value is None:
            return None
        if value.tzinfo is None:
            return value.replace(tzinfo=UTC)
        return value.astimezone(UTC)


def unit_path_type() -> String:
    """A unit path (``/1/4/17/``). On PostgreSQL it sorts and compares in the "C" collation, so a
    plain btree index on it serves the prefix match ``path LIKE '/1/4/%'`` (a linguistic collation
    cannot) and yields rows in the order ``GROUP BY path`` wants; paths are ASCII, so nothing
    a person reads changes order. SQLite compares bytes already."""
    return String(255).with_variant(String(255, collation="C"), "postgresql")
