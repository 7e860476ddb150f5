"""Builders for the school-bus tests: the people of the demo school, a bus registered through
the API, school days picked from the loaded calendars (a trip is scheduled on school days
only, and today may be a Sunday), slots made for a chosen day, and an inspection round at the
bus (its sticker scanned, the shipped ``bus_pretrip`` checklist answered).

- ``staff``: headers per persona: ``officer`` (the safety officer, school_admin of 符离中心小学),
  ``inspector`` (its bus inspector), ``teacher``, ``sibling`` (school_admin of the kindergarten
  beside it), ``supervisor`` (符离中心校), ``parent``.
- ``make_bus(**changes)``: POST /buses as the officer with a valid body; returns the Bus JSON.
- ``inspect(bus, scanned_at, fails={"brakes": "刹车偏软"})``: POST /patrols as the inspector
  (``inspection_body`` the same body, unsent).
"""

from __future__ import annotations

import uuid
from datetime import UTC, date, datetime, time, timedelta
from typing import Any

import pytest
from sqlalchemy import select

from server.clock import CHINA_TZ
from server.extensions import db
from server.models import User
from server.models.buses import BusTrip
from server.school_calendar import is_school_day
from server.services.calendars import loaded_calendars
from server.services.patrol_slots import make_slots
from tests.hazards.conftest import CAMPUS, grant_role, unit_by_code
from tests.hazards.conftest import upload as upload  # a fixture, used by name

BASE = "/api/v1/buses"
PERSONAS = {
    "officer": "demo-school_admin",
    "inspector": "demo-bus_inspector",
    "teacher": "demo-teacher",
    "sibling": "sibling-school-admin",
    "supervisor": "demo-supervisor",
    "parent": "demo-parent",
}


def local(day: date, hh: int, mm: int = 0) -> datetime:
    """A local (China) time of a day as a UTC instant."""
    return datetime.combine(day, time(hh, mm), tzinfo=CHINA_TZ).astimezone(UTC)


def today() -> date:
    """Today in China."""
    return datetime.now(CHINA_TZ).date()


def school_day(after: date, step: int) -> date:
    """The first school day strictly before (step -1) or after (step 1) ``after``."""
    calendars = loaded_calendars()
    day = after + timedelta(days=step)
    while not is_school_day(day, calendars):
        day += timedelta(days=step)
    return day


def past_school_day() -> date:
    """A school day 1-6 days ago (a round may be sent up to 7 days after its scan)."""
    return school_day(today(), -1)


def day_off() -> date:
    """A day in the past week with no school."""
    calendars = loaded_calendars()
    day = today() - timedelta(days=1)
    while is_school_day(day, calendars):
        day -= timedelta(days=1)
    return day


def user_id(openid: str) -> int:
    """A user's id by openid."""
    return db.session.scalars(select(User.id).where(User.openid == openid)).one()


def bus_body(**changes: Any) -> dict[str, Any]:
    """A valid registration of a bus of 符离中心小学 (07:10 and 16:40 trips, one driver)."""
    body = {
        "school_id": unit_by_code("YQ101").id,
        "plate": "皖L55501",
        "seats": 35,
        "operator": "宿州平安校车公司",
        "agreement_number": "XC-2026-09",
        "agreement_expires_on": (today() + timedelta(days=365)).isoformat(),
        "video_alarm_device": "海康 DS-MP5604",
        "route": "符离镇—张庄",
        "trips": [
            {"code": "morning", "departs_at": "07:10"},
            {"code": "afternoon", "departs_at": "16:40"},
        ],
        "drivers": [
            {
                "name": "王师傅",
                "phone": "13800000009",
                "licence_no": "A1-0009",
                "licence_expires_on": (today() + timedelta(days=700)).isoformat(),
            }
        ],
    }
    body.update(changes)
    return body


def trip_plan_ids(bus_id: int) -> dict[str, int]:
    """code -> plan id of a bus's trips."""
    rows = db.session.execute(select(BusTrip.code, BusTrip.plan_id).where(BusTrip.bus_id == bus_id))
    return dict(rows.all())


def slots_on(bus_id: int, day: date) -> None:
    """Make the bus's trip slots of ``day`` (as the job would on that morning)."""
    make_slots(local(day, 0, 1), plan_ids=list(trip_plan_ids(bus_id).values()), days=1)
    db.session.commit()


@pytest.fixture
def staff(demo, login) -> dict[str, dict[str, str]]:
    """Headers per persona (the sibling kindergarten's admin is granted here)."""
    headers = {name: login(openid) for name, openid in PERSONAS.items()}
    grant_role("sibling-school-admin", "school_admin", "YQ102")
    return headers


@pytest.fixture
def make_bus(client, staff):
    """Register a bus through the API as the officer (asserting 201); its JSON."""

    def _make(**changes: Any) -> dict[str, Any]:
        response = client.post(BASE, json=bus_body(**changes), headers=staff["officer"])
        assert response.status_code == 201, response.get_json()
        return response.get_json()

    return _make


@pytest.fixture
def inspection_body(client, staff, upload):
    """The body of an inspection round at the bus scanned at ``scanned_at`` by ``who``;
    ``fails`` maps item codes to notes (each failed item gets a photo)."""

    def _body(bus, scanned_at: datetime, fails: dict[str, str] | None = None, who="inspector"):
        headers = staff[who]
        scan = client.get(
            "/api/v1/checkpoints/scan", query_string={"token": bus["token"]}, headers=headers
        )
        assert scan.status_code == 200, scan.get_json()
        [template] = scan.get_json()["templates"]
        fails = fails or {}
        answers = []
        for item in template["items"]:
            if item["code"] in fails:
                photo = upload(headers)["id"]
                answers.append(
                    {
                        "item_id": item["id"],
                        "answer": "fail",
                        "note": fails[item["code"]],
                        "photo_ids": [photo],
                    }
                )
            else:
                answers.append({"item_id": item["id"], "answer": "pass"})
        return {
            "client_uuid": str(uuid.uuid4()),
            "token": "SAFETY-CP:" + bus["token"],
            "template_id": template["id"],
            "lat": CAMPUS["lat"],
            "lng": CAMPUS["lng"],
            "accuracy": 10,
            "coord_system": "gcj02",
            "scanned_at": scanned_at.isoformat(),
            "sent_at": max(scanned_at, datetime.now(UTC) - timedelta(minutes=1)).isoformat(),
            "answers": answers,
        }

    return _body


@pytest.fixture
def inspect(client, staff, inspection_body):
    """An inspection round at the bus (see ``inspection_body``) posted; the response."""

    def _inspect(bus, scanned_at: datetime, fails: dict[str, str] | None = None, who="inspector"):
        body = inspection_body(bus, scanned_at, fails, who)
        return client.post("/api/v1/patrols", json=body, headers=staff[who])

    return _inspect
