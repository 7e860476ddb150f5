"""Supervision visits and accountability (issue 12; DESIGN.md §2 phase 2: "supervisors inspect
their schools, jointly with police and market supervision; slow or careless units are held to
account").

A visit is made by a supervising unit (the bureau or a center school) to schools below it, by a
team that may include people from outside the education system. An unannounced visit is an
ordinary visit that the visited schools do not see before its date. Each finding is a normal
hazard of the visited school, linked to the visit by ``SupervisionFinding`` (one visit per
hazard: the hazard id is unique). An accountability action (约谈, 通报) is recorded against a
unit, with the evidence that justified it.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from sqlalchemy import JSON, ForeignKey, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from server.extensions import db
from server.models.hazards import Hazard
from server.models.types import UTCDateTime, utcnow
from server.models.units import Unit
from server.models.users import User

PLANNED, DONE = "planned", "done"
VISIT_STATUSES = (PLANNED, DONE)
VISIT_STATUS_NAMES = {PLANNED: "计划中", DONE: "已完成"}
# Where a team member comes from; free text is accepted too (a township office, an expert).
ORGANISATIONS = ("教育局", "公安", "市场监管", "消防", "卫生", "其他")
INTERVIEW, NOTICE, OTHER = "interview", "notice", "other"
ACTION_KINDS = (INTERVIEW, NOTICE, OTHER)
ACTION_KIND_NAMES = {INTERVIEW: "约谈", NOTICE: "通报", OTHER: "其他"}


class SupervisionVisit(db.Model):
    """One inspection visit by a supervising unit to one or more schools below it."""

    __tablename__ = "supervision_visits"

    id: Mapped[int] = mapped_column(primary_key=True)
    # The visiting unit (bureau or center school); its visit.record holders keep the visit.
    unit_id: Mapped[int] = mapped_column(ForeignKey("units.id"), index=True)
    visit_date: Mapped[date] = mapped_column(index=True)
    title: Mapped[str] = mapped_column(String(100))
    # False: not shown to the visited schools before its date (暗访).
    announced: Mapped[bool]
    # [{name, organisation, role}], 1-20 members.
    team: Mapped[list[dict[str, Any]]] = mapped_column(JSON)
    what_checked: Mapped[str] = mapped_column(Text)
    report: Mapped[str | None] = mapped_column(Text)
    status: Mapped[str] = mapped_column(String(10), default=PLANNED)
    created_by_id: Mapped[int] = mapped_column(ForeignKey("users.id"), index=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)

    unit: Mapped[Unit] = relationship()
    created_by: Mapped[User] = relationship()
    schools: Mapped[list[SupervisionVisitSchool]] = relationship(
        back_populates="visit", order_by="SupervisionVisitSchool.school_id"
    )


class SupervisionVisitSchool(db.Model):
    """A school visited on a visit."""

    __tablename__ = "supervision_visit_schools"
    __table_args__ = (UniqueConstraint("visit_id", "school_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    visit_id: Mapped[int] = mapped_column(ForeignKey("supervision_visits.id"), index=True)
    school_id: Mapped[int] = mapped_column(ForeignKey("units.id"), index=True)

    visit: Mapped[SupervisionVisit] = relationship(back_populates="schools")
    school: Mapped[Unit] = relationship()


class SupervisionFinding(db.Model):
    """A hazard found on a visit; the hazard follows the normal lifecycle at its school."""

    __tablename__ = "supervision_findings"

    id: Mapped[int] = mapped_column(primary_key=True)
    visit_id: Mapped[int] = mapped_column(ForeignKey("supervision_visits.id"), index=True)
    # A hazard is found on one visit only.
    hazard_id: Mapped[int] = mapped_column(ForeignKey("hazards.id"), unique=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)

    hazard: Mapped[Hazard] = relationship()


class AccountabilityAction(db.Model):
    """An accountability action (约谈, 通报) recorded against a unit, with its evidence."""

    __tablename__ = "accountability_actions"

    id: Mapped[int] = mapped_column(primary_key=True)
    # The unit held to account.
    unit_id: Mapped[int] = mapped_column(ForeignKey("units.id"), index=True)
    kind: Mapped[str] = mapped_column(String(10))
    reason: Mapped[str] = mapped_column(Text)
    # What the careless/slow list showed when the action was taken (counts and ids).
    evidence: Mapped[dict[str, Any]] = mapped_column(JSON)
    visit_id: Mapped[int | None] = mapped_column(ForeignKey("supervision_visits.id"), index=True)
    created_by_id: Mapped[int] = mapped_column(ForeignKey("users.id"), index=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)

    unit: Mapped[Unit] = relationship()
    created_by: Mapped[User] = relationship()
