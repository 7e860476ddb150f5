"""A plan's slots: one row per checkpoint and day the plan's recurrence names, with the window
as UTC instants. The periodic job makes today's and tomorrow's for every active plan; a new or
changed plan makes its own at once. Every slot is inserted with ``ON CONFLICT DO NOTHING`` on
the unique (plan, checkpoint, day) key, so the job, a second worker and a plan's own making can
all run over the same days and each slot exists once.

A water-visit plan (recurrence ``water_season``) has one slot per window of the year's water
schedule instead of one per day: its ``day`` is the window's first day and it stays open until
the window's last day ends, so the unique key holds for it too.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable
from datetime import UTC, date, datetime, time, timedelta
from typing import Any

from sqlalchemy import select
from sqlalchemy.dialects import postgresql, sqlite

from server.clock import CHINA_TZ
from server.extensions import db
from server.models import utcnow
from server.models.patrols import (
    SLOT_OPEN,
    Checkpoint,
    PatrolPlan,
    PatrolPlanCheckpoint,
    PatrolSlot,
)
from server.school_calendar import SchoolCalendar, is_school_day
from server.services.calendars import loaded_calendars
from server.services.schedules import _in_season as in_season
from server.water_schedule import ScheduleError, window_containing

log = logging.getLogger(__name__)
_INSERTS = {"postgresql": postgresql.insert, "sqlite": sqlite.insert}
# Rows per INSERT: ten values each stays far below SQLite's and PostgreSQL's parameter limits.
BATCH = 500
# A water-visit plan's recurrence: the windows of the year's water schedule.
WATER_SEASON = "water_season"


def runs_on(plan: Any, day: date, calendars: Iterable[SchoolCalendar]) -> bool:
    """Whether the plan has a round on ``day`` (a local date): every day; the school's school
    days (the loaded calendars, else Monday to Friday); or chosen ISO weekdays; and only
    within its season when it has one."""
    if not in_season(day, plan.season_start, plan.season_end):
        return False
    if plan.recurrence == "school_days":
        return is_school_day(day, calendars)
    if plan.recurrence == "weekdays":
        return day.isoweekday() in (plan.weekdays or [])
    return True


def window(day: date, start: time, end: time) -> tuple[datetime, datetime]:
    """The local window of ``day`` as UTC instants (China keeps no daylight saving, but the
    zone does the arithmetic all the same)."""
    opens = datetime.combine(day, start, tzinfo=CHINA_TZ).astimezone(UTC)
    closes = datetime.combine(day, end, tzinfo=CHINA_TZ).astimezone(UTC)
    return opens, closes


def _plan_rows(plan_ids: list[int] | None) -> list[Any]:
    """Each active plan with each of its active checkpoints, one row per pair."""
    query = (
        select(
            PatrolPlan.id,
            PatrolPlan.school_id,
            PatrolPlan.recurrence,
            PatrolPlan.weekdays,
            PatrolPlan.season_start,
            PatrolPlan.season_end,
            PatrolPlan.window_start,
            PatrolPlan.window_end,
            PatrolPlanCheckpoint.checkpoint_id,
        )
        .join(PatrolPlanCheckpoint, PatrolPlanCheckpoint.plan_id == PatrolPlan.id)
        .join(Checkpoint, Checkpoint.id == PatrolPlanCheckpoint.checkpoint_id)
        .where(PatrolPlan.active.is_(True), Checkpoint.active.is_(True))
        .order_by(PatrolPlan.id, PatrolPlanCheckpoint.checkpoint_id)
    )
    if plan_ids is not None:
        query = query.where(PatrolPlan.id.in_(plan_ids))
    return db.session.execute(query).all()


def insert_slots(rows: list[dict[str, Any]]) -> int:
    """Insert slots, skipping any (plan, checkpoint, day) that exists; returns how many were
    new. On PostgreSQL a concurrent insert of the same key waits and then does nothing."""
    made = 0
    insert = _INSERTS[db.session.get_bind().dialect.name]
    for start in range(0, len(rows), BATCH):
        statement = insert(PatrolSlot).values(rows[start : start + BATCH])
        statement = statement.on_conflict_do_nothing(
            index_elements=["plan_id", "checkpoint_id", "day"]
        )
        # RETURNING counts the new rows on both databases (rowcount may be -1 here).
        made += len(db.session.execute(statement.returning(PatrolSlot.id)).all())
    return made


def make_slots(now: datetime, plan_ids: list[int] | None = None, days: int = 2) -> int:
    """Make the slots of ``days`` local days from ``now``'s (today, and tomorrow by default) for
    the given plans, or every active plan, except those whose window has closed already; the
    caller commits. Returns how many were new."""
    pairs = _plan_rows(plan_ids)
    if not pairs:
        return 0
    # Only "school days" read the calendars.
    needs_calendar = any(row.recurrence == "school_days" for row in pairs)
    calendars = loaded_calendars() if needs_calendar else []
    today = now.astimezone(CHINA_TZ).date()
    rows = water_season_rows([row for row in pairs if row.recurrence == WATER_SEASON], now, days)
    pairs = [row for row in pairs if row.recurrence != WATER_SEASON]
    for offset in range(days):
        day = today + timedelta(days=offset)
        for row in pairs:
            if not runs_on(row, day, calendars):
                continue
            opens, closes = window(day, row.window_start, row.window_end)
            if closes <= now:
                # Never a slot that is over before it exists: a plan written at 10:00 for an
                # 08:30 round (or a job back after an outage) must not make an instant miss.
                continue
            rows.append(
                {
                    "plan_id": row.id,
                    "checkpoint_id": row.checkpoint_id,
                    "school_id": row.school_id,
                    "day": day,
                    "opens_at": opens,
                    "closes_at": closes,
                    "status": SLOT_OPEN,
                    "escalation_level": 0,
                }
            )
    return insert_slots(rows)


# A water window runs from its first day's morning to its last day's evening (China time): the
# reminder as it opens and the missed-visit push as it closes arrive in waking hours, never at
# midnight, and a visit is made in daylight (a river bank at night is no place for a patrol).
WATER_OPENS, WATER_CLOSES = time(7, 0), time(20, 0)


def water_window(first: date, last: date) -> tuple[datetime, datetime]:
    """A water window's slot times as UTC instants: from its first day's WATER_OPENS until its
    last day's WATER_CLOSES (China time)."""
    opens = datetime.combine(first, WATER_OPENS, tzinfo=CHINA_TZ).astimezone(UTC)
    closes = datetime.combine(last, WATER_CLOSES, tzinfo=CHINA_TZ).astimezone(UTC)
    return opens, closes


def water_season_rows(pairs: list[Any], now: datetime, days: int) -> list[dict[str, Any]]:
    """The slots of water-visit plans: one per checkpoint and window of the year's water
    schedule (``server/water_schedule.py``), dated by the window's first day. Made for the
    window holding today and, when ``days`` reaches tomorrow, the window starting tomorrow;
    the plan's daily window times do not apply (a window runs whole days)."""
    if not pairs:
        return []
    today = now.astimezone(CHINA_TZ).date()
    try:
        windows = [window_containing(today)]
        if days > 1:
            following = window_containing(today + timedelta(days=1))
            if following.first > today:
                windows.append(following)
    except ScheduleError:
        # A broken schedule file stops the water visits only, never every school's rounds;
        # ``flask water-points check-schedule`` names the problem.
        log.exception("the water schedule cannot be read; no water-visit slots made")
        return []
    rows = []
    for found in windows:
        opens, closes = water_window(found.first, found.last)
        rows += [
            {
                "plan_id": row.id,
                "checkpoint_id": row.checkpoint_id,
                "school_id": row.school_id,
                "day": found.first,
                "opens_at": opens,
                "closes_at": closes,
                "status": SLOT_OPEN,
                "escalation_level": 0,
            }
            for row in pairs
        ]
    return rows


def make_upcoming_slots(now: datetime | None = None) -> int:
    """The job's body: today's and tomorrow's slots of every active plan, committed."""
    made = make_slots(now or utcnow())
    db.session.commit()
    return made
