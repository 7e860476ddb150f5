"""Scheduled pushes as their unit's admins keep them: create, edit, list and delete. Every
change is checked the same way (a weekly schedule needs weekdays, roles must exist, someone must
receive it), its text goes through WeChat's text check, and its next run is computed afresh."""

from __future__ import annotations

from typing import Any

from sqlalchemy import select

from server import access
from server.errors import ApiError
from server.extensions import db
from server.models import ScheduledPush, Unit, User, utcnow
from server.roles import ROLES
from server.services import content
from server.services.schedules import next_run

# The columns a request sets as they come (the audience is built from roles and parents).
_COLUMNS = (
    "name",
    "template_key",
    "title",
    "body",
    "recurrence",
    "weekdays",
    "time_of_day",
    "season_start",
    "season_end",
    "starts_on",
    "ends_on",
)


def _audience(data: dict[str, Any]) -> dict[str, Any]:
    """Check a schedule's fields together and return its audience (roles and/or parents);
    422 for a weekly schedule without weekdays, unknown roles or nobody to receive it."""
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
    spec = {k: v for k, v in (("roles", data.get("roles")), ("parents", data.get("parents"))) if v}
    if not spec:
        raise ApiError(
            422,
            "validation_error",
            "Choose who receives it.",
            {"roles": ["Give roles, or parents: true."]},
        )
    return spec


def _schedule_again(schedule: ScheduledPush) -> None:
    """The next run from now on, by the schedule's current rules (none left: disabled)."""
    schedule.next_run_at = next_run(schedule, utcnow())
    schedule.enabled = schedule.next_run_at is not None


def create_schedule(user: User, unit: Unit, data: dict[str, Any]) -> ScheduledPush:
    """Save a schedule and compute its first run. Its text reaches others, so it goes through
    WeChat's text check first (risky: 422, nothing saved; review or WeChat unreachable: saved,
    and it sends nothing until released)."""
    audience_spec = _audience(data)
    schedule = ScheduledPush(
        unit_id=unit.id,
        created_by_id=user.id,
        audience=audience_spec,
        **{name: data.get(name) for name in _COLUMNS},
    )
    text = f"{schedule.title}\n{schedule.body}"
    verdict = content.check_text(user, "body", text)
    _schedule_again(schedule)
    db.session.add(schedule)
    db.session.flush()
    content.hold_text(user, unit, "schedule", schedule.id, "text", text, verdict)
    db.session.commit()
    return schedule


def _load(user: User, schedule_id: int) -> ScheduledPush:
    """A schedule of a unit where the user manages schedules (404 out of scope, 403 without
    ``schedule.manage``)."""
    return access.load(
        user,
        ScheduledPush,
        schedule_id,
        "schedule.manage",
        lambda s: db.session.get(Unit, s.unit_id),
        "schedule",
    )


def _as_request(schedule: ScheduledPush) -> dict[str, Any]:
    """A stored schedule as the fields of a request (what an edit leaves out stays so)."""
    values = {name: getattr(schedule, name) for name in _COLUMNS}
    values["roles"] = schedule.audience.get("roles")
    values["parents"] = bool(schedule.audience.get("parents"))
    return values


def update_schedule(user: User, schedule_id: int, changes: dict[str, Any]) -> ScheduledPush:
    """Edit a schedule of a unit where the user manages schedules: the fields given replace the
    stored ones, and the result is checked as a new schedule is. A changed text is checked by
    WeChat again (its earlier verdict goes); the next run follows the new rules."""
    schedule = _load(user, schedule_id)
    data = {**_as_request(schedule), **changes}
    audience_spec = _audience(data)
    text = f"{data['title']}\n{data['body']}"
    # Checked before anything changes, so a risky text (422) leaves the schedule as it was.
    changed = text != f"{schedule.title}\n{schedule.body}"
    verdict = content.check_text(user, "body", text) if changed else None
    for name in _COLUMNS:
        setattr(schedule, name, data[name])
    schedule.audience = audience_spec
    if changed:
        unit = db.session.get(Unit, schedule.unit_id)
        content.replace_text(user, unit, "schedule", schedule.id, "text", text, verdict)
    _schedule_again(schedule)
    db.session.commit()
    return schedule


def schedules_in(unit_ids) -> list[ScheduledPush]:
    """Schedules of the given units (a select of unit ids, from ``access.unit_ids_where``)."""
    query = select(ScheduledPush).where(ScheduledPush.unit_id.in_(unit_ids))
    return list(db.session.scalars(query.order_by(ScheduledPush.id)))


def delete_schedule(user: User, schedule_id: int) -> None:
    """Delete a schedule of a unit where the user manages schedules."""
    schedule = _load(user, schedule_id)
    content.forget("schedule", schedule.id)
    db.session.delete(schedule)
    db.session.commit()
