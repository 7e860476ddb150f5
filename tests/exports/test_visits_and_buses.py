"""Water-point visits and bus inspections, hand-checked against the slots and rounds."""

from __future__ import annotations

import uuid
from datetime import date, timedelta

from sqlalchemy import select

from server.extensions import db
from server.models import Patrol, PatrolAnswer, User, WaterPoint, WaterPointSchool
from server.models.patrols import ChecklistItem, PatrolPlan, PatrolSlot
from server.services.demo_water import seed_water_points
from server.services.exports.bus_inspections import COLUMNS as BUS_COLUMNS
from server.services.exports.water_visits import COLUMNS as WATER_COLUMNS
from server.services.patrol_missed import run_rounds
from server.services.water_plans import MANAGED
from server.water_schedule import window_containing
from tests.buses.conftest import (
    inspect,
    inspection_body,
    local,
    make_bus,
    past_school_day,
    slots_on,
)
from tests.buses.conftest import staff as staff  # a fixture, used by name
from tests.exports.conftest import sheet_of
from tests.hazards.conftest import unit_by_code

__all__ = ["inspect", "inspection_body", "make_bus"]  # fixtures used by name


def _rows(data: bytes, columns) -> list[dict]:
    """An xlsx file's data rows as dicts by header (asserting the header row)."""
    rows = list(sheet_of(data).iter_rows(values_only=True))
    headers = [c.header for c in columns]
    assert list(rows[0]) == headers
    return [dict(zip(headers, row, strict=True)) for row in rows[1:]]


def test_water_visits(people, checklists, export, download):
    school = unit_by_code("YQ101")
    seed_water_points(school)
    db.session.commit()
    plan = db.session.scalars(
        select(PatrolPlan).where(
            PatrolPlan.managed_by == MANAGED, PatrolPlan.school_id == school.id
        )
    ).one()
    window = window_containing(date(2026, 7, 1))
    checkpoints = sorted({p.checkpoint for p in plan_points(school.id)}, key=lambda c: c.id)
    river, pond = sorted(checkpoints, key=lambda c: c.name != "沱河符离段")
    opens = local(window.first, 7)
    slots = {}
    for checkpoint, status in ((river, "done"), (pond, "missed")):
        slot = PatrolSlot(
            plan_id=plan.id,
            checkpoint_id=checkpoint.id,
            school_id=school.id,
            day=window.first,
            opens_at=opens,
            closes_at=local(window.last, 20),
            status=status,
        )
        db.session.add(slot)
        db.session.flush()
        slots[checkpoint.name] = slot
    template = checklists["water_point"]
    items = sorted(template.items, key=lambda item: item.position)
    patroller = db.session.scalars(select(User).where(User.openid == "demo-teacher")).one()
    visit = Patrol(
        client_uuid=str(uuid.uuid4()),
        content_digest="0" * 64,
        checkpoint_id=river.id,
        school_id=school.id,
        template_id=template.id,
        user_id=patroller.id,
        slot_id=slots["沱河符离段"].id,
        lat=river.lat,
        lng=river.lng,
        accuracy_m=8,
        coord_system="gcj02",
        distance_m=5,
        scanned_at=opens + timedelta(hours=2),
        sent_at=opens + timedelta(hours=2),
        received_at=opens + timedelta(hours=2),
        flags=[],
    )
    visit.answers = [
        PatrolAnswer(item_id=item.id, answer="fail" if i == 1 else "pass")
        for i, item in enumerate(items)
    ]
    db.session.add(visit)
    db.session.commit()
    job = export(
        people["school_admin@own"],
        "water_visits",
        "xlsx",
        school.id,
        **{"from": window.first.isoformat(), "to": window.first.isoformat()},
    ).get_json()
    rows = _rows(download(people["school_admin@own"], job["id"]).data, WATER_COLUMNS)
    by_point = {row["水域名称"]: row for row in rows}
    assert set(by_point) == {"沱河符离段", "后李村南大塘"}
    done, missed = by_point["沱河符离段"], by_point["后李村南大塘"]
    assert done["结果"] == "已巡查" and missed["结果"] == "未巡查"
    assert done["类型"] == "河流" and missed["类型"] == "池塘"
    assert done["学校"] == done["涉及学校"] == "符离中心小学"
    assert done["时段"] == window.period_name
    assert done["开始日期"].date() == window.first and done["截止日期"].date() == window.last
    assert done["巡查人"] == patroller.display_name and done["不合格项"] == items[1].text
    assert missed["巡查人"] is None and missed["巡查时间"] is None


def plan_points(school_id: int):
    """The water points concerning the school."""
    return db.session.scalars(
        select(WaterPoint).join(WaterPointSchool).where(WaterPointSchool.school_id == school_id)
    ).all()


def test_bus_inspections(client, staff, make_bus, inspect, export, download):
    bus = make_bus()
    day = past_school_day()
    slots_on(bus["id"], day)
    assert inspect(bus, local(day, 7, 0), fails={"brakes": "刹车偏软"}).status_code == 201
    run_rounds(local(day, 17, 0))  # the afternoon departure passed uninspected
    school = unit_by_code("YQ101")
    job = export(
        staff["officer"],
        "bus_inspections",
        "xlsx",
        school.id,
        **{"from": day.isoformat(), "to": day.isoformat()},
    ).get_json()
    rows = _rows(download(staff["officer"], job["id"]).data, BUS_COLUMNS)
    assert [(r["车牌"], r["班次"], r["状态"]) for r in rows] == [
        ("皖L55501", "早班", "不合格"),
        ("皖L55501", "晚班", "漏检"),
    ]
    morning = rows[0]
    inspector = db.session.scalars(select(User).where(User.openid == "demo-bus_inspector")).one()
    assert morning["检查人"] == inspector.display_name and morning["日期"].date() == day
    brakes = db.session.scalars(
        select(ChecklistItem.text).where(ChecklistItem.code == "brakes")
    ).first()
    assert morning["不合格项"] == brakes and morning["学校"] == "符离中心小学"
    assert rows[1]["检查人"] is None
