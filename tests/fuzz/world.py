"""Some life in the demo district for the fuzzer: a reported and a planned hazard with photos, a
sent notice, an invitation, a schedule, a parent's message, made through the live API.

Random ids almost never name a row, so without these the fuzzer would see little but 404s; with
them it also gets real hazards, notices and messages back and checks them against the document.
"""

from __future__ import annotations

import uuid
from datetime import date, timedelta

import requests
from flask import Flask
from sqlalchemy import select

from server.extensions import db
from server.models import Unit
from server.models.patrols import Checkpoint
from tests.hazards.conftest import CAMPUS, make_jpeg


def _call(base_url: str, token: str, method: str, path: str, **kwargs) -> dict:
    """One API call that must succeed; its JSON."""
    response = requests.request(
        method,
        base_url + path,
        headers={"Authorization": f"Bearer {token}"},
        timeout=20,
        **kwargs,
    )
    assert response.status_code < 300, (path, response.status_code, response.text)
    return response.json()


def _report(base_url: str, token: str, school_id: int, seed: int, **changes) -> dict:
    """A hazard report at the school with one fresh photo."""
    photo = _call(
        base_url,
        token,
        "POST",
        "/api/v1/photos",
        files={"file": ("photo.jpg", make_jpeg(seed), "image/jpeg")},
    )
    body = {
        "client_uuid": str(uuid.uuid4()),
        "school_id": school_id,
        "focus_problem": "fire.utilities",
        "description": "配电箱门损坏,电线裸露",
        "severity": "general",
        "lat": CAMPUS["lat"],
        "lng": CAMPUS["lng"],
        "accuracy": 10,
        "coord_system": "gcj02",
        "photo_ids": [photo["id"]],
        **changes,
    }
    return _call(base_url, token, "POST", "/api/v1/hazards", json=body)


def seed_world(app: Flask, base_url: str, tokens: dict[str, str]) -> dict[str, object]:
    """Create the objects; returns real values for the path parameters of the document."""
    with app.app_context():
        school_id = db.session.scalars(select(Unit.id).where(Unit.code == "YQ101")).one()
        # The demo school's first checkpoint (食堂), seeded by ``setup demo``.
        checkpoint_id = db.session.scalars(select(Checkpoint.id).order_by(Checkpoint.id)).first()
        db.session.remove()
    admin, parent = tokens["school_admin"], tokens["parent"]
    # Unsure of its focus problem (null in the answers) and placed in words.
    _report(base_url, admin, school_id, 1, focus_problem=None, place="三楼东侧走廊")
    planned = _report(base_url, admin, school_id, 2)
    # The responsible person is picked from the school's staff, as the phone does.
    people = _call(
        base_url, admin, "GET", f"/api/v1/hazards/{planned['id']}/responsible-candidates"
    )["people"]
    plan = {
        "responsible_user_id": people[0]["id"],
        "deadline": (date.today() + timedelta(days=7)).isoformat(),
        "measures": "更换配电箱门并加锁",
        "funds_yuan": "1200.50",
        "contingency": "整改期间设置警示标志",
        # A position makes the history entry carry one (its accuracy is not kept).
        "position": {**CAMPUS, "accuracy": 15},
    }
    _call(base_url, admin, "POST", f"/api/v1/hazards/{planned['id']}/plan", json=plan)
    notice = _call(
        base_url,
        admin,
        "POST",
        "/api/v1/notices",
        json={
            "unit_id": school_id,
            "title": "防溺水告家长书",
            "body": "请家长做好看护。",
            "unit_ids": [school_id],
        },
    )
    _call(base_url, admin, "POST", f"/api/v1/notices/{notice['id']}/send")
    invite = {"unit_id": school_id, "role": "teacher"}
    invitation = _call(base_url, admin, "POST", "/api/v1/invitations", json=invite)
    schedule = _call(
        base_url,
        admin,
        "POST",
        "/api/v1/schedules",
        json={
            "unit_id": school_id,
            "name": "每日巡查提醒",
            "roles": ["teacher"],
            "title": "今日巡查",
            "body": "请完成今日校园巡查。",
            "recurrence": "daily",
            "time_of_day": "08:00",
            "starts_on": date.today().isoformat(),
        },
    )
    classes = _call(base_url, admin, "GET", f"/api/v1/units/{school_id}/classes")["classes"]
    children = _call(base_url, parent, "GET", "/api/v1/children")["children"]
    roster_url = f"/api/v1/classes/{classes[0]['id']}/roster"
    pupils = _call(base_url, admin, "GET", roster_url)["pupils"]
    messages = _call(base_url, parent, "GET", "/api/v1/inbox")["messages"]
    campaign = _call(base_url, admin, "GET", "/api/v1/campaigns/active")
    return {
        "hazard_id": planned["id"],
        "notice_id": notice["id"],
        "unit_id": school_id,
        "class_id": classes[0]["id"],
        "invitation_id": invitation["id"],
        "schedule_id": schedule["id"],
        "link_id": children[0]["id"],
        "child_id": pupils[-1]["id"],
        "message_id": messages[0]["id"] if messages else 1,
        "code": campaign["code"],
        "checkpoint_id": checkpoint_id,
    }
