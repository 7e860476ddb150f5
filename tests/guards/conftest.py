"""Fixtures for the guards' post: the demo school's gate, guards, and helpers that start a
shift and log an entry through the API.

- ``gate``: the demo gate checkpoint of 符离中心小学 (东大门, ``perimeter_shift``).
- ``guards``: headers for the demo guard (``a``), a second guard of the school (``b``), a guard
  of the sibling school 符离二小 (``sibling``), the teacher, the safety officer and the
  sibling school's admin.
- ``start(headers, **changes)`` and ``log(headers, **changes)``: POST a start at the gate or a
  log entry (one fresh photo of the caller's); return (response, body sent).
"""

from __future__ import annotations

import uuid
from datetime import UTC, datetime

import pytest
from sqlalchemy import select

from server.extensions import db
from server.models.patrols import Checkpoint
from server.services.demo_guard import DEMO_GATE
from tests.hazards.conftest import grant_role, unit_by_code
from tests.patrols.conftest import (  # noqa: F401  (fixtures shared with the patrol tests)
    checklists,
    checkpoint,
    people,
    upload,
)

# Right at the demo gate (GCJ-02).
AT_GATE = {"lat": DEMO_GATE[1], "lng": DEMO_GATE[2], "accuracy": 8, "coord_system": "gcj02"}


def now_iso() -> str:
    """The phone's clock now."""
    return datetime.now(UTC).isoformat()


@pytest.fixture
def gate(demo, checklists) -> Checkpoint:  # noqa: F811
    """The demo school's gate (the campaign and checklists loaded for the hazards)."""
    return db.session.scalars(select(Checkpoint).where(Checkpoint.name == DEMO_GATE[0])).one()


@pytest.fixture
def guards(people, login):  # noqa: F811
    """Headers by persona (see the module's docstring)."""
    extra = {"b": "guard-b", "sibling": "sibling-guard"}
    headers = {name: login(openid) for name, openid in extra.items()}
    grant_role("guard-b", "guard", "YQ101")
    grant_role("sibling-guard", "guard", "YQ102")
    return {
        "a": login("demo-guard"),
        **headers,
        "teacher": people["teacher@own"],
        "officer": people["school_admin@own"],
        "sibling_admin": people["school_admin@sibling"],
        "supervisor": people["supervisor@above"],
    }


@pytest.fixture
def start(client, gate):
    """Start a shift at the gate as ``headers`` (see the module's docstring)."""

    def _start(headers, **changes):
        body = {
            "client_uuid": str(uuid.uuid4()),
            "token": gate.token,
            **AT_GATE,
            "started_at": now_iso(),
            **changes,
        }
        return client.post("/api/v1/guard/shifts", json=body, headers=headers), body

    return _start


@pytest.fixture
def log(client, upload):  # noqa: F811
    """Log an entry as ``headers`` (see the module's docstring)."""

    def _log(headers, **changes):
        body = {
            "client_uuid": str(uuid.uuid4()),
            "kind": "vendors",
            **AT_GATE,
            "note": "校门口有流动摊贩占道",
            "occurred_at": now_iso(),
            "raise_hazard": False,
            **changes,
        }
        if "photo_ids" not in changes:
            body["photo_ids"] = [upload(headers)["id"]]
        return client.post("/api/v1/guard/logs", json=body, headers=headers), body

    return _log


def school_id(code: str = "YQ101") -> int:
    """A demo unit's id by code."""
    return unit_by_code(code).id
