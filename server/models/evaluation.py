"""The year-end evaluation's hand scores: what an inspector gave a school for an item scored by
hand (the weights and the measured criteria come from ``server/data/evaluation/<year>.json``)."""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal

from sqlalchemy import ForeignKey, Numeric, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from server.extensions import db
from server.models.types import UTCDateTime, utcnow
from server.models.users import User


class EvaluationScore(db.Model):
    """One hand item's score of a school in a year; re-scoring overwrites it (the last one
    counts) and records who scored it and when."""

    __tablename__ = "evaluation_scores"
    __table_args__ = (UniqueConstraint("school_id", "year", "code"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    school_id: Mapped[int] = mapped_column(ForeignKey("units.id"), index=True)
    year: Mapped[int]
    code: Mapped[str] = mapped_column(String(20))
    score: Mapped[Decimal] = mapped_column(Numeric(5, 2))
    note: Mapped[str | None] = mapped_column(String(500))
    scored_by_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    scored_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)

    scored_by: Mapped[User] = relationship()
