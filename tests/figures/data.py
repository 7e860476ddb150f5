"""A known set of hazards, slots and notice acknowledgments in the demo district, written
straight into the tables (the figures read what the lifecycle leaves behind), for hand counts.

The period is the 2023 campaign (2023-03-22 .. 2023-12-31); NOW is 2024-01-10 12:00 in China.
"""

from __future__ import annotations

import uuid
from datetime import date, datetime, timedelta
from datetime import time as clock
from decimal import Decimal

from sqlalchemy import select

from server.clock import CHINA_TZ
from server.extensions import db
from server.models import Hazard, Notice, NoticeRecipient, SchoolClass, Unit, User
from server.models.campaigns import FocusProblem
from server.models.patrols import (
    ChecklistItem,
    ChecklistTemplate,
    Checkpoint,
    Patrol,
    PatrolAnswer,
    PatrolPlan,
    PatrolSlot,
)
from server.models.people import Child

FIRST, LAST = date(2023, 3, 22), date(2023, 12, 31)
NOW = datetime(2024, 1, 10, 12, 0, tzinfo=CHINA_TZ)


def local(day: str, hour: int = 10, minute: int = 0) -> datetime:
    """A China-time instant on ``day`` (YYYY-MM-DD)."""
    return datetime.combine(date.fromisoformat(day), clock(hour, minute), tzinfo=CHINA_TZ)


def unit(code: str) -> Unit:
    """The demo unit with this code."""
    return db.session.scalars(select(Unit).where(Unit.code == code)).one()


def _focus(code: str | None) -> int | None:
    """The id of a focus problem by code."""
    if code is None:
        return None
    return db.session.scalars(select(FocusProblem.id).where(FocusProblem.code == code)).first()


def _somebody() -> User:
    """A user to report, plan and patrol (who does it does not count in the figures)."""
    user = User(openid=f"figures-{uuid.uuid4().hex[:10]}", display_name="测试")
    db.session.add(user)
    db.session.flush()
    return user


def add_hazard(
    school: str,
    status: str,
    reported: datetime,
    *,
    focus: str | None = "fire.utilities",
    closed: datetime | None = None,
    deadline: date | None = None,
    funds: str | None = None,
    duplicate_of: int | None = None,
    reporter: User | None = None,
) -> Hazard:
    """One hazard as the lifecycle would have left it."""
    hazard = Hazard(
        client_uuid=str(uuid.uuid4()),
        content_digest="x" * 64,
        school_id=unit(school).id,
        reporter_id=(reporter or _somebody()).id,
        focus_problem_id=_focus(focus),
        description="测试隐患",
        severity="general",
        status=status,
        lat=33.77,
        lng=116.95,
        accuracy_m=10,
        coord_system="gcj02",
        reported_at=reported,
        deadline=deadline,
        responsible_person="王强" if deadline else None,
        funds_yuan=Decimal(funds) if funds else None,
        closed_at=closed,
        duplicate_of_id=duplicate_of,
    )
    db.session.add(hazard)
    db.session.flush()
    return hazard


def add_plan(school: str, managed_by: str | None, user: User) -> tuple[PatrolPlan, Checkpoint]:
    """A plan with one checkpoint at a school."""
    school_id = unit(school).id
    checkpoint = Checkpoint(
        school_id=school_id,
        name="检查点",
        kind={"water": "water", "bus": "bus"}.get(managed_by or "", "place"),
        lat=33.77,
        lng=116.95,
        coord_system="gcj02",
        token=uuid.uuid4().hex,
        created_by_id=user.id,
    )
    plan = PatrolPlan(
        school_id=school_id,
        name="巡查",
        template_code="fire_daily",
        assignee_user_id=user.id,
        recurrence="daily",
        window_start=clock(8),
        window_end=clock(9),
        managed_by=managed_by,
        created_by_id=user.id,
    )
    db.session.add_all([checkpoint, plan])
    db.session.flush()
    return plan, checkpoint


def add_slot(plan: PatrolPlan, checkpoint: Checkpoint, day: str, status: str, closes=None):
    """A slot of ``plan`` on ``day``, its window 08:00-09:00 China time unless ``closes``."""
    slot = PatrolSlot(
        plan_id=plan.id,
        checkpoint_id=checkpoint.id,
        school_id=plan.school_id,
        day=date.fromisoformat(day),
        opens_at=local(day, 8),
        closes_at=closes or local(day, 9),
        status=status,
    )
    db.session.add(slot)
    db.session.flush()
    return slot


def add_round(slot: PatrolSlot, user: User, failed: bool) -> None:
    """The round that did a slot, with one answer (failed or passed)."""
    template = db.session.scalars(select(ChecklistTemplate).order_by(ChecklistTemplate.id)).first()
    item = db.session.scalars(
        select(ChecklistItem).where(ChecklistItem.template_id == template.id)
    ).first()
    patrol = Patrol(
        client_uuid=str(uuid.uuid4()),
        content_digest="x" * 64,
        checkpoint_id=slot.checkpoint_id,
        school_id=slot.school_id,
        template_id=template.id,
        user_id=user.id,
        slot_id=slot.id,
        lat=33.77,
        lng=116.95,
        accuracy_m=10,
        coord_system="gcj02",
        distance_m=3,
        scanned_at=slot.opens_at + timedelta(minutes=5),
        sent_at=slot.opens_at + timedelta(minutes=6),
    )
    db.session.add(patrol)
    db.session.flush()
    db.session.add(
        PatrolAnswer(patrol_id=patrol.id, item_id=item.id, answer="fail" if failed else "pass")
    )


def add_child(school: str, name: str) -> Child:
    """A pupil in the school's first class."""
    school_class = db.session.scalars(
        select(SchoolClass).where(SchoolClass.school_id == unit(school).id).order_by(SchoolClass.id)
    ).first()
    child = Child(class_id=school_class.id, name=name)
    db.session.add(child)
    db.session.flush()
    return child


def add_notice(author: User, sent: datetime | None) -> Notice:
    """A notice from the bureau, sent at ``sent`` (None: a draft)."""
    notice = Notice(
        author_id=author.id, unit_id=unit("YQ000").id, title="通知", body="内容", sent_at=sent
    )
    db.session.add(notice)
    db.session.flush()
    return notice


def reach(notice: Notice, child: Child, parent: User, acknowledged: datetime | None) -> None:
    """A (parent, child) row of a notice."""
    school = db.session.get(SchoolClass, child.class_id).school
    db.session.add(
        NoticeRecipient(
            notice_id=notice.id,
            parent_id=parent.id,
            child_id=child.id,
            class_id=child.class_id,
            unit_path=school.path,
            acknowledged_at=acknowledged,
        )
    )


def build() -> dict:
    """The known set (see the tests for the hand counts); returns a few of its rows."""
    h1 = add_hazard(
        "YQ101",
        "verified",
        local("2023-04-01"),
        closed=local("2023-04-05"),
        deadline=date(2023, 4, 10),
        funds="1200.50",
    )
    add_hazard("YQ101", "fixed_on_spot", local("2023-04-02"), closed=local("2023-04-02", 16))
    add_hazard(
        "YQ101",
        "planned",
        local("2023-05-01", 8),
        focus="fire.patrol",
        deadline=date(2023, 6, 1),
        funds="300",
    )
    add_hazard(
        "YQ102",
        "rectifying",
        local("2023-11-05", 8),
        focus="food.rules",
        deadline=date(2024, 2, 1),
        funds="50.25",
    )
    add_hazard(
        "YQ201", "fix_submitted", local("2023-11-10"), deadline=date(2023, 11, 20), funds="100"
    )
    add_hazard("YQ201", "reported", local("2023-03-25"), focus=None)
    add_hazard(
        "YQ202", "closed", local("2023-06-01"), focus="bus.maintenance", closed=local("2023-06-02")
    )
    add_hazard(
        "YQ301",
        "verified",
        local("2023-10-01", 0),
        focus="bus.maintenance",
        closed=local("2023-10-11", 0),
        deadline=date(2023, 10, 15),
        funds="999.99",
    )
    # Left out: a duplicate, and reports before and after the period.
    add_hazard("YQ101", "reported", local("2023-04-03"), duplicate_of=h1.id)
    add_hazard("YQ101", "reported", local("2023-03-21", 23, 59), funds="5")
    add_hazard("YQ101", "reported", local("2024-01-01", 0), funds="5")

    user = _somebody()
    fire, fire_point = add_plan("YQ101", None, user)
    add_slot(fire, fire_point, "2023-05-01", "done")
    add_slot(fire, fire_point, "2023-05-02", "late")
    add_slot(fire, fire_point, "2023-05-03", "missed")
    add_slot(fire, fire_point, "2023-05-04", "open")  # window over: missed already
    add_slot(fire, fire_point, "2023-12-31", "open", closes=NOW + timedelta(hours=1))  # not due
    add_slot(fire, fire_point, "2023-03-21", "done")  # before the period
    kinder, kinder_point = add_plan("YQ102", None, user)
    add_slot(kinder, kinder_point, "2023-06-01", "done")
    water, water_point = add_plan("YQ201", "water", user)
    add_slot(water, water_point, "2023-07-01", "done")
    add_slot(water, water_point, "2023-07-10", "late")
    add_slot(water, water_point, "2023-07-20", "missed")
    bus, bus_point = add_plan("YQ301", "bus", user)
    add_round(add_slot(bus, bus_point, "2023-09-01", "done"), user, failed=False)
    add_round(add_slot(bus, bus_point, "2023-09-02", "done"), user, failed=True)
    add_round(add_slot(bus, bus_point, "2023-09-03", "late"), user, failed=False)
    add_slot(bus, bus_point, "2023-09-04", "missed")

    c1, c2 = add_child("YQ101", "甲"), add_child("YQ101", "乙")
    c3, c4 = add_child("YQ201", "丙"), add_child("YQ301", "丁")
    mother, father, other = _somebody(), _somebody(), _somebody()
    a = add_notice(user, local("2023-09-01"))
    # One guardian acknowledged c1: written on both guardians' rows (a child counts once).
    reach(a, c1, mother, local("2023-09-02"))
    reach(a, c1, father, local("2023-09-02"))
    reach(a, c2, other, None)
    reach(a, c3, other, local("2023-09-03"))
    b = add_notice(user, local("2023-10-01"))
    reach(b, c1, mother, None)
    reach(b, c1, father, None)
    reach(b, c4, other, local("2023-10-02"))
    late = add_notice(user, local("2024-02-01"))  # after the period
    reach(late, c2, other, local("2024-02-02"))
    db.session.commit()
    return {"user": user}
