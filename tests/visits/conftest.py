"""Fixtures for supervision visits: the hazard tests' people and uploads, a visit body, and
helpers that record a visit and a finding through the API.

- ``visit_body(**changes)``: a visit of 符离中心校 (YQ100) to 符离中心小学 (YQ101) and 符离镇童心
  幼儿园 (YQ102) today, announced, by a team with police and market supervision.
- ``record(headers, **changes)``: POST it; returns the response.
- ``finding_body(headers, **changes)``: a finding at YQ101 with one fresh photo of the caller's.
"""

from __future__ import annotations

import uuid

import pytest

from server.clock import local_today
from tests.hazards.conftest import (  # noqa: F401  (fixtures shared with the hazard tests)
    CAMPUS,
    people,
    unit_by_code,
    upload,
)
from tests.patrols.conftest import checklists, checkpoint  # noqa: F401  (patrol fixtures)

TEAM = [
    {"name": "陈校长", "organisation": "教育局", "role": "组长"},
    {"name": "李警官", "organisation": "公安", "role": "派出所民警"},
    {"name": "王科长", "organisation": "市场监管", "role": "食品安全"},
]


@pytest.fixture
def visit_body(demo):
    """A body for POST /visits, changed by keyword."""

    def _body(**changes):
        body = {
            "unit_id": unit_by_code("YQ100").id,
            "visit_date": local_today().isoformat(),
            "title": "秋季开学安全联合检查",
            "announced": True,
            "team": TEAM,
            "what_checked": "食堂食品安全、消防设施、校车管理",
            "school_ids": [unit_by_code("YQ101").id, unit_by_code("YQ102").id],
        }
        body.update(changes)
        return body

    return _body


@pytest.fixture
def record(client, visit_body):
    """Record a visit as ``headers``; returns the response."""

    def _record(headers, **changes):
        return client.post("/api/v1/visits", json=visit_body(**changes), headers=headers)

    return _record


@pytest.fixture
def finding_body(upload):  # noqa: F811
    """A finding at 符离中心小学 with one fresh photo uploaded by ``headers``."""

    def _body(headers, **changes):
        body = {
            "client_uuid": str(uuid.uuid4()),
            "school_id": unit_by_code("YQ101").id,
            "focus_problem": "fire.utilities",
            "description": "食堂燃气管道老化,未设报警器",
            "severity": "major",
            "place": "学校食堂操作间",
            "lat": CAMPUS["lat"],
            "lng": CAMPUS["lng"],
            "accuracy": 10,
            "coord_system": "gcj02",
        }
        if "photo_ids" not in changes:
            body["photo_ids"] = [upload(headers)["id"]]
        body.update(changes)
        return body

    return _body
