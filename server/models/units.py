"""The organisation: bureau -> center schools / groups -> schools and kindergartens; classes."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import JSON, ForeignKey, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from server.extensions import db
from server.models.types import UTCDateTime, unit_path_type, utcnow


class Unit(db.Model):
    """One organisational unit. ``path`` is the materialised chain of ids (``/1/4/17/``), so
    "this unit and everything below it" is one indexed prefix match on any database."""

    __tablename__ = "units"

    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(String(32), unique=True)
    name: Mapped[str] = mapped_column(String(100))
    kind: Mapped[str] = mapped_column(String(20))
    ownership: Mapped[str] = mapped_column(String(10), default="public")
    parent_id: Mapped[int | None] = mapped_column(ForeignKey("units.id"), index=True)
    path: Mapped[str] = mapped_column(unit_path_type(), index=True, default="")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    # The campus boundary of a school: a polygon of [lat, lng] vertices, or a centre and a
    # radius, in the coordinate system it was drawn in (never mixed with another system).
    campus_coord_system: Mapped[str | None] = mapped_column(String(10))
    campus_polygon: Mapped[list[Any] | None] = mapped_column(JSON)
    campus_center_lat: Mapped[float | None]
    campus_center_lng: Mapped[float | None]
    campus_radius_m: Mapped[float | None]

    parent: Mapped[Unit | None] = relationship(remote_side=[id])
    classes: Mapped[list[SchoolClass]] = relationship(
        back_populates="school", order_by="SchoolClass.grade, SchoolClass.name"
    )

    def contains(self, other: Unit) -> bool:
        """True when ``other`` is this unit or lies below it."""
        return other.path.startswith(self.path)

    def ancestor_ids(self) -> list[int]:
        """The ids above this unit, nearest first (read from the path, no queries)."""
        ids = [int(part) for part in self.path.strip("/").split("/") if part]
        return list(reversed(ids[:-1]))

    def __repr__(self) -> str:
        return f"<Unit {self.code} {self.name}>"


class SchoolClass(db.Model):
    """A class at a school. Parents bind to a child here with the class code."""

    __tablename__ = "school_classes"
    __table_args__ = (UniqueConstraint("school_id", "name"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    school_id: Mapped[int] = mapped_column(ForeignKey("units.id"), index=True)
    name: Mapped[str] = mapped_column(String(50))
    grade: Mapped[str] = mapped_column(String(20), default="")
    class_code: Mapped[str] = mapped_column(String(6), unique=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)

    school: Mapped[Unit] = relationship(back_populates="classes")

    def __repr__(self) -> str:
        return f"<SchoolClass {self.school_id} {self.name}>"
