"""Fixtures for hazard tests: the demo district with a campus, photo uploads, a report helper."""

from __future__ import annotations

import io
import random
import uuid

import pytest
from PIL import Image
from sqlalchemy import select

from server.extensions import db
from server.models import RoleGrant, Unit, User
from tests.support.plans import plan_for

# 符离中心小学 in the demo district: its campus centre (GCJ-02) and a point on campus.
CAMPUS = {"lat": 33.7712, "lng": 116.9593, "coord_system": "gcj02"}
HERE = {"lat": CAMPUS["lat"], "lng": CAMPUS["lng"], "accuracy": 8, "coord_system": "gcj02"}

# persona -> openid; the extra grants are made by the ``people`` fixture.
PERSONAS = {
    "school_admin@own": "demo-school_admin",
    "teacher@own": "demo-teacher",
    "supervisor@above": "demo-supervisor",
    "bureau_admin@above": "demo-bureau_admin",
    "bureau_staff@above": "demo-bureau_staff",
    "inspector@above": "demo-inspector",
    "school_admin@sibling": "sibling-school-admin",
    "supervisor@sibling": "sibling-supervisor",
    "parent": "demo-parent",
}


def make_jpeg(seed: int, size=(64, 48)) -> bytes:
    """A small, distinct JPEG (random pixels, so every seed has its own SHA-256)."""
    rng = random.Random(seed)
    image = Image.new("RGB", size)
    image.putdata(
        [
            (rng.randrange(256), rng.randrange(256), rng.randrange(256))
            for _ in range(size[0] * size[1])
        ]
    )
    out = io.BytesIO()
    image.save(out, "JPEG")
    return out.getvalue()


def unit_by_code(code: str) -> Unit:
    return db.session.scalars(select(Unit).where(Unit.code == code)).one()


def grant_role(openid: str, role: str, unit_code: str) -> User:
    """Give an existing user a role at a unit (test set-up, not an invitation)."""
    user = db.session.scalars(select(User).where(User.openid == openid)).one()
    db.session.add(RoleGrant(user_id=user.id, role=role, unit_id=unit_by_code(unit_code).id))
    db.session.commit()
    return user


@pytest.fixture
def upload(client):
    """Upload a photo as a user; returns the response JSON (asserting success)."""
    counter = iter(range(10_000))

    def _upload(headers, data: bytes | None = None, name="photo.jpg", status=(200, 201)):
        payload = data if data is not None else make_jpeg(next(counter) + random.randrange(10**9))
        response = client.post(
            "/api/v1/photos",
            data={"file": (io.BytesIO(payload), name)},
            headers=headers,
            content_type="multipart/form-data",
        )
        assert response.status_code in status, response.get_json()
        return response.get_json()

    return _upload


def report_body(photo_ids: list[int]) -> dict:
    """A report at 符离中心小学 (YQ101) with these photos and its own client UUID, as the phone
    sends it."""
    return {
        "client_uuid": str(uuid.uuid4()),
        "focus_problem": "fire.utilities",
        "description": "配电箱门损坏,电线裸露",
        "severity": "general",
        "lat": CAMPUS["lat"],
        "lng": CAMPUS["lng"],
        "accuracy": 12.5,
        "coord_system": "gcj02",
        "school_id": unit_by_code("YQ101").id,
        "photo_ids": photo_ids,
    }


@pytest.fixture
def report(client, upload):
    """File a report at 符离中心小学 (YQ101) as ``headers``; returns (response, body sent)."""

    def _report(headers, **changes):
        photo_ids = changes.pop("photo_ids", None)
        if photo_ids is None:
            photo_ids = [upload(headers)["id"]]
        body = {**report_body(photo_ids), **changes}
        return client.post("/api/v1/hazards", json=body, headers=headers), body

    return _report


@pytest.fixture
def people(demo, login):
    """Headers for every persona (siblings get their grants here)."""
    headers = {name: login(openid) for name, openid in PERSONAS.items()}
    grant_role("sibling-school-admin", "school_admin", "YQ102")
    grant_role("sibling-supervisor", "supervisor", "YQ200")
    return headers


def advance(client, headers, hazard_id, upload, to_state):
    """Drive a hazard forward as an allowed user until it is in ``to_state``."""
    steps = ["reported", "planned", "rectifying", "fix_submitted"]
    for state in steps[1 : steps.index(to_state) + 1]:
        if state == "planned":
            r = client.post(
                f"/api/v1/hazards/{hazard_id}/plan", json=plan_for(hazard_id), headers=headers
            )
        elif state == "rectifying":
            r = client.post(f"/api/v1/hazards/{hazard_id}/start", json={}, headers=headers)
        else:
            photo = upload(headers)["id"]
            r = client.post(
                f"/api/v1/hazards/{hazard_id}/fix",
                headers=headers,
                json={**HERE, "photo_ids": [photo], "note": "已更换并加锁"},
            )
        assert r.status_code == 200, r.get_json()


def attempt(client, action, hazard_id, headers, upload, allowed, driver_photo):
    """Try ``action`` as ``headers``; allowed actors upload their own after-photo."""
    name = action.split("_")[0]
    body = {
        "plan": plan_for(hazard_id),
        "start": {},
        "verify": {"note": "复查合格"},
        "reject": {"reason": "线路仍裸露"},
        "duplicate": {"original_id": None},
    }.get(name)
    if name == "fix":
        photo = upload(headers)["id"] if allowed else driver_photo
        body = {**HERE, "photo_ids": [photo], "note": "已整改"}
    return client.post(f"/api/v1/hazards/{hazard_id}/{name}", json=body, headers=headers), body
