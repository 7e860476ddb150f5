"""Helpers for the plan, slot, missed-round, compliance and today tests: checkpoints and plans
made directly (the checkpoint endpoints are another part's), slots and patrols as rows, and a
fixed clock for the services that take ``now``."""

from __future__ import annotations

import secrets
import uuid
from datetime import UTC, date, datetime, time, timedelta
from typing import Any

from sqlalchemy import delete, select, update

from server.clock import CHINA_TZ
from server.extensions import db
from server.models import User
from server.models.patrols import (
    SLOT_OPEN,
    ChecklistTemplate,
    Checkpoint,
    Patrol,
    PatrolPlan,
    PatrolSlot,
)
from server.services.patrol_slots import window
from tests.hazards.conftest import CAMPUS, unit_by_code

# A Wednesday in term time; 08:00 in China is 00:00 UTC.
DAY = date(2026, 6, 3)


def local(day: date, hh: int, mm: int = 0) -> datetime:
    """A local (China) time of a day as a UTC instant."""
    return datetime.combine(day, time(hh, mm), tzinfo=CHINA_TZ).astimezone(UTC)


def user_id(openid: str) -> int:
    """The id of a user by openid."""
    return db.session.scalars(select(User.id).where(User.openid == openid)).one()


def make_template(code: str = "fire_daily") -> ChecklistTemplate:
    """A shipped template of the code (no items: the slots never read them)."""
    found = db.session.scalars(
        select(ChecklistTemplate).where(ChecklistTemplate.code == code)
    ).first()
    if found:
        return found
    template = ChecklistTemplate(code=code, kind="fire", name="日常防火巡查", version=1)
    db.session.add(template)
    db.session.commit()
    return template


def make_checkpoint(
    school_code: str = "YQ101", name: str = "食堂", codes: tuple[str, ...] = ("fire_daily",)
) -> Checkpoint:
    """An active checkpoint of a school, written directly."""
    make_template(codes[0])
    checkpoint = Checkpoint(
        school_id=unit_by_code(school_code).id,
        name=name,
        lat=CAMPUS["lat"],
        lng=CAMPUS["lng"],
        coord_system="gcj02",
        radius_m=50,
        template_codes=list(codes),
        token=secrets.token_urlsafe(24),
        created_by_id=user_id("demo-school_admin"),
    )
    db.session.add(checkpoint)
    db.session.commit()
    return checkpoint


def plan_body(checkpoint_ids: list[int], **changes: Any) -> dict[str, Any]:
    """A valid plan of 符离中心小学 for the demo teacher, changed by ``changes``."""
    body = {
        "school_id": unit_by_code("YQ101").id,
        "name": "日常防火巡查",
        "template_code": "fire_daily",
        "checkpoint_ids": checkpoint_ids,
        "assignee_user_id": user_id("demo-teacher"),
        "recurrence": "daily",
        "window_start": "07:30",
        "window_end": "08:30",
        "remind_minutes_before": 30,
        "escalate_after_misses": 2,
    }
    body.update(changes)
    return body


def make_plan(checkpoints: list[Checkpoint], **changes: Any) -> PatrolPlan:
    """A plan written directly (no slots made): ``changes`` override the defaults."""
    values = {
        "school_id": checkpoints[0].school_id,
        "name": "日常防火巡查",
        "template_code": "fire_daily",
        "assignee_user_id": user_id("demo-teacher"),
        "recurrence": "daily",
        "weekdays": [],
        "window_start": time(7, 30),
        "window_end": time(8, 30),
        "remind_minutes_before": 30,
        "escalate_after_misses": 2,
        "created_by_id": user_id("demo-school_admin"),
    }
    values.update(changes)
    plan = PatrolPlan(**values)
    plan.checkpoints = list(checkpoints)
    db.session.add(plan)
    db.session.commit()
    return plan


def make_slot(plan: PatrolPlan, checkpoint: Checkpoint, day: date, status: str = SLOT_OPEN):
    """A slot of the plan's window on ``day``, written directly."""
    opens, closes = window(day, plan.window_start, plan.window_end)
    slot = PatrolSlot(
        plan_id=plan.id,
        checkpoint_id=checkpoint.id,
        school_id=plan.school_id,
        day=day,
        opens_at=opens,
        closes_at=closes,
        status=status,
    )
    db.session.add(slot)
    db.session.commit()
    return slot


def make_patrol(slot: PatrolSlot, user: int, scanned_at: datetime, delay: timedelta) -> Patrol:
    """A patrol linked to the slot, received ``delay`` after it was scanned."""
    template = make_template(db.session.get(PatrolPlan, slot.plan_id).template_code)
    patrol = Patrol(
        client_uuid=str(uuid.uuid4()),
        content_digest="0" * 64,
        checkpoint_id=slot.checkpoint_id,
        school_id=slot.school_id,
        template_id=template.id,
        user_id=user,
        slot_id=slot.id,
        lat=CAMPUS["lat"],
        lng=CAMPUS["lng"],
        accuracy_m=8,
        coord_system="gcj02",
        distance_m=3,
        scanned_at=scanned_at,
        sent_at=scanned_at + delay,
        received_at=scanned_at + delay,
        flags=[],
    )
    db.session.add(patrol)
    db.session.commit()
    return patrol


def only_hand_made() -> None:
    """End the demo's registry-kept plans (its buses' trips) and drop every slot, for tests
    that make slots for all plans and count them."""
    db.session.execute(
        update(PatrolPlan).where(PatrolPlan.managed_by.is_not(None)).values(active=False)
    )
    db.session.execute(delete(PatrolSlot))
    db.session.commit()
