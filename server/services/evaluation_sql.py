"""The statements behind the year-end evaluation that the figures do not already have: hazards
rectified on time per school, findings of supervision visits per school, and for one school the
records behind its lost points (late and overdue hazards, missed slots per checkpoint, notices
not acknowledged, findings). Slots and notices per school come from ``figures_sql`` grouped by
school, so both read the same rules.

On time: fixed on the spot, or signed off before the end of the deadline's day (China time);
late: signed off after it; overdue: planned or rectifying past the deadline today. A hazard
still within its deadline (or awaiting sign-off) is not judged yet and counts nowhere.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from sqlalchemy import and_, case, extract, func, literal, or_, select

from server.extensions import db
from server.models import (
    Hazard,
    Notice,
    NoticeRecipient,
    SupervisionFinding,
    SupervisionVisit,
    Unit,
)
from server.models.hazards import CLOSED, FIXED_ON_SPOT, VERIFIED
from server.models.patrols import (
    FAIL,
    SLOT_DONE,
    SLOT_LATE,
    SLOT_MISSED,
    SLOT_OPEN,
    Checkpoint,
    Patrol,
    PatrolAnswer,
    PatrolPlan,
    PatrolSlot,
)
from server.services.escalation import OVERDUE_STATUSES

# The end of a deadline's day in China is 16:00 UTC of that date.
END_OF_DAY_SECONDS = 16 * 3600


def _count(condition) -> Any:
    """SUM(CASE WHEN condition THEN 1 ELSE 0 END), zero for no rows."""
    return func.coalesce(func.sum(case((condition, 1), else_=0)), 0)


def _signed_off_in_time() -> Any:
    """The hazard was closed before its deadline's day ended, China time (SQLite keeps instants
    as UTC text and dates as text: julianday reads both; PostgreSQL's epoch of a date is its
    nominal midnight)."""
    if db.engine.dialect.name == "sqlite":
        return func.julianday(Hazard.closed_at) < func.julianday(Hazard.deadline) + (
            END_OF_DAY_SECONDS / 86400.0
        )
    return extract("epoch", Hazard.closed_at) < extract("epoch", Hazard.deadline) + literal(
        END_OF_DAY_SECONDS
    )


def _judged(today: date) -> tuple[Any, Any, Any]:
    """(on time, late, overdue) conditions of a hazard."""
    in_time = _signed_off_in_time()
    on_time = or_(Hazard.status == FIXED_ON_SPOT, and_(Hazard.status == VERIFIED, in_time))
    late = and_(Hazard.status == VERIFIED, ~in_time)
    overdue = and_(Hazard.status.in_(OVERDUE_STATUSES), Hazard.deadline < today)
    return on_time, late, overdue


def _rectified_where(path: str, start: datetime, end: datetime) -> list[Any]:
    """Hazards reported in [start, end) at schools under ``path`` that needed a plan or were
    fixed on the spot (not duplicates, not closed as no hazard)."""
    return [
        Unit.path.startswith(path),
        Hazard.reported_at >= start,
        Hazard.reported_at < end,
        Hazard.duplicate_of_id.is_(None),
        Hazard.status != CLOSED,
        or_(Hazard.deadline.is_not(None), Hazard.status == FIXED_ON_SPOT),
    ]


def rectification_counts(root: Unit, start, end, today: date) -> list[Any]:
    """(school_id, on_time, late, overdue) per school under ``root``."""
    on_time, late, overdue = _judged(today)
    h = (
        select(
            Hazard.school_id.label("school_id"),
            on_time.label("on_time"),
            late.label("late"),
            overdue.label("overdue"),
        )
        .join(Unit, Unit.id == Hazard.school_id)
        .where(*_rectified_where(root.path, start, end))
        .subquery()
    )
    return db.session.execute(
        select(h.c.school_id, _count(h.c.on_time), _count(h.c.late), _count(h.c.overdue))
        .group_by(h.c.school_id)
        .order_by(h.c.school_id)
    ).all()


def _findings(path: str, first: date, last: date, *columns: Any):
    """``columns`` of the findings of visits dated in [first, last] at schools under ``path``
    (a finding closed as no hazard, or a duplicate, costs nothing)."""
    return (
        select(*columns)
        .select_from(SupervisionFinding)
        .join(Hazard, Hazard.id == SupervisionFinding.hazard_id)
        .join(SupervisionVisit, SupervisionVisit.id == SupervisionFinding.visit_id)
        .join(Unit, Unit.id == Hazard.school_id)
        .where(
            Unit.path.startswith(path),
            SupervisionVisit.visit_date >= first,
            SupervisionVisit.visit_date <= last,
            Hazard.status != CLOSED,
            Hazard.duplicate_of_id.is_(None),
        )
    )


def finding_counts(root: Unit, first: date, last: date) -> list[Any]:
    """(school_id, findings) per school under ``root``."""
    query = _findings(root.path, first, last, Hazard.school_id, func.count())
    return db.session.execute(query.group_by(Hazard.school_id).order_by(Hazard.school_id)).all()


def lost_hazards(school: Unit, start, end, today: date) -> list[Any]:
    """(hazard, late) of the school's late and overdue hazards, oldest report first."""
    _, late, overdue = _judged(today)
    return db.session.execute(
        select(Hazard, late.label("late"))
        .join(Unit, Unit.id == Hazard.school_id)
        .where(*_rectified_where(school.path, start, end), Hazard.school_id == school.id)
        .where(or_(late, overdue))
        .order_by(Hazard.reported_at, Hazard.id)
    ).all()


def lost_slots(school: Unit, first: date, last: date, now: datetime) -> list[Any]:
    """Per (plan kind, checkpoint) of the school: missed, late and failed slots (the figures'
    rules: missed when marked so or still open after its window; a bus round fails with a
    failed answer), only where something was lost."""
    closed = PatrolSlot.closes_at <= now
    missed = or_(PatrolSlot.status == SLOT_MISSED, and_(PatrolSlot.status == SLOT_OPEN, closed))
    done = PatrolSlot.status.in_((SLOT_DONE, SLOT_LATE))
    failing = (
        select(PatrolAnswer.patrol_id)
        .where(PatrolAnswer.answer == FAIL)
        .group_by(PatrolAnswer.patrol_id)
        .subquery()
    )
    failed = and_(PatrolPlan.managed_by == "bus", done, failing.c.patrol_id.is_not(None))
    s = (
        select(
            PatrolPlan.managed_by.label("kind"),
            Checkpoint.id.label("checkpoint_id"),
            Checkpoint.name.label("name"),
            missed.label("missed"),
            (PatrolSlot.status == SLOT_LATE).label("late"),
            failed.label("failed"),
        )
        .join(PatrolPlan, PatrolPlan.id == PatrolSlot.plan_id)
        .join(Checkpoint, Checkpoint.id == PatrolSlot.checkpoint_id)
        .outerjoin(Patrol, Patrol.slot_id == PatrolSlot.id)
        .outerjoin(failing, failing.c.patrol_id == Patrol.id)
        .where(PatrolSlot.school_id == school.id, PatrolSlot.day >= first, PatrolSlot.day <= last)
        .subquery()
    )
    counts = (_count(s.c.missed), _count(s.c.late), _count(s.c.failed))
    return db.session.execute(
        select(s.c.kind, s.c.checkpoint_id, s.c.name, *counts)
        .group_by(s.c.kind, s.c.checkpoint_id, s.c.name)
        .having(or_(*(c > 0 for c in counts)))
        .order_by(s.c.kind, s.c.name, s.c.checkpoint_id)
    ).all()


def lost_notices(school: Unit, start, end) -> list[Any]:
    """(notice id, title, children targeted, not acknowledged) per notice sent in [start, end)
    to the school's children with any not acknowledged (a child once per notice)."""
    pairs = (
        select(
            NoticeRecipient.notice_id.label("notice_id"),
            NoticeRecipient.child_id,
            func.max(case((NoticeRecipient.acknowledged_at.is_not(None), 1), else_=0)).label("ack"),
        )
        .join(Notice, Notice.id == NoticeRecipient.notice_id)
        .where(
            NoticeRecipient.unit_path == school.path,
            Notice.sent_at >= start,
            Notice.sent_at < end,
        )
        .group_by(NoticeRecipient.notice_id, NoticeRecipient.child_id)
        .subquery()
    )
    pending = _count(pairs.c.ack == 0)
    return db.session.execute(
        select(Notice.id, Notice.title, func.count(), pending)
        .join(pairs, pairs.c.notice_id == Notice.id)
        .group_by(Notice.id, Notice.title)
        .having(pending > 0)
        .order_by(Notice.id)
    ).all()


def lost_findings(school: Unit, first: date, last: date) -> list[Any]:
    """(finding, hazard, visit) of the school's findings, by visit date."""
    query = _findings(school.path, first, last, SupervisionFinding, Hazard, SupervisionVisit).where(
        Hazard.school_id == school.id
    )
    return db.session.execute(
        query.order_by(SupervisionVisit.visit_date, SupervisionVisit.id, Hazard.id)
    ).all()
