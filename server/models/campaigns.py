"""The campaign as data: phases with dates, and the taxonomy of areas and focus problems."""

from __future__ import annotations

from datetime import date

from sqlalchemy import ForeignKey, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from server.extensions import db


class Campaign(db.Model):
    """A year's campaign (its file is loaded by ``flask campaign load``)."""

    __tablename__ = "campaigns"

    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(String(40), unique=True)
    name: Mapped[str] = mapped_column(String(200))
    year: Mapped[int]
    starts_on: Mapped[date]
    ends_on: Mapped[date]

    phases: Mapped[list[CampaignPhase]] = relationship(
        order_by="CampaignPhase.seq", cascade="all, delete-orphan"
    )
    areas: Mapped[list[Area]] = relationship(order_by="Area.seq", cascade="all, delete-orphan")


class CampaignPhase(db.Model):
    """One of the campaign's phases, with its inclusive dates."""

    __tablename__ = "campaign_phases"
    __table_args__ = (UniqueConstraint("campaign_id", "code"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    campaign_id: Mapped[int] = mapped_column(ForeignKey("campaigns.id"), index=True)
    seq: Mapped[int]
    code: Mapped[str] = mapped_column(String(40))
    name: Mapped[str] = mapped_column(String(100))
    description: Mapped[str] = mapped_column(String(500), default="")
    starts_on: Mapped[date]
    ends_on: Mapped[date]


class Area(db.Model):
    """A special action (fire safety, food safety...)."""

    __tablename__ = "areas"
    __table_args__ = (UniqueConstraint("campaign_id", "code"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    campaign_id: Mapped[int] = mapped_column(ForeignKey("campaigns.id"), index=True)
    seq: Mapped[int]
    code: Mapped[str] = mapped_column(String(40))
    name: Mapped[str] = mapped_column(String(100))

    focus_problems: Mapped[list[FocusProblem]] = relationship(
        order_by="FocusProblem.seq", cascade="all, delete-orphan", back_populates="area"
    )


class FocusProblem(db.Model):
    """One focus problem of an area; every hazard and checklist item is filed under one."""

    __tablename__ = "focus_problems"
    __table_args__ = (UniqueConstraint("area_id", "code"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    area_id: Mapped[int] = mapped_column(ForeignKey("areas.id"), index=True)
    seq: Mapped[int]
    code: Mapped[str] = mapped_column(String(60))
    name: Mapped[str] = mapped_column(String(200))

    area: Mapped[Area] = relationship(back_populates="focus_problems")
