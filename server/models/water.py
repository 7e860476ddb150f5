"""Dangerous water points near schools (防溺水, DESIGN.md §2 area 4): what and where each is, the
measures in place, who looks after it, and the schools it concerns.

A water point is patrolled through its checkpoint (``Checkpoint.kind == "water"``): the patrol
engine's slots, rounds, missed detection and hazards work on it unchanged. It has no sticker
(a river bank has nowhere to keep one): a visit is proved by the phone's position within the
checkpoint's radius of its point, line or polygon, and by photos.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import JSON, ForeignKey, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from server.extensions import db
from server.models.patrols import Checkpoint
from server.models.types import UTCDateTime, utcnow
from server.models.units import Unit

WATER_KINDS = ("river", "pond", "reservoir", "ditch", "pit", "other")
WATER_KIND_NAMES = {
    "river": "河流",
    "pond": "池塘",
    "reservoir": "水库",
    "ditch": "沟渠",
    "pit": "坑塘",
    "other": "其他",
}
# The measures a point may have in place, each true or false.
MEASURES = ("warning_sign", "barrier", "life_buoy", "rope", "pole")
MEASURE_NAMES = {
    "warning_sign": "警示标志",
    "barrier": "护栏围挡",
    "life_buoy": "救生圈",
    "rope": "救生绳",
    "pole": "救生杆",
}


class WaterPoint(db.Model):
    """One dangerous water point; its name, position, shape, radius and active flag live on its
    checkpoint (one row per point, made and kept together)."""

    __tablename__ = "water_points"

    id: Mapped[int] = mapped_column(primary_key=True)
    checkpoint_id: Mapped[int] = mapped_column(ForeignKey("checkpoints.id"), unique=True)
    kind: Mapped[str] = mapped_column(String(12))
    # {"warning_sign": true, "barrier": false, ...}: every key of MEASURES.
    measures: Mapped[dict] = mapped_column(JSON, default=dict)
    # Who looks after it (管护责任人): often a village cadre without an account here.
    caretaker_name: Mapped[str | None] = mapped_column(String(30))
    caretaker_phone: Mapped[str | None] = mapped_column(String(20))
    note: Mapped[str | None] = mapped_column(Text)
    # The unit that registered it (a school, or a center school for its area's points).
    unit_id: Mapped[int] = mapped_column(ForeignKey("units.id"), index=True)
    created_by_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)

    checkpoint: Mapped[Checkpoint] = relationship()
    unit: Mapped[Unit] = relationship()
    schools: Mapped[list[Unit]] = relationship(
        secondary="water_point_schools", order_by="Unit.id", viewonly=True
    )


class WaterPointSchool(db.Model):
    """A school a water point concerns (its pupils pass or live near it); at least one."""

    __tablename__ = "water_point_schools"

    water_point_id: Mapped[int] = mapped_column(ForeignKey("water_points.id"), primary_key=True)
    school_id: Mapped[int] = mapped_column(ForeignKey("units.id"), primary_key=True, index=True)
