"""Reminders before a slot opens, and missed rounds: the minute job's two steps.

Each step is claimed by a conditional UPDATE ... RETURNING (``reminded_at`` still empty; status
still open), so a slot is reminded once and missed once however many workers run the job: on
PostgreSQL the second worker's UPDATE waits for the first's commit and then finds nothing left.
The messages are written in the same transaction as the claim and pushed after the commit.

A run of misses escalates: after ``escalate_after_misses`` missed slots in a row of the same plan
and checkpoint the school's safety officer (holders of ``hazard.plan`` at the school) is told,
after twice as many the supervisor above the school. The slot at which a run reached a level
records it (``escalation_level``), so each run of misses escalates to each level once.
"""

from __future__ import annotations

from collections import defaultdict
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import and_, func, or_, select, update
from sqlalchemy.orm import selectinload

from server import access
from server.clock import local_time
from server.extensions import db
from server.models import RoleGrant, utcnow
from server.models.patrols import SLOT_MISSED, SLOT_OPEN, PatrolPlan, PatrolSlot
from server.services import content
from server.services.notify import enqueue_deliveries, notify

# remind_minutes_before is at most this (the schemas bound it), so candidates are few.
MAX_REMIND_MINUTES = 720
# How far back a run of misses is read (twice the largest escalate_after_misses, and more).
STREAK_LOOKBACK = 200
GENERIC_NAME = "巡查任务"
LEVEL_NAMES = {1: "学校安全负责人", 2: "上级督导"}


def _assignees(plans: list[PatrolPlan]) -> dict[int, set[int]]:
    """Who each plan's slots are for: its named person, or everyone holding its role at its
    school (one statement for all role plans)."""
    found: dict[int, set[int]] = {p.id: {p.assignee_user_id} for p in plans if p.assignee_user_id}
    by_role = [p for p in plans if p.assignee_user_id is None]
    if by_role:
        pairs = {(p.assignee_role, p.school_id) for p in by_role}
        rows = db.session.execute(
            select(RoleGrant.role, RoleGrant.unit_id, RoleGrant.user_id).where(
                or_(*(and_(RoleGrant.role == r, RoleGrant.unit_id == u) for r, u in pairs))
            )
        ).all()
        holders: dict[tuple[str, int], set[int]] = defaultdict(set)
        for role, unit_id, user_id in rows:
            holders[(role, unit_id)].add(user_id)
        for plan in by_role:
            found[plan.id] = holders[(plan.assignee_role, plan.school_id)]
    return found


def _slots_by_plan(ids: list[int]) -> dict[PatrolPlan, list[PatrolSlot]]:
    """The claimed slots with their plans, checkpoints and schools, grouped by plan."""
    grouped: dict[PatrolPlan, list[PatrolSlot]] = defaultdict(list)
    if not ids:
        return grouped
    slots = db.session.scalars(
        select(PatrolSlot)
        .where(PatrolSlot.id.in_(ids))
        .options(
            selectinload(PatrolSlot.plan).selectinload(PatrolPlan.school),
            selectinload(PatrolSlot.checkpoint),
        )
        .order_by(PatrolSlot.plan_id, PatrolSlot.day, PatrolSlot.checkpoint_id)
    )
    for slot in slots:
        grouped[slot.plan].append(slot)
    return grouped


def _names(plans: list[PatrolPlan]) -> dict[int, str]:
    """Plan names fit to push: a name still held by the content check is not sent."""
    held = content.held_ids("patrol_plan", [p.id for p in plans])
    return {p.id: GENERIC_NAME if p.id in held else p.name for p in plans}


def _places(slots: list[PatrolSlot]) -> str:
    """The checkpoints of a message, short enough for a push's field."""
    names = [s.checkpoint.name for s in slots]
    text = "、".join(names[:3])
    return f"{text}等{len(names)}处" if len(names) > 3 else text


def _span(slot: PatrolSlot) -> str:
    """A slot's window as the push says it: ``07:30-08:30`` within a day; a water point's
    window of several days by its dates, ``06-01至06-07``."""
    opens, closes = local_time(slot.opens_at), local_time(slot.closes_at)
    if slot.closes_at - slot.opens_at < timedelta(days=1):
        return f"{opens[-5:]}-{closes[-5:]}"
    last = local_time(slot.closes_at - timedelta(minutes=1))
    if last[:10] == opens[:10]:
        return f"{opens[5:10]}全天"
    return f"{opens[5:10]}至{last[5:10]}"


def _claim_reminders(due: list[int], now: datetime) -> list[int]:
    """Mark these slots reminded unless another worker did; returns the ids this call got."""
    return list(
        db.session.scalars(
            update(PatrolSlot)
            .where(
                PatrolSlot.id.in_(due),
                PatrolSlot.reminded_at.is_(None),
                PatrolSlot.status == SLOT_OPEN,
            )
            .values(reminded_at=now)
            .returning(PatrolSlot.id)
            .execution_options(synchronize_session=False)
        ).all()
    )


def remind_due(now: datetime) -> tuple[int, list[int]]:
    """Claim and remind the open slots whose reminder time has come; returns how many slots
    and the pending delivery ids (the caller commits, then enqueues)."""
    candidates = db.session.execute(
        select(PatrolSlot.id, PatrolSlot.opens_at, PatrolPlan.remind_minutes_before)
        .join(PatrolPlan, PatrolPlan.id == PatrolSlot.plan_id)
        .where(
            PatrolSlot.status == SLOT_OPEN,
            PatrolSlot.reminded_at.is_(None),
            PatrolSlot.closes_at > now,
            PatrolSlot.opens_at <= now + timedelta(minutes=MAX_REMIND_MINUTES),
            PatrolPlan.active.is_(True),
        )
    ).all()
    due = [i for i, opens, minutes in candidates if opens - timedelta(minutes=minutes) <= now]
    if not due:
        return 0, []
    grouped = _slots_by_plan(_claim_reminders(due, now))
    people, names = _assignees(list(grouped)), _names(list(grouped))
    deliveries: list[int] = []
    for plan, slots in grouped.items():
        opens = local_time(slots[0].opens_at)
        body = f"{plan.school.name}:{_places(slots)},{_span(slots[0])}"
        deliveries += notify(
            people[plan.id],
            kind="patrol_due",
            title=f"巡查提醒:{names[plan.id]}",
            body=body,
            template_key="patrol_due",
            values={"title": names[plan.id], "body": body, "sent_at": opens},
            data={"plan_id": plan.id, "slot_ids": [s.id for s in slots]},
        )
    return sum(len(slots) for slots in grouped.values()), deliveries


def _claim_missed(now: datetime) -> list[int]:
    """Mark every open slot whose window has closed as missed; returns the ids this call
    claimed (none that another worker claimed first)."""
    return list(
        db.session.scalars(
            update(PatrolSlot)
            .where(PatrolSlot.status == SLOT_OPEN, PatrolSlot.closes_at <= now)
            .values(status=SLOT_MISSED, missed_at=now)
            .returning(PatrolSlot.id)
            .execution_options(synchronize_session=False)
        ).all()
    )


def _recent(plan_ids: list[int]) -> dict[tuple[int, int], list[Any]]:
    """The latest closed slots of each (plan, checkpoint) of these plans, oldest first."""
    ranked = (
        select(
            PatrolSlot.id,
            PatrolSlot.plan_id,
            PatrolSlot.checkpoint_id,
            PatrolSlot.day,
            PatrolSlot.status,
            PatrolSlot.escalation_level,
            func.row_number()
            .over(
                partition_by=(PatrolSlot.plan_id, PatrolSlot.checkpoint_id),
                order_by=PatrolSlot.day.desc(),
            )
            .label("rank"),
        )
        .where(PatrolSlot.plan_id.in_(plan_ids), PatrolSlot.status != SLOT_OPEN)
        .subquery()
    )
    rows = db.session.execute(
        select(ranked).where(ranked.c.rank <= STREAK_LOOKBACK).order_by(ranked.c.day)
    ).all()
    found: dict[tuple[int, int], list[Any]] = defaultdict(list)
    for row in rows:
        found[(row.plan_id, row.checkpoint_id)].append(row)
    return found


def _escalations(grouped: dict[PatrolPlan, list[PatrolSlot]]) -> list[tuple[Any, ...]]:
    """(slot, level reached before, level reached now, misses in a row) for each newly missed
    slot at which a run of misses reaches a level it had not reached yet."""
    claimed = {s.id: s for slots in grouped.values() for s in slots}
    plans = {p.id: p for p in grouped}
    found = []
    for (plan_id, _checkpoint), rows in _recent(list(plans)).items():
        every = plans[plan_id].escalate_after_misses
        streak, reached = 0, 0
        for row in rows:
            if row.status != SLOT_MISSED:
                streak, reached = 0, 0
                continue
            streak += 1
            reached = max(reached, row.escalation_level)
            target = 2 if streak >= 2 * every else 1 if streak >= every else 0
            if row.id in claimed and target > reached:
                found.append((claimed[row.id], reached, target, streak))
                reached = target
    return found


def _claim_level(slot: PatrolSlot, level: int) -> bool:
    """Record the level on the slot unless it was recorded already (told once)."""
    return bool(
        db.session.execute(
            update(PatrolSlot)
            .where(PatrolSlot.id == slot.id, PatrolSlot.escalation_level < level)
            .values(escalation_level=level)
            .execution_options(synchronize_session=False)
        ).rowcount
    )


def _escalate(slot: PatrolSlot, level: int, misses: int, name: str) -> list[int]:
    """Tell the safety officer (level 1), or the supervisor above the school (level 2)."""
    if not _claim_level(slot, level):
        return []
    school = slot.plan.school
    units = [school.id] if level == 1 else school.ancestor_ids()[:1]
    body = f"{school.name}{slot.checkpoint.name}已连续{misses}次漏巡({name})。"
    return notify(
        access.holders_at(units, "hazard.plan"),
        kind="patrol_escalated",
        title=f"连续漏巡通报({LEVEL_NAMES[level]})",
        body=body,
        template_key="patrol_missed",
        values={"title": name, "body": body, "sent_at": local_time(slot.closes_at)},
        data={"plan_id": slot.plan_id, "slot_id": slot.id, "level": level, "misses": misses},
    )


def mark_missed(now: datetime) -> tuple[int, list[int]]:
    """Mark closed open slots missed, tell each person, escalate runs of misses; returns how
    many slots were marked and the pending delivery ids (the caller commits, then enqueues)."""
    claimed = _claim_missed(now)
    grouped = _slots_by_plan(claimed)
    people, names = _assignees(list(grouped)), _names(list(grouped))
    deliveries: list[int] = []
    for plan, slots in grouped.items():
        body = f"{plan.school.name}:{_places(slots)},{local_time(slots[0].closes_at)}前未巡查"
        deliveries += notify(
            people[plan.id],
            kind="patrol_missed",
            title=f"漏巡:{names[plan.id]}",
            body=body,
            template_key="patrol_missed",
            values={"title": names[plan.id], "body": body, "sent_at": local_time(now)},
            data={"plan_id": plan.id, "slot_ids": [s.id for s in slots]},
        )
    if grouped:
        for slot, before, level, misses in _escalations(grouped):
            # A run that passed both thresholds at once (the job was down) tells both, in turn.
            for step in range(before + 1, level + 1):
                deliveries += _escalate(slot, step, misses, names[slot.plan_id])
    return len(claimed), deliveries


def run_rounds(now: datetime | None = None) -> dict[str, int]:
    """The job's body: reminders, then missed rounds; committed, then pushed."""
    now = now or utcnow()
    reminded, deliveries = remind_due(now)
    missed, more = mark_missed(now)
    db.session.commit()
    enqueue_deliveries(deliveries + more)
    return {"reminded": reminded, "missed": missed, "pushes": len(deliveries + more)}
