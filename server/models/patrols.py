"""Patrol rounds (DESIGN.md §3 "Patrols and checklists"): checklist templates (versioned data),
a school's checkpoints with their QR tokens, patrol plans and their scheduled slots, and the
patrols themselves with an answer per item and photos as proof.

A template is identified by its ``code`` (``fire_daily``, ``water_point``, ``bus_pretrip``,
``perimeter_shift``); each change makes a new row (``version`` + 1) and a patrol keeps the row it
was filled against. A bureau or school adds its own items by making its own version of a code for
its units (``unit_id``); the template a checkpoint uses is the current version at the nearest unit
on its school's path, else the shipped one (``unit_id`` null).
"""

from __future__ import annotations

from datetime import date, datetime, time

from sqlalchemy import JSON, ForeignKey, Index, String, Text, UniqueConstraint, text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from server.extensions import db
from server.models.campaigns import FocusProblem
from server.models.hazards import Photo
from server.models.types import UTCDateTime, utcnow
from server.models.units import Unit
from server.models.users import User

# The kinds of rounds; the next issue adds pages for the last three on the same engine.
TEMPLATE_KINDS = ("fire", "water", "bus", "perimeter")
# An answer per item.
PASS, FAIL, NOT_APPLICABLE = "pass", "fail", "na"
ANSWERS = (PASS, FAIL, NOT_APPLICABLE)
# A slot's life: open until done or its window closes undone (missed); done late when the
# patrol came after the window but before the slot was marked missed.
SLOT_OPEN, SLOT_DONE, SLOT_LATE, SLOT_MISSED = "open", "done", "late", "missed"
SLOT_STATUSES = (SLOT_OPEN, SLOT_DONE, SLOT_LATE, SLOT_MISSED)
# How often a plan's slots come: every day, the school's school days (its calendar, when one is
# loaded; else Monday to Friday), chosen weekdays, or the water-point windows of the year's
# water schedule (several days each, tighter in the flood season and the summer holiday).
RECURRENCES = ("daily", "school_days", "weekdays", "water_season")
# What a checkpoint is: a place of a school (proved by its sticker and position), a dangerous
# water point near schools (no sticker: proved by the position near its point, line or polygon),
# or a school bus (proved by the sticker inside the bus; a bus moves, so no position check).
PLACE, WATER, BUS = "place", "water", "bus"
CHECKPOINT_KINDS = (PLACE, WATER, BUS)
# Plans kept by a registry rather than made by hand: a school's water-point visits, a bus's trip.
MANAGED_BY = ("water", "bus")


class ChecklistTemplate(db.Model):
    """One version of a checklist: the shipped one (``unit_id`` null) or a unit's own."""

    __tablename__ = "checklist_templates"
    __table_args__ = (
        UniqueConstraint("code", "unit_id", "version"),
        # One current version per (code, unit): two loads or two additions at once cannot both
        # make theirs current. Two partial indexes, since NULLs never collide in a UNIQUE key
        # (so the shipped templates, unit_id null, need their own).
        Index(
            "uq_checklist_templates_current_shipped",
            "code",
            unique=True,
            sqlite_where=text("unit_id IS NULL AND is_current"),
            postgresql_where=text("unit_id IS NULL AND is_current"),
        ),
        Index(
            "uq_checklist_templates_current_unit",
            "code",
            "unit_id",
            unique=True,
            sqlite_where=text("unit_id IS NOT NULL AND is_current"),
            postgresql_where=text("unit_id IS NOT NULL AND is_current"),
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(String(40), index=True)
    kind: Mapped[str] = mapped_column(String(20))
    name: Mapped[str] = mapped_column(String(100))
    version: Mapped[int] = mapped_column(default=1)
    # Null: shipped with the project (loaded by `flask checklists load`); else the unit whose
    # own version this is (it applies to the unit's schools).
    unit_id: Mapped[int | None] = mapped_column(ForeignKey("units.id"), index=True)
    # Only the newest version of a (code, unit) is current; older ones stay for old patrols.
    is_current: Mapped[bool] = mapped_column(default=True)
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)

    unit: Mapped[Unit | None] = relationship()
    items: Mapped[list[ChecklistItem]] = relationship(
        back_populates="template", order_by="ChecklistItem.position"
    )


class ChecklistItem(db.Model):
    """One thing to check, filed under a focus problem of the campaign."""

    __tablename__ = "checklist_items"
    __table_args__ = (UniqueConstraint("template_id", "code"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    template_id: Mapped[int] = mapped_column(ForeignKey("checklist_templates.id"), index=True)
    position: Mapped[int]
    code: Mapped[str] = mapped_column(String(40))
    text: Mapped[str] = mapped_column(String(200))
    # What to look at, in a sentence (shown under the item on the phone).
    hint: Mapped[str | None] = mapped_column(String(300))
    focus_problem_id: Mapped[int] = mapped_column(ForeignKey("focus_problems.id"))

    template: Mapped[ChecklistTemplate] = relationship(back_populates="items")
    focus_problem: Mapped[FocusProblem] = relationship()


class Checkpoint(db.Model):
    """A place of a school where a round is checked, proved by its QR sticker and position."""

    __tablename__ = "checkpoints"

    id: Mapped[int] = mapped_column(primary_key=True)
    school_id: Mapped[int] = mapped_column(ForeignKey("units.id"), index=True)
    name: Mapped[str] = mapped_column(String(60))
    kind: Mapped[str] = mapped_column(String(10), default=PLACE, server_default=PLACE)
    lat: Mapped[float]
    lng: Mapped[float]
    coord_system: Mapped[str] = mapped_column(String(10))
    radius_m: Mapped[int] = mapped_column(default=50)
    # A river bank or a pond's edge: {"type": "LineString" | "Polygon", "coordinates":
    # [[lat, lng], ...]} in ``coord_system``; presence is then within radius_m of the line, or
    # inside the polygon or within radius_m of its edge. Null: the circle around lat/lng.
    shape: Mapped[dict | None] = mapped_column(JSON)
    # The template codes checked here (``["fire_daily"]``).
    template_codes: Mapped[list[str]] = mapped_column(JSON, default=list)
    # What the QR code carries: unguessable, never a database id; replaced when a sticker is
    # lost (the old one goes to retired_checkpoint_tokens and stops working).
    token: Mapped[str] = mapped_column(String(64), unique=True)
    active: Mapped[bool] = mapped_column(default=True)
    created_by_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)

    school: Mapped[Unit] = relationship()


class RetiredCheckpointToken(db.Model):
    """A token that was replaced: scanning it says the sticker was replaced, not "unknown"."""

    __tablename__ = "retired_checkpoint_tokens"

    token: Mapped[str] = mapped_column(String(64), primary_key=True)
    checkpoint_id: Mapped[int] = mapped_column(ForeignKey("checkpoints.id"), index=True)
    retired_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)


class PatrolPlan(db.Model):
    """Who patrols which checkpoints of a school with which template, how often, by when."""

    __tablename__ = "patrol_plans"
    __table_args__ = (
        # One active water-visit plan per school: two water points registered at once for the
        # same school cannot both make one (the second's INSERT .. ON CONFLICT DO NOTHING finds
        # the first's and joins it, see ``services/water_plans.py``).
        Index(
            "uq_patrol_plans_water_school",
            "school_id",
            unique=True,
            sqlite_where=text("managed_by = 'water' AND active"),
            postgresql_where=text("managed_by = 'water' AND active"),
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    school_id: Mapped[int] = mapped_column(ForeignKey("units.id"), index=True)
    name: Mapped[str] = mapped_column(String(60))
    template_code: Mapped[str] = mapped_column(String(40))
    # A named person, or everyone holding a role at the school (one of the two).
    assignee_user_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"), index=True)
    assignee_role: Mapped[str | None] = mapped_column(String(30))
    recurrence: Mapped[str] = mapped_column(String(20))
    # For "weekdays": ISO weekdays, 1 = Monday ([1, 3, 5]).
    weekdays: Mapped[list[int]] = mapped_column(JSON, default=list)
    # The window, local (China) time: a slot opens at window_start and closes at window_end.
    window_start: Mapped[time]
    window_end: Mapped[time]
    # An optional season, "MM-DD" both ends (e.g. "05-01" to "09-30"); may wrap the new year.
    season_start: Mapped[str | None] = mapped_column(String(5))
    season_end: Mapped[str | None] = mapped_column(String(5))
    remind_minutes_before: Mapped[int] = mapped_column(default=30)
    # After this many missed slots in a row the school's safety officer is told, after twice as
    # many the supervisor above the school.
    escalate_after_misses: Mapped[int] = mapped_column(default=2)
    active: Mapped[bool] = mapped_column(default=True)
    # Null: made by hand on the plans page. "water" or "bus": kept by that registry (a school's
    # water-point visits, a bus's trip); the plans API neither lists nor edits it.
    managed_by: Mapped[str | None] = mapped_column(String(10))
    created_by_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)

    school: Mapped[Unit] = relationship()
    assignee: Mapped[User | None] = relationship(foreign_keys=[assignee_user_id])
    # In the order they were made (a stable order for the phone and the tests).
    checkpoints: Mapped[list[Checkpoint]] = relationship(
        secondary="patrol_plan_checkpoints", order_by="Checkpoint.id"
    )


class PatrolPlanCheckpoint(db.Model):
    """The checkpoints of a plan."""

    __tablename__ = "patrol_plan_checkpoints"

    plan_id: Mapped[int] = mapped_column(ForeignKey("patrol_plans.id"), primary_key=True)
    checkpoint_id: Mapped[int] = mapped_column(ForeignKey("checkpoints.id"), primary_key=True)


class PatrolSlot(db.Model):
    """One round due: a plan's checkpoint on a day, within the plan's window (the patrol that
    did it points here: ``Patrol.slot_id``, unique)."""

    __tablename__ = "patrol_slots"
    __table_args__ = (
        UniqueConstraint("plan_id", "checkpoint_id", "day"),
        Index("ix_patrol_slots_status_closes", "status", "closes_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    plan_id: Mapped[int] = mapped_column(ForeignKey("patrol_plans.id"), index=True)
    checkpoint_id: Mapped[int] = mapped_column(ForeignKey("checkpoints.id"), index=True)
    school_id: Mapped[int] = mapped_column(ForeignKey("units.id"), index=True)
    day: Mapped[date] = mapped_column(index=True)
    opens_at: Mapped[datetime] = mapped_column(UTCDateTime())
    closes_at: Mapped[datetime] = mapped_column(UTCDateTime())
    status: Mapped[str] = mapped_column(String(10), default=SLOT_OPEN)
    reminded_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    missed_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    # The escalation a run of misses reached at this slot: 1 the school's safety officer was
    # told, 2 the supervisor above the school (claimed by a conditional UPDATE: told once).
    escalation_level: Mapped[int] = mapped_column(default=0, server_default="0")

    plan: Mapped[PatrolPlan] = relationship()
    checkpoint: Mapped[Checkpoint] = relationship()


class Patrol(db.Model):
    """A round done: who, where (the phone's position), when scanned and sent and received,
    against which template version, with an answer per item."""

    __tablename__ = "patrols"

    id: Mapped[int] = mapped_column(primary_key=True)
    client_uuid: Mapped[str] = mapped_column(String(36), unique=True)
    content_digest: Mapped[str] = mapped_column(String(64))
    checkpoint_id: Mapped[int] = mapped_column(ForeignKey("checkpoints.id"), index=True)
    school_id: Mapped[int] = mapped_column(ForeignKey("units.id"), index=True)
    template_id: Mapped[int] = mapped_column(ForeignKey("checklist_templates.id"))
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"), index=True)
    slot_id: Mapped[int | None] = mapped_column(ForeignKey("patrol_slots.id"), unique=True)
    lat: Mapped[float]
    lng: Mapped[float]
    accuracy_m: Mapped[float]
    coord_system: Mapped[str] = mapped_column(String(10))
    distance_m: Mapped[float]
    # The phone's clock at the scan and at the send, and the server's on receipt: a round done
    # offline in time and sent later is a late submission, not a late patrol.
    scanned_at: Mapped[datetime] = mapped_column(UTCDateTime(), index=True)
    sent_at: Mapped[datetime] = mapped_column(UTCDateTime())
    received_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    # Findings for the supervisor: photos reused or taken before the scan, and the like.
    flags: Mapped[list[dict]] = mapped_column(JSON, default=list)

    checkpoint: Mapped[Checkpoint] = relationship()
    school: Mapped[Unit] = relationship()
    template: Mapped[ChecklistTemplate] = relationship()
    user: Mapped[User] = relationship()
    answers: Mapped[list[PatrolAnswer]] = relationship(
        back_populates="patrol", order_by="PatrolAnswer.id"
    )


class PatrolAnswer(db.Model):
    """Pass, fail or not applicable for one item; a fail has a note, photos and its hazard."""

    __tablename__ = "patrol_answers"
    __table_args__ = (UniqueConstraint("patrol_id", "item_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    patrol_id: Mapped[int] = mapped_column(ForeignKey("patrols.id"), index=True)
    item_id: Mapped[int] = mapped_column(ForeignKey("checklist_items.id"))
    answer: Mapped[str] = mapped_column(String(4))
    note: Mapped[str | None] = mapped_column(Text)
    hazard_id: Mapped[int | None] = mapped_column(ForeignKey("hazards.id"), index=True)

    patrol: Mapped[Patrol] = relationship(back_populates="answers")
    item: Mapped[ChecklistItem] = relationship()
    photos: Mapped[list[PatrolPhoto]] = relationship(order_by="PatrolPhoto.id")


class PatrolPhoto(db.Model):
    """A photo of a failed item (the photo row is owned through this foreign key)."""

    __tablename__ = "patrol_photos"

    id: Mapped[int] = mapped_column(primary_key=True)
    answer_id: Mapped[int] = mapped_column(ForeignKey("patrol_answers.id"), index=True)
    photo_id: Mapped[int] = mapped_column(ForeignKey("photos.id"), index=True)

    photo: Mapped[Photo] = relationship()
