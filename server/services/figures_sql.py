"""The statements behind the supervision figures (``figures.py`` assembles them).

Every statement groups in the database by the direct child of the asked-for unit that a row
belongs to: the next id in the school's materialised path after the unit's own path
(``/1/4/17/`` under ``/1/`` is child ``4``; rows of the unit itself have the empty key). The
grouping columns are computed in a subquery and aggregated outside it, so PostgreSQL sees the
same expressions in SELECT and GROUP BY. A fixed number of statements whatever the size:
hazard counts, fix and open-age durations (percentiles: PostgreSQL's ``percentile_cont``;
SQLite has none, so its durations are fetched and ranked in Python), slots, notices.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Any

from sqlalchemy import and_, case, func, literal, literal_column, null, or_, select, tuple_
from sqlalchemy.orm import aliased

from server.clock import CHINA_TZ
from server.extensions import db
from server.models import Hazard, NoticeRecipient, SchoolClass, Unit
from server.models.campaigns import FocusProblem
from server.models.hazards import CLOSED, FIXED_ON_SPOT, OPEN_STATUSES, VERIFIED
from server.models.notices import Notice
from server.models.patrols import (
    FAIL,
    SLOT_DONE,
    SLOT_LATE,
    SLOT_MISSED,
    SLOT_OPEN,
    Patrol,
    PatrolAnswer,
    PatrolPlan,
    PatrolSlot,
)
from server.models.types import UTCDateTime
from server.services.escalation import OVERDUE_STATUSES

HAZARD_COUNTS = ("found", "fixed_on_spot", "verified", "open", "overdue", "closed_not_hazard")
SLOT_COUNTS = ("due", "done", "late", "missed", "failed")


def _dialect() -> str:
    """The database's dialect name (the few expressions that differ by database)."""
    return db.engine.dialect.name


def child_key(path, prefix: str) -> Any:
    """The id (as text) of the direct child of the unit with path ``prefix`` that a row with
    school path ``path`` lies under; the empty string for the unit itself."""
    rest = func.substr(path, literal_column(str(len(prefix) + 1)))
    if _dialect() == "postgresql":
        return func.split_part(rest, literal_column("'/'"), literal_column("1"))
    return func.substr(rest, literal_column("1"), func.instr(rest, literal_column("'/'")) - 1)


def _days(later, earlier) -> Any:
    """``later - earlier`` in days, as a float, on either database (SQLite keeps instants as
    text: julianday measures them in days)."""
    if _dialect() == "sqlite":
        return func.julianday(later) - func.julianday(earlier)
    return func.extract("epoch", later - earlier) / 86400.0


def _count(condition) -> Any:
    """SUM(CASE WHEN condition THEN 1 ELSE 0 END), zero for no rows."""
    return func.coalesce(func.sum(case((condition, 1), else_=0)), 0)


def _phase_of(moment, phases: Sequence[tuple[int, datetime, datetime]]) -> Any:
    """The id of the phase whose [start, end) holds ``moment``, else NULL."""
    if not phases:
        return null()
    return case(*((and_(moment >= s, moment < e), pid) for pid, s, e in phases), else_=None)


def _hazards_below(unit: Unit, start: datetime, end: datetime, phases, now: datetime):
    """A subquery of the hazards reported in [start, end) at the unit and below (duplicates
    left out: the same problem is counted once, by its original), with their grouping keys and
    the flags the figures count."""
    school = aliased(Unit)
    return (
        select(
            child_key(school.path, unit.path).label("child"),
            Hazard.focus_problem_id.label("focus"),
            FocusProblem.area_id.label("area"),
            _phase_of(Hazard.reported_at, phases).label("phase"),
            Hazard.status.label("status"),
            Hazard.funds_yuan.label("funds"),
            and_(
                Hazard.status.in_(OVERDUE_STATUSES),
                Hazard.deadline < now.astimezone(CHINA_TZ).date(),
            ).label("overdue"),
            case(
                (
                    Hazard.status.in_((VERIFIED, FIXED_ON_SPOT)),
                    _days(Hazard.closed_at, Hazard.reported_at),
                ),
                else_=None,
            ).label("fix_days"),
            case(
                (
                    Hazard.status.in_(OPEN_STATUSES),
                    _days(literal(now, UTCDateTime()), Hazard.reported_at),
                ),
                else_=None,
            ).label("open_days"),
        )
        .join(school, school.id == Hazard.school_id)
        .outerjoin(FocusProblem, FocusProblem.id == Hazard.focus_problem_id)
        .where(
            school.path.startswith(unit.path),
            Hazard.reported_at >= start,
            Hazard.reported_at < end,
            Hazard.duplicate_of_id.is_(None),
        )
        .subquery()
    )


def hazard_counts(unit: Unit, start, end, phases, now) -> list[Any]:
    """Counts and funds per (child, focus problem, phase): additive, rolled up in Python."""
    h = _hazards_below(unit, start, end, phases, now)
    keys = (h.c.child, h.c.focus, h.c.area, h.c.phase)
    return db.session.execute(
        select(
            *keys,
            func.count().label("found"),
            _count(h.c.status == FIXED_ON_SPOT).label("fixed_on_spot"),
            _count(h.c.status == VERIFIED).label("verified"),
            _count(h.c.status.in_(OPEN_STATUSES)).label("open"),
            _count(h.c.overdue).label("overdue"),
            _count(h.c.status == CLOSED).label("closed_not_hazard"),
            func.sum(h.c.funds).label("funds"),
        )
        .group_by(*keys)
        .order_by(*keys)
    ).all()


# The groupings the percentiles are needed for: (name, the subquery column).
GROUPINGS = ("total", "child", "area", "focus", "phase")


def durations_postgresql(unit: Unit, start, end, phases, now) -> list[tuple[str, Any, tuple]]:
    """(grouping, key, (fix median, fix p90, open median, open max)) per group, in one
    statement with GROUPING SETS; GROUPING() tells which set a row belongs to (a key may be
    NULL within a set: a hazard not yet filed under a focus problem)."""
    h = _hazards_below(unit, start, end, phases, now)
    columns = (h.c.child, h.c.area, h.c.focus, h.c.phase)
    sets = func.grouping_sets(tuple_(), *(tuple_(column) for column in columns))
    rows = db.session.execute(
        select(
            func.grouping(*columns).label("bits"),
            *columns,
            func.percentile_cont(0.5).within_group(h.c.fix_days),
            func.percentile_cont(0.9).within_group(h.c.fix_days),
            func.percentile_cont(0.5).within_group(h.c.open_days),
            func.max(h.c.open_days),
        )
        .where(or_(h.c.fix_days.is_not(None), h.c.open_days.is_not(None)))
        .group_by(sets)
        .order_by(literal_column("1"))
    ).all()
    # GROUPING(child, area, focus, phase): a bit is 1 for each column left out of the set.
    which = {
        15: ("total", None),
        7: ("child", 1),
        11: ("area", 2),
        13: ("focus", 3),
        14: ("phase", 4),
    }
    result = []
    for row in rows:
        name, index = which[row[0]]
        key = None if index is None else row[index]
        result.append((name, key, tuple(row[5:9])))
    return result


def durations_rows(unit: Unit, start, end, phases, now) -> list[Any]:
    """(child, area, focus, phase, fix_days, open_days) of every fixed or open hazard, for the
    percentiles computed in Python where the database has no percentile function."""
    h = _hazards_below(unit, start, end, phases, now)
    return db.session.execute(
        select(h.c.child, h.c.area, h.c.focus, h.c.phase, h.c.fix_days, h.c.open_days).where(
            or_(h.c.fix_days.is_not(None), h.c.open_days.is_not(None))
        )
    ).all()


def slot_counts(
    unit: Unit, first_day, last_day, now: datetime, group_by_school: bool = False
) -> list[Any]:
    """Slot counts per (child, plan kind): a slot is due when its window has closed or it is
    done; missed when marked so or still open after its window; a bus slot done (in time or
    late) fails when its round has a failed answer. ``group_by_school``: per school id instead
    of per child (the year-end evaluation scores every school of a district at once)."""
    school = aliased(Unit)
    closed = PatrolSlot.closes_at <= now
    done = PatrolSlot.status.in_((SLOT_DONE, SLOT_LATE))
    # The rounds with a failed item, as a small grouped subquery joined once (a correlated
    # EXISTS per slot makes PostgreSQL's estimate, and so its JIT compile, cost more than the
    # query itself).
    failing = (
        select(PatrolAnswer.patrol_id)
        .where(PatrolAnswer.answer == FAIL)
        .group_by(PatrolAnswer.patrol_id)
        .subquery()
    )
    failed = failing.c.patrol_id.is_not(None)
    s = (
        select(
            (school.id if group_by_school else child_key(school.path, unit.path)).label("child"),
            PatrolPlan.managed_by.label("kind"),
            or_(closed, done).label("due"),
            (PatrolSlot.status == SLOT_DONE).label("done"),
            (PatrolSlot.status == SLOT_LATE).label("late"),
            or_(
                PatrolSlot.status == SLOT_MISSED, and_(PatrolSlot.status == SLOT_OPEN, closed)
            ).label("missed"),
            case((and_(PatrolPlan.managed_by == "bus", done, failed), True), else_=False).label(
                "failed"
            ),
        )
        .join(PatrolPlan, PatrolPlan.id == PatrolSlot.plan_id)
        .join(school, school.id == PatrolSlot.school_id)
        .outerjoin(Patrol, Patrol.slot_id == PatrolSlot.id)
        .outerjoin(failing, failing.c.patrol_id == Patrol.id)
        .where(
            school.path.startswith(unit.path),
            PatrolSlot.day >= first_day,
            PatrolSlot.day <= last_day,
        )
        .subquery()
    )
    return db.session.execute(
        select(s.c.child, s.c.kind, *(_count(s.c[name]).label(name) for name in SLOT_COUNTS))
        .group_by(s.c.child, s.c.kind)
        .order_by(s.c.child, s.c.kind)
    ).all()


def notice_counts(
    unit: Unit, start: datetime, end: datetime, group_by_school: bool = False
) -> list[Any]:
    """(child, children targeted, children acknowledged) for the notices sent in [start, end)
    to children of schools at the unit and below: a child counts once per notice, however many
    guardians it has (one guardian's acknowledgment is written on every row of that child).
    ``group_by_school``: per school id (the class's school) instead of per child."""
    if group_by_school:
        key, grouping = SchoolClass.school_id, SchoolClass.school_id
    else:
        key, grouping = child_key(NoticeRecipient.unit_path, unit.path), NoticeRecipient.unit_path
    pairs = (
        select(
            key.label("child"),
            NoticeRecipient.notice_id,
            NoticeRecipient.child_id,
            func.max(case((NoticeRecipient.acknowledged_at.is_not(None), 1), else_=0)).label("ack"),
        )
        .join(Notice, Notice.id == NoticeRecipient.notice_id)
        .where(
            NoticeRecipient.unit_path.startswith(unit.path),
            Notice.sent_at >= start,
            Notice.sent_at < end,
        )
        .group_by(grouping, NoticeRecipient.notice_id, NoticeRecipient.child_id)
    )
    if group_by_school:
        pairs = pairs.join(SchoolClass, SchoolClass.id == NoticeRecipient.class_id)
    pairs = pairs.subquery()
    return db.session.execute(
        select(pairs.c.child, func.count(), func.coalesce(func.sum(pairs.c.ack), 0))
        .group_by(pairs.c.child)
        .order_by(pairs.c.child)
    ).all()
