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

# 符离中心小学 in the demo district: its campus centre (GCJ-02) and a point on campus.
CAMPUS = {"lat": 33.7712, "lng": 116.9593, "coord_system": "gcj02"}


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


@pytest.fixture
def report(client, upload):
    """File a report at 符离中心小学 (YQ101) as ``headers``; returns (response, body sent)."""

    def _report(headers, **changes):
        body = {
            "client_uuid": str(uuid.uuid4()),
            "focus_problem": "fire.utilities",
            "description": "配电箱门损坏,电线裸露",
            "severity": "general",
            "lat": CAMPUS["lat"],
            "lng": CAMPUS["lng"],
            "accuracy": 12.5,
            "coord_system": "gcj02",
            "school_id": unit_by_code("YQ101").id,
        }
        if "photo_ids" not in changes:
            body["photo_ids"] = [upload(headers)["id"]]
        body.update(changes)
        return client.post("/api/v1/hazards", json=body, headers=headers), body

    return _report
