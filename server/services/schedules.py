"""Scheduled pushes: who (an audience below a unit), what (a message), when (daily, school days
or chosen weekdays at a time of day in China, optionally only within a season such as the
drowning-prevention summer). The minute job sends what is due and computes the next run; each
firing is claimed by moving ``next_run_at`` on from the value it was read with, so two workers
(or the CLI beside a worker) never send the same one twice."""

from __future__ import annotations

from datetime import date, datetime, time, timedelta
from typing import Any

from sqlalchemy import select, update

from server import access
from server.clock import CHINA_TZ, local_time
from server.errors import ApiError
from server.extensions import db
from server.models import (
    Child,
    ParentLink,
    RoleGrant,
    ScheduledPush,
    SchoolClass,
    Unit,
    User,
    utcnow,
)
from server.models.people import APPROVED
from server.roles import ROLES
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


def create_schedule(user: User, unit: Unit, data: dict[str, Any]) -> ScheduledPush:
    """Save a schedule and compute its first run. Its text reaches others, so it goes through
    WeChat's text check first (risky: 422, nothing saved; review or WeChat unreachable: saved,
    and it sends nothing until released)."""
    if data["recurrence"] == "weekly" and not data.get("weekdays"):
        raise ApiError(
            422,
            "validation_error",
            "Weekly schedules need weekdays.",
            {"weekdays": ["Required for weekly schedules."]},
        )
    unknown = sorted(set(data.get("roles") or []) - ROLES.keys())
    if unknown:
        raise ApiError(
            422,
            "validation_error",
            "Unknown roles.",
            {"roles": [f"Unknown role {code!r}." for code in unknown]},
        )
    audience_spec = {
        k: v for k, v in (("roles", data.get("roles")), ("parents", data.get("parents"))) if v
    }
    if not audience_spec:
        raise ApiError(
            422,
            "validation_error",
            "Choose who receives it.",
            {"roles": ["Give roles, or parents: true."]},
        )
    schedule = ScheduledPush(
        name=data["name"],
        unit_id=unit.id,
        created_by_id=user.id,
        audience=audience_spec,
        template_key=data["template_key"],
        title=data["title"],
        body=data["body"],
        recurrence=data["recurrence"],
        weekdays=data.get("weekdays"),
        time_of_day=data["time_of_day"],
        season_start=data.get("season_start"),
        season_end=data.get("season_end"),
        starts_on=data["starts_on"],
        ends_on=data.get("ends_on"),
    )
    text = f"{schedule.title}\n{schedule.body}"
    verdict = content.check_text(user, "body", text)
    schedule.next_run_at = next_run(schedule, utcnow())
    schedule.enabled = schedule.next_run_at is not None
    db.session.add(schedule)
    db.session.flush()
    content.hold_text(user, unit, "schedule", schedule.id, "text", text, verdict)
    db.session.commit()
    return schedule


def schedules_in(unit_ids) -> list[ScheduledPush]:
    """Schedules of the given units (a select of unit ids, from ``access.unit_ids_where``)."""
    query = select(ScheduledPush).where(ScheduledPush.unit_id.in_(unit_ids))
    return list(db.session.scalars(query.order_by(ScheduledPush.id)))


def delete_schedule(user: User, schedule_id: int) -> None:
    """Delete a schedule of a unit where the user manages schedules."""
    schedule = access.load(
        user,
        ScheduledPush,
        schedule_id,
        "schedule.manage",
        lambda s: db.session.get(Unit, s.unit_id),
        "schedule",
    )
    content.forget("schedule", schedule.id)
    db.session.delete(schedule)
    db.session.commit()
