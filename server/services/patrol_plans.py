"""Patrol plans (DESIGN.md §3): who patrols which checkpoints of a school with which template,
how often (every day, school days, chosen weekdays, optionally within a season) and within which
window of the local day. A plan's slots are made by ``patrol_slots``; creating or changing a plan
makes today's at once, so a plan written at 07:00 for a 07:30 round is on the phone already.

Deleting a plan deactivates it: its history (done, late and missed slots) stays for the figures;
its open slots whose window has not closed, and that no patrol points at, are removed, so nobody
is reminded of, or marked missed for, a round the school no longer asks for.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from sqlalchemy import delete, exists, select
from sqlalchemy.orm import selectinload

from server import access
from server.errors import ApiError
from server.extensions import db
from server.models import RoleGrant, Unit, User, utcnow
from server.models.patrols import (
    PLACE,
    SLOT_OPEN,
    Checkpoint,
    Patrol,
    PatrolPlan,
    PatrolSlot,
)
from server.roles import ROLES, SCHOOL_KINDS
from server.services import content
from server.services.patrol_slots import make_slots

PLAN = "patrol.plan"
# The fields a PATCH may change (the school never changes: a plan belongs to one school).
CHANGEABLE = (
    "name",
    "template_code",
    "checkpoint_ids",
    "assignee_user_id",
    "assignee_role",
    "recurrence",
    "weekdays",
    "window_start",
    "window_end",
    "season_start",
    "season_end",
    "remind_minutes_before",
    "escalate_after_misses",
)


def _invalid(field: str, message: str) -> ApiError:
    """A 422 naming the field, in the standard shape."""
    return ApiError(422, "validation_error", message, {field: [message]})


def _school_of(plan: PatrolPlan) -> Unit:
    """The unit access is decided at."""
    return plan.school


def _check_season(data: dict[str, Any]) -> None:
    """Both ends or neither, each a real day of the year (02-29 allowed)."""
    start, end = data.get("season_start"), data.get("season_end")
    if (start is None) != (end is None):
        raise _invalid("season_end", "Give both ends of the season, or neither.")
    for field in ("season_start", "season_end"):
        if data.get(field) is not None:
            try:
                date.fromisoformat(f"2000-{data[field]}")
            except ValueError:
                raise _invalid(field, "Not a day of the year (MM-DD).") from None


def _check_checkpoints(school: Unit, ids: list[int], template_code: str) -> list[Checkpoint]:
    """The plan's checkpoints: all of this school, each checked with the plan's template."""
    if not ids:
        raise _invalid("checkpoint_ids", "Choose at least one checkpoint.")
    found = {
        cp.id: cp for cp in db.session.scalars(select(Checkpoint).where(Checkpoint.id.in_(ids)))
    }
    for cp_id in ids:
        checkpoint = found.get(cp_id)
        if checkpoint is None or checkpoint.school_id != school.id or checkpoint.kind != PLACE:
            raise _invalid("checkpoint_ids", f"Checkpoint {cp_id} is not one of this school's.")
        if template_code not in (checkpoint.template_codes or []):
            raise _invalid(
                "template_code", f"Checkpoint {cp_id} is not checked with {template_code!r}."
            )
    # In the order the plan reads them back (by id), whatever order the phone sent.
    return sorted((found[i] for i in dict.fromkeys(ids)), key=lambda cp: cp.id)


def _check_assignee(school: Unit, data: dict[str, Any]) -> None:
    """A person holding a grant at the school whose role patrols, or such a role: one of the
    two."""
    user_id, role = data.get("assignee_user_id"), data.get("assignee_role")
    if (user_id is None) == (role is None):
        raise _invalid("assignee_user_id", "Give either assignee_user_id or assignee_role.")
    if role is not None:
        known = ROLES.get(role)
        if known is None or school.kind not in known.unit_kinds:
            raise _invalid("assignee_role", f"{role!r} is not a role held at a school.")
        if "patrol.do" not in known.capabilities:
            raise _invalid("assignee_role", f"{role!r} does not patrol.")
        return
    patrollers = [code for code, r in ROLES.items() if "patrol.do" in r.capabilities]
    held = db.session.scalar(
        select(RoleGrant.id)
        .where(
            RoleGrant.user_id == user_id,
            RoleGrant.unit_id == school.id,
            RoleGrant.role.in_(patrollers),
        )
        .limit(1)
    )
    if held is None:
        raise _invalid("assignee_user_id", "Not a member of this school's staff.")


def _validate(school: Unit, data: dict[str, Any]) -> list[Checkpoint]:
    """Every rule a plan's fields must meet together; returns its checkpoints."""
    if school.kind not in SCHOOL_KINDS:
        raise _invalid("school_id", "Plans are made for a school or kindergarten.")
    if data["window_start"] >= data["window_end"]:
        raise _invalid("window_end", "The window must end after it starts (same day).")
    if data["recurrence"] == "weekdays" and not data.get("weekdays"):
        raise _invalid("weekdays", "Choose the weekdays (1 = Monday .. 7 = Sunday).")
    if data["recurrence"] == "water_season":
        raise _invalid(
            "recurrence", "Water-point visits are scheduled by the water-point registry."
        )
    _check_season(data)
    _check_assignee(school, data)
    return _check_checkpoints(school, data["checkpoint_ids"], data["template_code"])


def _apply(plan: PatrolPlan, data: dict[str, Any], checkpoints: list[Checkpoint]) -> None:
    """Copy the checked fields onto the plan."""
    for field in CHANGEABLE:
        if field != "checkpoint_ids":
            setattr(plan, field, data.get(field))
    plan.weekdays = sorted(set(data.get("weekdays") or [])) if plan.recurrence == "weekdays" else []
    plan.checkpoints = checkpoints


def _drop_open_slots(plan_id: int, now: datetime) -> None:
    """Remove the plan's open slots that have not closed and that no patrol points at (a round
    under way keeps its slot; the ones closed already are history and stay)."""
    db.session.execute(
        delete(PatrolSlot)
        .where(
            PatrolSlot.plan_id == plan_id,
            PatrolSlot.status == SLOT_OPEN,
            PatrolSlot.closes_at > now,
            ~exists().where(Patrol.slot_id == PatrolSlot.id),
        )
        .execution_options(synchronize_session=False)
    )


def create_plan(user: User, data: dict[str, Any]) -> PatrolPlan:
    """Save a plan for a school where the caller plans patrols, and make today's slots."""
    school = access.load_unit(user, data["school_id"], PLAN)
    checkpoints = _validate(school, data)
    verdict = content.check_text(user, "name", data["name"])
    plan = PatrolPlan(school_id=school.id, created_by_id=user.id)
    _apply(plan, data, checkpoints)
    db.session.add(plan)
    db.session.flush()
    content.hold_text(user, school, "patrol_plan", plan.id, "name", plan.name, verdict)
    make_slots(utcnow(), plan_ids=[plan.id], days=1)
    db.session.commit()
    return plan


def _hand_made(user: User, plan_id: int) -> PatrolPlan:
    """A plan made by hand that the caller plans (404 out of scope or kept by a registry: the
    water-point and bus registries keep theirs; 403 without patrol.plan)."""
    plan = access.load(user, PatrolPlan, plan_id, PLAN, _school_of, "patrol plan")
    if plan.managed_by is not None:
        raise access.not_found("patrol plan")
    return plan


def update_plan(user: User, plan_id: int, changes: dict[str, Any]) -> PatrolPlan:
    """Change a plan: the whole is checked again; its open slots not yet closed are made again
    from the new rules (a round already under way keeps its slot)."""
    plan = _hand_made(user, plan_id)
    if not plan.active:
        raise ApiError(409, "plan_inactive", "This plan was deleted.")
    data = {field: getattr(plan, field) for field in CHANGEABLE if field != "checkpoint_ids"}
    data["checkpoint_ids"] = [cp.id for cp in plan.checkpoints]
    if "assignee_user_id" in changes or "assignee_role" in changes:
        data["assignee_user_id"] = data["assignee_role"] = None
    data.update(changes)
    checkpoints = _validate(plan.school, data)
    if "name" in changes and changes["name"] != plan.name:
        verdict = content.check_text(user, "name", changes["name"])
        content.replace_text(
            user, plan.school, "patrol_plan", plan.id, "name", data["name"], verdict
        )
    _apply(plan, data, checkpoints)
    now = utcnow()
    db.session.flush()
    _drop_open_slots(plan.id, now)
    make_slots(now, plan_ids=[plan.id], days=2)
    db.session.commit()
    return plan


def deactivate_plan(user: User, plan_id: int) -> None:
    """Delete = deactivate: no new slots, its open ones not yet closed go; history stays.
    Deleting a deleted plan again is harmless."""
    plan = _hand_made(user, plan_id)
    plan.active = False
    _drop_open_slots(plan.id, utcnow())
    db.session.commit()


def plans_at(user: User, school_id: int) -> list[PatrolPlan]:
    """The active plans of a school where the caller plans patrols or sees the rounds."""
    school = db.session.get(Unit, school_id)
    if school is None or not access.sees(user, school):
        raise access.not_found()
    if not (access.may(user, PLAN, school) or access.may(user, "patrol.view", school)):
        raise access.forbidden(PLAN)
    query = (
        select(PatrolPlan)
        .where(
            PatrolPlan.school_id == school.id,
            PatrolPlan.active.is_(True),
            PatrolPlan.managed_by.is_(None),
        )
        .options(
            selectinload(PatrolPlan.checkpoints),
            selectinload(PatrolPlan.assignee),
            selectinload(PatrolPlan.school),
        )
        .order_by(PatrolPlan.id)
    )
    return list(db.session.scalars(query))
