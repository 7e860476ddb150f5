"""The daily job of the bus papers: an agreement expiring next week raises a hazard once (run
twice, or by two workers at once); an expired driver's licence too, as a major one; a renewed
agreement raises again when its new date comes near; retired buses raise nothing."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import select

from server import jobs
from server.extensions import db
from server.models import Hazard, HazardEvent, Notification
from server.models.buses import BusDocumentHazard
from server.services import bus_documents
from server.services.bus_documents import raise_document_hazards
from tests.buses.conftest import BASE, local, today, unit_by_code, user_id
from tests.jobs.conftest import hold_first_claim, require_postgresql, two_workers


def _hazards_of(plate: str) -> list[Hazard]:
    """The document hazards of a bus, oldest first."""
    query = (
        select(Hazard)
        .join(BusDocumentHazard, BusDocumentHazard.hazard_id == Hazard.id)
        .where(Hazard.description.contains(plate))
        .order_by(Hazard.id)
    )
    return list(db.session.scalars(query))


def test_an_agreement_expiring_next_week_raises_a_hazard_once(make_bus):
    ends = today() + timedelta(days=7)
    bus = make_bus(agreement_expires_on=ends.isoformat())
    raise_document_hazards()
    raise_document_hazards()
    [hazard] = _hazards_of("皖L55501")
    when = f"{ends.year}年{ends.month}月{ends.day}日"
    assert hazard.description == f"校车皖L55501与运营方的安全协议将于{when}到期"
    assert hazard.focus_problem.code == "bus.operator_agreement"
    assert hazard.severity == "general" and hazard.status == "reported"
    assert hazard.school_id == unit_by_code("YQ101").id
    assert hazard.checkpoint_id == bus["checkpoint_id"]
    assert hazard.reporter_id == user_id("demo-school_admin")  # the bus's registrant
    [event] = db.session.scalars(select(HazardEvent).where(HazardEvent.hazard_id == hazard.id))
    assert event.kind == "reported" and event.actor_id is None
    # The safety officer hears of it, though they registered the bus.
    told = db.session.scalars(
        select(Notification.user_id).where(Notification.hazard_id == hazard.id)
    ).all()
    assert told == [user_id("demo-school_admin")]


def test_a_valid_agreement_raises_nothing_until_it_nears_its_end(make_bus):
    make_bus(agreement_expires_on=(today() + timedelta(days=31)).isoformat())
    raise_document_hazards()
    assert _hazards_of("皖L55501") == []
    raise_document_hazards(local(today() + timedelta(days=1), 6, 5))
    assert len(_hazards_of("皖L55501")) == 1


def test_an_expired_licence_is_a_major_hazard_once(make_bus):
    ended = today() - timedelta(days=3)
    drivers = [{"name": "赵师傅", "licence_no": "A1-77", "licence_expires_on": ended.isoformat()}]
    make_bus(drivers=drivers)
    assert raise_document_hazards() >= 1  # (the demo's own bus may raise one too)
    assert raise_document_hazards() == 0
    [hazard] = _hazards_of("皖L55501")
    when = f"{ended.year}年{ended.month}月{ended.day}日"
    assert hazard.description == f"校车皖L55501驾驶员赵师傅的驾驶证已于{when}到期"
    assert hazard.severity == "major" and hazard.focus_problem.code == "bus.responsibility"


def test_a_renewed_agreement_can_raise_again_later(client, staff, make_bus):
    bus = make_bus(agreement_expires_on=(today() + timedelta(days=5)).isoformat())
    raise_document_hazards()
    renewed = (today() + timedelta(days=20)).isoformat()
    client.patch(
        f"{BASE}/{bus['id']}", json={"agreement_expires_on": renewed}, headers=staff["officer"]
    )
    raise_document_hazards()
    assert len(_hazards_of("皖L55501")) == 2
    # Kept under the same date (a PATCH of something else), nothing more.
    client.patch(f"{BASE}/{bus['id']}", json={"seats": 30}, headers=staff["officer"])
    raise_document_hazards()
    assert len(_hazards_of("皖L55501")) == 2


def test_a_retired_bus_raises_nothing(client, staff, make_bus):
    bus = make_bus(agreement_expires_on=(today() + timedelta(days=2)).isoformat())
    client.delete(f"{BASE}/{bus['id']}", headers=staff["officer"])
    raise_document_hazards()
    assert _hazards_of("皖L55501") == []


def test_the_periodic_task_runs_once_a_day(make_bus):
    make_bus(agreement_expires_on=(today() + timedelta(days=2)).isoformat())
    assert jobs.raise_bus_document_hazards.call_local() >= 1
    assert jobs.raise_bus_document_hazards.call_local() is None  # this day's run was claimed
    assert len(_hazards_of("皖L55501")) == 1


def test_two_workers_at_once_raise_each_hazard_once(app, make_bus, monkeypatch):
    require_postgresql()
    make_bus(agreement_expires_on=(today() + timedelta(days=6)).isoformat())
    make_bus(
        plate="皖L55502",
        drivers=[
            {"name": "钱师傅", "licence_expires_on": (today() - timedelta(days=1)).isoformat()}
        ],
    )
    db.session.commit()
    # Both workers read the same due documents before either claims one.
    hold_first_claim(monkeypatch, bus_documents, "_claim")
    results = two_workers(app, raise_document_hazards)
    claims = db.session.scalars(select(BusDocumentHazard.hazard_id)).all()
    assert sum(results) == len(claims) == len(set(claims))
    assert len(_hazards_of("皖L55501")) == 1 and len(_hazards_of("皖L55502")) == 1
    assert raise_document_hazards() == 0
