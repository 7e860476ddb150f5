"""Careless or slow schools, listed with the evidence (issue 12: "units that are careless or
slow (repeatedly overdue, repeatedly missing patrols) are listed with the evidence").

A school below the unit is listed when, in the period ``[from, to]``:

- at least ``OVERDUE_THRESHOLD`` of its hazards are overdue: the deadline fell in the period, it
  has passed (before today) and the hazard is still planned or being rectified (the same rule
  as the overdue escalation, ``escalation.is_overdue``); or
- at least ``MISSED_THRESHOLD`` of its patrol slots of days in the period were missed (any
  slot: a plan's own, or one the water or bus schedules manage).

Each comes with the evidence: the counts, the first ``EVIDENCE_IDS`` hazard and slot ids (lowest
first), and the accountability actions already recorded against it. Worst first: a school over
both thresholds before one over one, then by overdue count, missed count and name. The answer
costs a fixed number of statements, whatever the number of schools.
"""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

from sqlalchemy import Select, func, select

from server import access
from server.errors import ApiError
from server.extensions import db
from server.models import AccountabilityAction, Hazard, PatrolSlot, Unit
from server.models.patrols import SLOT_MISSED
from server.roles import SCHOOL_KINDS
from server.services.escalation import OVERDUE_STATUSES

# Three overdue hazards, or five missed patrols, in the period make a school a laggard.
OVERDUE_THRESHOLD = 3
MISSED_THRESHOLD = 5
# How many ids of each kind the evidence names (the counts are exact).
EVIDENCE_IDS = 20
# The period when none is given: the last 30 days, today included.
DEFAULT_DAYS = 30
# At most a year at a time (the campaign's own length).
MAX_DAYS = 366


def period(filters: dict[str, Any], today: date) -> tuple[date, date]:
    """The period asked for, defaulting to the last ``DEFAULT_DAYS`` days; 422 when reversed or
    longer than a year."""
    end = filters.get("to") or today
    start = filters.get("from") or end - timedelta(days=DEFAULT_DAYS - 1)
    if start > end or (end - start).days >= MAX_DAYS:
        raise ApiError(
            422,
            "validation_error",
            "The period runs from a day to a later one, within a year.",
            {"from": ["After 'to', or more than a year before it."]},
        )
    return start, end


def _schools_below(unit: Unit) -> Select:
    """The ids of the schools at or below the unit."""
    return select(Unit.id).where(
        Unit.id.in_(access.unit_ids_below([unit.path])), Unit.kind.in_(SCHOOL_KINDS)
    )


def overdue_clause(start: date, end: date, today: date) -> list:
    """Hazards overdue today whose deadline fell in the period."""
    return [
        Hazard.deadline.between(start, end),
        Hazard.deadline < today,
        Hazard.status.in_(OVERDUE_STATUSES),
        Hazard.duplicate_of_id.is_(None),
    ]


def missed_clause(start: date, end: date) -> list:
    """Patrol slots of the period that were missed."""
    return [PatrolSlot.status == SLOT_MISSED, PatrolSlot.day.between(start, end)]


def _counts(column, where: list, schools: Select) -> dict[int, int]:
    """Rows per school (one grouped statement)."""
    query = select(column, func.count()).where(column.in_(schools), *where).group_by(column)
    return dict(db.session.execute(query).all())


def _first_ids(id_column, school_column, where: list, school_ids: list[int]) -> dict[int, list]:
    """The first ``EVIDENCE_IDS`` ids per school, lowest first (one statement with a window)."""
    if not school_ids:
        return {}
    rank = func.row_number().over(partition_by=school_column, order_by=id_column).label("rank")
    ranked = (
        select(id_column.label("id"), school_column.label("school_id"), rank)
        .where(school_column.in_(school_ids), *where)
        .subquery()
    )
    rows = db.session.execute(
        select(ranked.c.school_id, ranked.c.id)
        .where(ranked.c.rank <= EVIDENCE_IDS)
        .order_by(ranked.c.school_id, ranked.c.id)
    )
    found: dict[int, list[int]] = {}
    for school_id, row_id in rows:
        found.setdefault(school_id, []).append(row_id)
    return found


def previous_actions(unit_ids: list[int]) -> dict[int, list[dict[str, Any]]]:
    """The accountability actions recorded against these units, newest first (one statement)."""
    if not unit_ids:
        return {}
    rows = db.session.scalars(
        select(AccountabilityAction)
        .where(AccountabilityAction.unit_id.in_(unit_ids))
        .order_by(AccountabilityAction.created_at.desc(), AccountabilityAction.id.desc())
    )
    found: dict[int, list[dict[str, Any]]] = {}
    for action in rows:
        found.setdefault(action.unit_id, []).append(
            {
                "id": action.id,
                "kind": action.kind,
                "created_at": action.created_at,
                "visit_id": action.visit_id,
            }
        )
    return found


def _rank(row: dict[str, Any]) -> tuple:
    """Worst first: over both thresholds, then more overdue, more missed, then by name."""
    over = (row["overdue"]["count"] >= OVERDUE_THRESHOLD) + (
        row["missed_patrols"]["count"] >= MISSED_THRESHOLD
    )
    return (-over, -row["overdue"]["count"], -row["missed_patrols"]["count"], row["school"].name)


def laggards(unit: Unit, start: date, end: date, today: date) -> list[dict[str, Any]]:
    """The careless or slow schools at or below ``unit`` in the period, worst first, each with
    its evidence."""
    schools = _schools_below(unit)
    overdue_where = overdue_clause(start, end, today)
    missed_where = missed_clause(start, end)
    overdue = _counts(Hazard.school_id, overdue_where, schools)
    missed = _counts(PatrolSlot.school_id, missed_where, schools)
    flagged = sorted(
        school_id
        for school_id in set(overdue) | set(missed)
        if overdue.get(school_id, 0) >= OVERDUE_THRESHOLD
        or missed.get(school_id, 0) >= MISSED_THRESHOLD
    )
    if not flagged:
        return []
    hazard_ids = _first_ids(Hazard.id, Hazard.school_id, overdue_where, flagged)
    slot_ids = _first_ids(PatrolSlot.id, PatrolSlot.school_id, missed_where, flagged)
    names = {s.id: s for s in db.session.scalars(select(Unit).where(Unit.id.in_(flagged)))}
    actions = previous_actions(flagged)
    rows = [
        {
            "school": names[school_id],
            "overdue": {
                "count": overdue.get(school_id, 0),
                "hazard_ids": hazard_ids.get(school_id, []),
            },
            "missed_patrols": {
                "count": missed.get(school_id, 0),
                "slot_ids": slot_ids.get(school_id, []),
            },
            "accountability": actions.get(school_id, []),
        }
        for school_id in flagged
    ]
    return sorted(rows, key=_rank)


def evidence_for(unit: Unit, start: date, end: date, today: date) -> dict[str, Any]:
    """What the list shows of one unit (all its schools together), kept with an action."""
    schools = _schools_below(unit)
    overdue_where = [Hazard.school_id.in_(schools), *overdue_clause(start, end, today)]
    missed_where = [PatrolSlot.school_id.in_(schools), *missed_clause(start, end)]
    overdue_count = db.session.scalar(
        select(func.count()).select_from(Hazard).where(*overdue_where)
    )
    missed_count = db.session.scalar(
        select(func.count()).select_from(PatrolSlot).where(*missed_where)
    )
    hazard_ids = db.session.scalars(
        select(Hazard.id).where(*overdue_where).order_by(Hazard.id).limit(EVIDENCE_IDS)
    ).all()
    slot_ids = db.session.scalars(
        select(PatrolSlot.id).where(*missed_where).order_by(PatrolSlot.id).limit(EVIDENCE_IDS)
    ).all()
    return {
        "from": start.isoformat(),
        "to": end.isoformat(),
        "overdue": {"count": overdue_count, "hazard_ids": list(hazard_ids)},
        "missed_patrols": {"count": missed_count, "slot_ids": list(slot_ids)},
    }
