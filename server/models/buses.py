"""School buses (校车, DESIGN.md §2 area 3): each bus a school runs, the schools it serves, its
drivers with their licences, its trips of the day, and the hazards its documents raised.

A bus is inspected through its checkpoint (``Checkpoint.kind == "bus"``): a sticker inside the
bus, no position check (a bus moves). Each trip keeps one patrol plan of its own (``managed_by
"bus"``) whose window is the 90 minutes before departure, so the patrol engine's slots, rounds,
missed detection and hazards from fails work on buses unchanged.
"""

from __future__ import annotations

from datetime import date, datetime, time

from sqlalchemy import ForeignKey, Index, String, UniqueConstraint, text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from server.extensions import db
from server.models.patrols import Checkpoint, PatrolPlan
from server.models.types import UTCDateTime, utcnow
from server.models.units import Unit

# A bus's trips of the day and their fixed names (1-3 a bus, each code once).
TRIP_CODES = ("morning", "noon", "afternoon")
TRIP_NAMES = {"morning": "早班", "noon": "午班", "afternoon": "晚班"}
# What a document hazard is about: the operator's safety agreement, or a driver's licence.
AGREEMENT, LICENCE = "agreement", "licence"
DOCUMENT_SUBJECTS = (AGREEMENT, LICENCE)


class SchoolBus(db.Model):
    """One school bus, registered by the school that runs it; its sticker, name and active flag
    live on its checkpoint too (made and kept together)."""

    __tablename__ = "school_buses"
    __table_args__ = (
        # A plate is one bus at a time; a retired bus's plate may be registered again.
        Index(
            "uq_school_buses_active_plate",
            "plate",
            unique=True,
            sqlite_where=text("active"),
            postgresql_where=text("active"),
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    school_id: Mapped[int] = mapped_column(ForeignKey("units.id"), index=True)
    checkpoint_id: Mapped[int] = mapped_column(ForeignKey("checkpoints.id"), unique=True)
    plate: Mapped[str] = mapped_column(String(12))
    seats: Mapped[int]
    operator: Mapped[str] = mapped_column(String(60))
    # The safety agreement with the operator (安全管理责任书) and when it ends.
    agreement_number: Mapped[str | None] = mapped_column(String(40))
    agreement_expires_on: Mapped[date | None]
    # The smart video-monitoring alarm device fitted (model), null when none is.
    video_alarm_device: Mapped[str | None] = mapped_column(String(60))
    route: Mapped[str | None] = mapped_column(String(200))
    active: Mapped[bool] = mapped_column(default=True)
    created_by_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)

    school: Mapped[Unit] = relationship()
    checkpoint: Mapped[Checkpoint] = relationship()
    schools: Mapped[list[Unit]] = relationship(
        secondary="bus_schools", order_by="Unit.id", viewonly=True
    )
    drivers: Mapped[list[BusDriver]] = relationship(order_by="BusDriver.position", viewonly=True)
    trips: Mapped[list[BusTrip]] = relationship(order_by="BusTrip.departs_at", viewonly=True)


class BusSchool(db.Model):
    """A school the bus serves (its pupils ride it); the running school is always one."""

    __tablename__ = "bus_schools"

    bus_id: Mapped[int] = mapped_column(ForeignKey("school_buses.id"), primary_key=True)
    school_id: Mapped[int] = mapped_column(ForeignKey("units.id"), primary_key=True, index=True)


class BusDriver(db.Model):
    """A driver of the bus and their licence (often without an account here)."""

    __tablename__ = "bus_drivers"

    id: Mapped[int] = mapped_column(primary_key=True)
    bus_id: Mapped[int] = mapped_column(ForeignKey("school_buses.id"), index=True)
    position: Mapped[int]
    name: Mapped[str] = mapped_column(String(30))
    phone: Mapped[str | None] = mapped_column(String(20))
    licence_no: Mapped[str | None] = mapped_column(String(30))
    licence_expires_on: Mapped[date]


class BusTrip(db.Model):
    """A trip of the bus each school day, inspected before it leaves; its plan makes the slots."""

    __tablename__ = "bus_trips"
    __table_args__ = (UniqueConstraint("bus_id", "code"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    bus_id: Mapped[int] = mapped_column(ForeignKey("school_buses.id"), index=True)
    code: Mapped[str] = mapped_column(String(10))
    # Local (China) time of departure; the inspection window ends here.
    departs_at: Mapped[time]
    plan_id: Mapped[int] = mapped_column(ForeignKey("patrol_plans.id"), unique=True)

    plan: Mapped[PatrolPlan] = relationship()


class BusDocumentHazard(db.Model):
    """The hazard an expiring or expired document raised: one per subject and expiry date, so
    the daily job raises it once, and again only for a renewed document's new date."""

    __tablename__ = "bus_document_hazards"
    __table_args__ = (UniqueConstraint("subject", "subject_id", "expires_on"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    # "agreement": subject_id is the bus; "licence": the driver.
    subject: Mapped[str] = mapped_column(String(10))
    subject_id: Mapped[int]
    expires_on: Mapped[date]
    # Set in the claim's own transaction (the claim is inserted first, then its hazard).
    hazard_id: Mapped[int | None] = mapped_column(ForeignKey("hazards.id"), index=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
