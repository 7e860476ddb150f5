"""Helpers for the patrol submission tests: a canteen checkpoint of 符离中心小学 with a five-item
fire checklist made directly as rows, a round's body, uploads of real photos, slots."""

from __future__ import annotations

import io
import secrets
import uuid
from datetime import UTC, datetime, time, timedelta
from pathlib import Path

import pytest
from PIL import Image
from sqlalchemy import select, update

from server.clock import CHINA_TZ
from server.extensions import db
from server.models import FocusProblem, User
from server.models.patrols import (
    ChecklistItem,
    ChecklistTemplate,
    Checkpoint,
    PatrolPlan,
    PatrolSlot,
)
from tests.hazards.conftest import CAMPUS, grant_role, unit_by_code

PHOTOS = Path(__file__).resolve().parents[1] / "fixtures" / "photos"
# The checklist's items: (code, text, focus problem).
ITEMS = [
    ("extinguishers", "灭火器在位且在有效期内", "fire.patrol"),
    ("exits", "安全出口、疏散通道畅通", "fire.patrol"),
    ("lighting", "应急照明、疏散指示标志完好", "fire.patrol"),
    ("wiring", "电线插座无私拉乱接", "fire.utilities"),
    ("gas", "燃气阀门、厨房用火安全", "fire.utilities"),
]
PERSONAS = {
    "teacher": "demo-teacher",
    "school_admin": "demo-school_admin",
    "supervisor": "demo-supervisor",
    "guard": "demo-guard",
    "parent": "demo-parent",
    "sibling_admin": "sibling-school-admin",
}
# Metres per degree of latitude (for points at a given distance north of the checkpoint).
M_PER_DEG_LAT = 111_195.0


def user_of(openid: str) -> User:
    """A demo user by openid."""
    return db.session.scalars(select(User).where(User.openid == openid)).one()


def make_template(code: str = "fire_daily", unit_id: int | None = None, version: int = 1):
    """A fire checklist version with the five items, made the current one of its code and unit
    (the demo seed loads the shipped checklists: the one before stops being current, as a
    newly loaded version makes it)."""
    same_unit = (
        ChecklistTemplate.unit_id.is_(None)
        if unit_id is None
        else ChecklistTemplate.unit_id == unit_id
    )
    db.session.execute(
        update(ChecklistTemplate)
        .where(ChecklistTemplate.code == code, same_unit, ChecklistTemplate.is_current)
        .values(is_current=False)
    )
    template = ChecklistTemplate(
        code=code, kind="fire", name="日常防火巡查", version=version, unit_id=unit_id
    )
    db.session.add(template)
    db.session.flush()
    for position, (item_code, text, focus) in enumerate(ITEMS):
        focus_id = db.session.scalars(
            select(FocusProblem.id).where(FocusProblem.code == focus)
        ).first()
        db.session.add(
            ChecklistItem(
                template_id=template.id,
                position=position,
                code=item_code,
                text=text,
                focus_problem_id=focus_id,
            )
        )
    db.session.commit()
    return template


def make_checkpoint(school_code: str = "YQ101", name: str = "食堂", radius_m: int = 50, **kw):
    """A checkpoint at the campus centre checking fire_daily."""
    checkpoint = Checkpoint(
        school_id=unit_by_code(school_code).id,
        name=name,
        lat=kw.get("lat", CAMPUS["lat"]),
        lng=kw.get("lng", CAMPUS["lng"]),
        coord_system="gcj02",
        radius_m=radius_m,
        template_codes=kw.get("codes", ["fire_daily"]),
        token=secrets.token_urlsafe(24),
        active=kw.get("active", True),
        created_by_id=user_of("demo-school_admin").id,
    )
    db.session.add(checkpoint)
    db.session.commit()
    return checkpoint


@pytest.fixture
def staff(demo, login):
    """Headers per persona (the sibling school's admin gets a grant at 栏杆中心小学 here)."""
    headers = {name: login(openid) for name, openid in PERSONAS.items()}
    grant_role("sibling-school-admin", "school_admin", "YQ102")
    return headers


@pytest.fixture
def canteen(staff):
    """The canteen checkpoint of 符离中心小学 and its checklist: ids the tests need."""
    template = make_template()
    checkpoint = make_checkpoint()
    return {
        "checkpoint_id": checkpoint.id,
        "token": checkpoint.token,
        "template_id": template.id,
        "item_ids": [item.id for item in template.items],
    }


def stamp(moment: datetime) -> str:
    """An instant as the phone sends it."""
    return moment.astimezone(UTC).isoformat()


def round_body(canteen: dict, fails: dict[int, list[int]] | None = None, **changes) -> dict:
    """A round at the canteen: every item passed except ``fails`` (item index -> photo ids)."""
    now = datetime.now(UTC)
    fails = fails or {}
    answers = []
    for index, item_id in enumerate(canteen["item_ids"]):
        if index in fails:
            answers.append(
                {
                    "item_id": item_id,
                    "answer": "fail",
                    "note": "灭火器压力不足",
                    "photo_ids": fails[index],
                }
            )
        else:
            answers.append({"item_id": item_id, "answer": "pass"})
    body = {
        "client_uuid": str(uuid.uuid4()),
        "token": canteen["token"],
        "template_id": canteen["template_id"],
        "lat": CAMPUS["lat"],
        "lng": CAMPUS["lng"],
        "accuracy": 8,
        "coord_system": "gcj02",
        "scanned_at": stamp(now - timedelta(minutes=2)),
        "sent_at": stamp(now),
        "answers": answers,
    }
    body.update(changes)
    return body


def north(metres: float) -> float:
    """The latitude ``metres`` north of the checkpoint."""
    return CAMPUS["lat"] + metres / M_PER_DEG_LAT


def jpeg_of(name: str, scale: float = 1.0, quality: int = 90) -> bytes:
    """A real photo re-encoded without its metadata (no EXIF time), optionally resized."""
    with Image.open(PHOTOS / name) as image:
        image = image.convert("RGB")
        if scale != 1.0:
            image = image.resize((int(image.width * scale), int(image.height * scale)))
        out = io.BytesIO()
        image.save(out, "JPEG", quality=quality)
    return out.getvalue()


def raw_photo(name: str) -> bytes:
    """A real photo's bytes as the camera wrote them (EXIF included)."""
    return (PHOTOS / name).read_bytes()


def upload_bytes(client, headers, data: bytes) -> int:
    """Upload a photo; its id."""
    response = client.post(
        "/api/v1/photos",
        data={"file": (io.BytesIO(data), "photo.jpg")},
        headers=headers,
        content_type="multipart/form-data",
    )
    assert response.status_code in (200, 201), response.get_json()
    return response.get_json()["id"]


def make_slot(
    checkpoint_id: int,
    opens_at: datetime,
    closes_at: datetime,
    *,
    assignee_user_id: int | None = None,
    assignee_role: str | None = None,
    status: str = "open",
) -> int:
    """A plan with one slot for the checkpoint (rows made directly); the slot's id."""
    checkpoint = db.session.get(Checkpoint, checkpoint_id)
    plan = PatrolPlan(
        school_id=checkpoint.school_id,
        name="早间防火巡查",
        template_code="fire_daily",
        assignee_user_id=assignee_user_id,
        assignee_role=assignee_role,
        recurrence="daily",
        weekdays=[],
        window_start=time(7, 0),
        window_end=time(8, 30),
        created_by_id=user_of("demo-school_admin").id,
    )
    db.session.add(plan)
    db.session.flush()
    slot = PatrolSlot(
        plan_id=plan.id,
        checkpoint_id=checkpoint_id,
        school_id=checkpoint.school_id,
        day=opens_at.astimezone(CHINA_TZ).date(),
        opens_at=opens_at,
        closes_at=closes_at,
        status=status,
    )
    db.session.add(slot)
    db.session.commit()
    return slot.id
