"""Scheduled pushes: who (an audience below a unit), what (a message), when (daily, school days
or chosen weekdays at a time of day in China, optionally only within a season such as the
drowning-prevention summer). The minute job sends what is due and computes the next run; each
firing is claimed by moving ``next_run_at`` on from the value it was read with, so two workers
(or the CLI beside a worker) never send the same one twice."""

from __future__ import annotations

from datetime import date, datetime, time, timedelta

from sqlalchemy import select, update

from server import access
from server.clock import CHINA_TZ, local_time
from server.extensions import db
from server.models import (
    Child,
    ParentLink,
    RoleGrant,
    ScheduledPush,
    SchoolClass,
    Unit,
    utcnow,
)
from server.models.people import APPROVED
from server.school_calendar import SchoolCalendar, is_school_day
from server.services import content
from server.services.calendars import loaded_calendars
from server.services.notify import enqueue_deliveries, notify

RECURRENCES = ("once", "daily", "school_days", "weekly")
HORIZON_DAYS = 400


def _in_season(day: date, start: str | None, end: str | None) -> bool:
    """Whether ``day`` lies in the season ``MM-DD``..``MM-DD`` (which may wrap the new year)."""
    if not start or not end:
        return True
    key = day.strftime("%m-%d")
    return start <= key <= end if start <= end else key >= start or key <= end


def _runs_on(schedule: ScheduledPush, day: date, calendars: list[SchoolCalendar]) -> bool:
    """Whether the schedule fires on ``day`` (its time of day aside); school days follow the
    loaded school calendars (terms, breaks, days off, 调休)."""
    if day < schedule.starts_on or (schedule.ends_on and day > schedule.ends_on):
        return False
    if not _in_season(day, schedule.season_start, schedule.season_end):
        return False
    if schedule.recurrence == "once":
        return day == schedule.starts_on
    if schedule.recurrence == "school_days":
        return is_school_day(day, calendars)
    if schedule.recurrence == "weekly":
        return day.weekday() in (schedule.weekdays or [])
    return True


def next_run(
    schedule: ScheduledPush, after: datetime, calendars: list[SchoolCalendar] | None = None
) -> datetime | None:
    """The first firing strictly after ``after`` (UTC), or None when there is none left."""
    if calendars is None:
        # Only "school days" read the calendars (the rest need no database).
        calendars = loaded_calendars() if schedule.recurrence == "school_days" else []
    hour, minute = (int(part) for part in schedule.time_of_day.split(":"))
    local_after = after.astimezone(CHINA_TZ)
    day = local_after.date()
    for _ in range(HORIZON_DAYS):
        if _runs_on(schedule, day, calendars):
            moment = datetime.combine(day, time(hour, minute), tzinfo=CHINA_TZ)
            if moment > local_after:
                return moment.astimezone(after.tzinfo)
        day += timedelta(days=1)
    return None


def audience(schedule: ScheduledPush) -> set[int]:
    """The users a schedule reaches: staff of given roles, or parents, at or below its unit."""
    unit = db.session.get(Unit, schedule.unit_id)
    below = access.unit_ids_below([unit.path])
    spec = schedule.audience
    users: set[int] = set()
    if spec.get("roles"):
        users.update(
            db.session.scalars(
                select(RoleGrant.user_id).where(
                    RoleGrant.role.in_(spec["roles"]), RoleGrant.unit_id.in_(below)
                )
            )
        )
    if spec.get("parents"):
        users.update(
            db.session.scalars(
                select(ParentLink.parent_id)
                .join(Child, ParentLink.child_id == Child.id)
                .join(SchoolClass, Child.class_id == SchoolClass.id)
                # A binding still waiting for the class teacher receives nothing.
                .where(SchoolClass.school_id.in_(below), ParentLink.status == APPROVED)
            )
        )
    return users


def _claim_firing(schedule: ScheduledPush, due_at: datetime, now: datetime) -> bool:
    """Move the schedule past its firing at ``due_at`` only if nobody did since; False when
    another worker has it. On PostgreSQL a concurrent UPDATE waits for the first's commit and
    then finds ``next_run_at`` changed."""
    following = next_run(schedule, now)
    claimed = db.session.execute(
        update(ScheduledPush)
        .where(ScheduledPush.id == schedule.id, ScheduledPush.next_run_at == due_at)
        .values(last_run_at=now, next_run_at=following, enabled=following is not None)
        .execution_options(synchronize_session=False)
    ).rowcount
    return bool(claimed)


def run_due(now: datetime | None = None) -> int:
    """Send every schedule that is due; returns how many fired here."""
    now = now or utcnow()
    # The due times as read now: a commit below expires the objects, and a reloaded
    # ``next_run_at`` may already be another worker's next firing.
    due = [
        (schedule, schedule.next_run_at)
        for schedule in db.session.scalars(
            select(ScheduledPush).where(
                ScheduledPush.enabled.is_(True), ScheduledPush.next_run_at <= now
            )
        )
    ]
    fired = 0
    held = content.held_ids("schedule", [schedule.id for schedule, _due in due])
    for schedule, due_at in due:
        if not _claim_firing(schedule, due_at, now):
            db.session.rollback()
            continue
        if schedule.id in held:
            # Its text awaits WeChat's check or an admin's release: this firing is skipped.
            db.session.commit()
            continue
        deliveries = notify(
            audience(schedule),
            kind="scheduled",
            title=schedule.title,
            body=schedule.body,
            template_key=schedule.template_key,
            values={
                "title": schedule.title,
                "body": schedule.body,
                "sent_at": local_time(now),
            },
            data={"schedule_id": schedule.id},
        )
        db.session.commit()
        enqueue_deliveries(deliveries)
        fired += 1
    return fired
