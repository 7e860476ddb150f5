"""Overdue hazards escalate: the school first, then its supervisor, then the bureau.

A hazard is overdue when its plan's deadline has passed and the fix has not been submitted. The
periodic job raises each overdue hazard one level at a time, writing an ``escalated`` event and an
inbox notification for every recipient in the same transaction (the notifications issue pushes
them to WeChat from there). Each step is claimed by a conditional UPDATE (level n-1 -> n), so two
workers, or the CLI beside a worker, never send the same step twice.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from sqlalchemy import select, update
from sqlalchemy.orm.attributes import set_committed_value

from server import access
from server.clock import local_today
from server.extensions import db
from server.models import Hazard, HazardEvent, Unit
from server.models.hazards import PLANNED, RECTIFYING
from server.services.notify import enqueue_deliveries, notify

OVERDUE_STATUSES = (PLANNED, RECTIFYING)
LEVEL_NAMES = {1: "学校", 2: "中心校/集团校", 3: "教育局"}


@dataclass(frozen=True)
class EscalationPolicy:
    """Days past the deadline at which each level is reached."""

    school_days: int = 0
    supervisor_days: int = 3
    bureau_days: int = 7

    def level_for(self, days_overdue: int) -> int:
        """The escalation level a hazard this many days overdue should be at."""
        if days_overdue >= self.bureau_days:
            return 3
        if days_overdue >= self.supervisor_days:
            return 2
        return 1 if days_overdue > self.school_days else 0


def is_overdue(hazard: Hazard, today: date) -> bool:
    """Past its deadline and still being worked on."""
    return (
        hazard.deadline is not None
        and hazard.deadline < today
        and hazard.status in OVERDUE_STATUSES
        and hazard.duplicate_of_id is None
    )


def _admins_at(unit_ids: list[int]) -> set[int]:
    """Users at any of these units whose role is told of escalated hazards there (the admins who
    answer for an overdue hazard, and the bureau's safety-office staff)."""
    return access.holders_at(unit_ids, "hazard.escalation")


def recipients(hazard: Hazard, level: int) -> set[int]:
    """Who hears of an escalation at ``level``: the school's managers and the responsible user;
    then the admins of the unit above; then the bureau's admins and staff (the top of the path)."""
    school: Unit = hazard.school
    ancestors = school.ancestor_ids()
    if level == 1:
        users = _admins_at([school.id])
        if hazard.responsible_user_id:
            users.add(hazard.responsible_user_id)
        return users
    if level == 2:
        return _admins_at(ancestors[:1])
    return _admins_at(ancestors[-1:])


def escalate_overdue(today: date | None = None, policy: EscalationPolicy | None = None) -> int:
    """Raise every overdue hazard to the level its lateness calls for; returns how many moved."""
    today = today or local_today()
    policy = policy or EscalationPolicy()
    moved = 0
    query = select(Hazard).where(
        Hazard.deadline < today,
        Hazard.status.in_(OVERDUE_STATUSES),
        Hazard.duplicate_of_id.is_(None),
        Hazard.escalation_level < 3,
    )
    for hazard in db.session.scalars(query).all():
        target = policy.level_for((today - hazard.deadline).days)
        if hazard.escalation_level >= target:
            continue
        # Step through each level, so a job that missed days still notifies everyone in turn.
        deliveries: list[int] = []
        steps = 0
        while hazard.escalation_level < target:
            step = _escalate_one(hazard, hazard.escalation_level + 1, today)
            if step is None:
                break
            deliveries += step
            steps += 1
        if not steps:
            db.session.rollback()  # another worker took this step; it walks the rest too
            continue
        db.session.commit()
        enqueue_deliveries(deliveries)
        moved += 1
    return moved


def _claim_level(hazard: Hazard, level: int) -> bool:
    """Move the hazard to ``level`` only if it is still one below; False when another worker
    (or run) got there first. On PostgreSQL the second UPDATE waits for the first's commit and
    then finds the level changed."""
    claimed = db.session.execute(
        update(Hazard)
        .where(Hazard.id == hazard.id, Hazard.escalation_level == level - 1)
        .values(escalation_level=level)
        .execution_options(synchronize_session=False)
    ).rowcount
    if claimed:
        set_committed_value(hazard, "escalation_level", level)
    return bool(claimed)


def _escalate_one(hazard: Hazard, level: int, today: date) -> list[int] | None:
    """Record one step up, with inbox messages and pushes; returns the pending delivery ids, or
    None when the step was already taken."""
    if not _claim_level(hazard, level):
        return None
    users = recipients(hazard, level)
    days = (today - hazard.deadline).days
    db.session.add(
        HazardEvent(
            hazard_id=hazard.id,
            actor_id=None,
            kind="escalated",
            from_status=hazard.status,
            to_status=hazard.status,
            changes={"level": level, "days_overdue": days, "recipients": sorted(users)},
        )
    )
    return notify(
        users,
        kind="hazard_overdue",
        title=f"隐患整改逾期({LEVEL_NAMES[level]})",
        body=f"{hazard.school.name}的隐患“{hazard.description[:40]}”已逾期{days}天,"
        f"整改责任人:{hazard.responsible_person}。",
        template_key="hazard_overdue",
        values={
            "school": hazard.school.name,
            "description": hazard.description,
            "deadline": hazard.deadline.isoformat(),
            "level": f"逾期{days}天,已通报{LEVEL_NAMES[level]}",
            "hazard_id": hazard.id,
        },
        data={"hazard_id": hazard.id, "level": level, "days_overdue": days},
        hazard_id=hazard.id,
    )
