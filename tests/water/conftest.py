"""Fixtures for the water-point tests: the demo district's people (with a water patrol at
符离中心小学), a water point registered through the API, and the rows they make.

- ``water``: headers per persona: ``water_patrol`` (冯老师, YQ101), ``school_admin`` (the safety
  officer of YQ101), ``teacher`` (YQ101, no water.manage), ``supervisor`` (符离中心校 YQ100),
  ``sibling_admin`` (the admin of 符离镇童心幼儿园 YQ102, a sibling of YQ101 under the same
  center school),
  ``bureau_staff`` and ``parent``.
- ``make_point(headers=None, **changes)``: POST /water-points (by the water patrol unless told)
  of a river point near the school, changed by ``changes``; returns the answer's JSON after
  asserting 201.
"""

from __future__ import annotations

import pytest
from sqlalchemy import select

from server.extensions import db
from server.models import User
from server.models.patrols import PatrolPlan
from tests.hazards.conftest import grant_role, unit_by_code

# A stretch of river 1 km north-east of 符离中心小学's campus (GCJ-02).
RIVER = {"lat": 33.7790, "lng": 116.9700, "coord_system": "gcj02"}
PERSONAS = {
    "water_patrol": "demo-water_patrol",
    "school_admin": "demo-school_admin",
    "teacher": "demo-teacher",
    "supervisor": "demo-supervisor",
    "bureau_staff": "demo-bureau_staff",
    "sibling_admin": "sibling-school-admin",
    "parent": "demo-parent",
}


def school_id(code: str = "YQ101") -> int:
    """A demo unit's id by its code."""
    return unit_by_code(code).id


def user_id(openid: str) -> int:
    """A user's id by openid."""
    return db.session.scalars(select(User.id).where(User.openid == openid)).one()


def point_body(**changes) -> dict:
    """A river point's registration near the demo school."""
    body = {
        "name": "沱河符离段",
        "kind": "river",
        **RIVER,
        "accuracy": 10,
        "radius_m": 100,
        "measures": {"warning_sign": True, "life_buoy": True},
        "caretaker_name": "张村委",
        "caretaker_phone": "138 0000 0000",
        "note": "河堤北侧有下河台阶",
        "school_ids": [school_id()],
    }
    body.update(changes)
    return body


def water_plans(code: str = "YQ101") -> list[PatrolPlan]:
    """The water-visit plans of a school (active or not), oldest first."""
    db.session.expire_all()
    return list(
        db.session.scalars(
            select(PatrolPlan)
            .where(PatrolPlan.school_id == school_id(code), PatrolPlan.managed_by == "water")
            .order_by(PatrolPlan.id)
        )
    )


@pytest.fixture
def water(demo, login):
    """Headers per persona (the sibling admin gets a grant at 符离镇童心幼儿园 here)."""
    headers = {name: login(openid) for name, openid in PERSONAS.items()}
    grant_role("sibling-school-admin", "school_admin", "YQ102")
    return headers


@pytest.fixture
def make_point(client, water):
    """Register a point through the API (see the module's docstring)."""

    def _make(headers=None, **changes) -> dict:
        response = client.post(
            "/api/v1/water-points",
            json=point_body(**changes),
            headers=headers or water["water_patrol"],
        )
        assert response.status_code == 201, response.get_json()
        return response.get_json()

    return _make
