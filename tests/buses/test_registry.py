"""The bus registry: registration with its checkpoint, schools, drivers and trip plans; who may
read and change a bus; a plate is one active bus; trip times changed remake the open slots;
retiring ends the plans; lists in a bounded number of statements; hostile input refused."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import func, select

from server.extensions import db
from server.models.buses import SchoolBus
from server.models.patrols import SLOT_OPEN, Checkpoint, PatrolPlan, PatrolSlot
from tests.buses.conftest import (
    BASE,
    bus_body,
    local,
    school_day,
    slots_on,
    today,
    trip_plan_ids,
    unit_by_code,
)
from tests.support.concurrency import answer, together
from tests.support.statements import counted


def test_a_registered_bus_reads_as_the_contract_says(client, staff, make_bus):
    soon = (today() + timedelta(days=10)).isoformat()
    bus = make_bus(plate="皖l 555·01", agreement_expires_on=soon, video_alarm_device=None)
    assert bus["plate"] == "皖L55501"
    assert bus["agreement"] == {"number": "XC-2026-09", "expires_on": soon, "state": "expiring"}
    assert bus["video_alarm"] == {"device": None, "fitted": False}
    school = unit_by_code("YQ101")
    assert bus["school"] == {"id": school.id, "name": "符离中心小学"}
    assert bus["schools"] == [{"id": school.id, "name": "符离中心小学"}]
    assert bus["trips"] == [
        {"code": "morning", "name": "早班", "departs_at": "07:10"},
        {"code": "afternoon", "name": "晚班", "departs_at": "16:40"},
    ]
    [driver] = bus["drivers"]
    assert driver["name"] == "王师傅" and driver["licence_state"] == "valid"
    checkpoint = db.session.get(Checkpoint, bus["checkpoint_id"])
    assert checkpoint.kind == "bus" and checkpoint.template_codes == ["bus_pretrip"]
    assert checkpoint.token == bus["token"]
    assert (checkpoint.lat, checkpoint.lng) == (school.campus_center_lat, school.campus_center_lng)
    plans = db.session.scalars(
        select(PatrolPlan).where(PatrolPlan.id.in_(trip_plan_ids(bus["id"]).values()))
    ).all()
    assert sorted(p.name for p in plans) == ["皖L55501 早班", "皖L55501 晚班"]
    for plan in plans:
        assert plan.managed_by == "bus" and plan.assignee_role == "bus_inspector"
        assert plan.recurrence == "school_days" and plan.escalate_after_misses == 1
        assert plan.remind_minutes_before == 15
        assert [c.id for c in plan.checkpoints] == [bus["checkpoint_id"]]
    morning = next(p for p in plans if p.name.endswith("早班"))
    assert (morning.window_start.isoformat(), morning.window_end.isoformat()) == (
        "05:40:00",
        "07:10:00",
    )
    # Read back: the same; the inspector reads it without the sticker's token.
    assert client.get(f"{BASE}/{bus['id']}", headers=staff["officer"]).get_json() == bus
    seen = client.get(f"{BASE}/{bus['id']}", headers=staff["inspector"]).get_json()
    assert "token" not in seen and seen["plate"] == "皖L55501"


def test_a_plate_is_one_active_bus(client, staff, make_bus):
    first = make_bus()
    again = client.post(BASE, json=bus_body(plate="皖L 55501"), headers=staff["officer"])
    assert again.status_code == 409 and again.get_json()["error"]["code"] == "plate_taken"
    other = make_bus(plate="皖L55502")
    renamed = client.patch(
        f"{BASE}/{other['id']}", json={"plate": "皖L55501"}, headers=staff["officer"]
    )
    assert renamed.status_code == 409 and renamed.get_json()["error"]["code"] == "plate_taken"
    # Retired, its plate is free again; bringing it back is then refused.
    assert client.delete(f"{BASE}/{first['id']}", headers=staff["officer"]).status_code == 204
    make_bus()
    back = client.patch(f"{BASE}/{first['id']}", json={"active": True}, headers=staff["officer"])
    assert back.status_code == 409 and back.get_json()["error"]["code"] == "plate_taken"


def test_two_registrations_of_one_plate_at_once(app, staff):
    def post(client):
        return answer(client.post(BASE, json=bus_body(), headers=staff["officer"]))

    results = together(app, [post, post])
    assert sorted(status for status, _ in results) == [201, 409]
    assert db.session.scalar(select(func.count()).select_from(SchoolBus).where(
        SchoolBus.plate == "皖L55501"
    )) == 1  # fmt: skip


def test_who_may_read_and_change_a_bus(client, staff, make_bus):
    bus = make_bus()
    url = f"{BASE}/{bus['id']}"
    # A teacher reads it but may not register or change one.
    assert client.get(url, headers=staff["teacher"]).status_code == 200
    refused = client.post(BASE, json=bus_body(plate="皖L77701"), headers=staff["teacher"])
    assert refused.status_code == 403
    assert client.patch(url, json={"seats": 20}, headers=staff["teacher"]).status_code == 403
    assert client.delete(url, headers=staff["teacher"]).status_code == 403
    assert client.post(f"{url}/token", headers=staff["inspector"]).status_code == 403
    # The sibling kindergarten's admin and a parent see nothing of it.
    for who in ("sibling", "parent"):
        assert client.get(url, headers=staff[who]).status_code == 404
        assert client.patch(url, json={"seats": 20}, headers=staff[who]).status_code == 404
        assert client.delete(url, headers=staff[who]).status_code == 404
    sibling_school = unit_by_code("YQ102").id
    body = bus_body(plate="皖L77702", school_id=unit_by_code("YQ101").id)
    body["school_ids"] = [sibling_school]  # serving a school the officer does not see
    assert client.post(BASE, json=body, headers=staff["officer"]).status_code == 404
    # The supervisor above registers buses serving both.
    body = bus_body(plate="皖L77703", school_ids=[sibling_school])
    made = client.post(BASE, json=body, headers=staff["supervisor"])
    assert made.status_code == 201, made.get_json()
    assert [s["id"] for s in made.get_json()["schools"]] == sorted(
        [unit_by_code("YQ101").id, sibling_school]
    )
    # ... which the kindergarten's admin then reads (it serves their school).
    assert (
        client.get(f"{BASE}/{made.get_json()['id']}", headers=staff["sibling"]).status_code == 200
    )


@pytest.mark.parametrize(
    "changes",
    [
        {"school_id": 2**31},
        {"school_id": 2**63},
        {"plate": "皖L\x0012345"},
        {"plate": "皖L1\u0085"},
        {"plate": "A"},
        {"plate": "皖L1234567890123"},
        {"seats": 0},
        {"seats": 81},
        {"seats": 2**40},
        {"operator": "  "},
        {"trips": []},
        {"trips": [{"code": "evening", "departs_at": "19:00"}]},
        {"trips": [{"code": "morning", "departs_at": "25:00"}]},
        {"trips": [{"code": "morning", "departs_at": "01:00"}]},
        {"trips": [{"code": "morning", "departs_at": "07:00"}] * 2},
        {"drivers": [{"name": "王师傅"}]},
        {"drivers": [{"name": "王", "licence_expires_on": "10000-01-01"}]},
        {"agreement_expires_on": "1999-12-31"},
        {"school_ids": [2**31]},
        {"route": "长" * 201},
    ],
)
def test_hostile_or_bad_input_is_refused(client, staff, changes):
    response = client.post(BASE, json=bus_body(**changes), headers=staff["officer"])
    assert response.status_code in (400, 422), response.get_json()
    assert db.session.scalar(select(func.count()).select_from(SchoolBus).where(
        SchoolBus.plate == "皖L55501"
    )) == 0  # fmt: skip


def test_ids_past_the_integer_range_are_not_found(client, staff):
    for url in (f"{BASE}/2147483648", f"{BASE}/99999999999999999999"):
        assert client.get(url, headers=staff["officer"]).status_code == 404
        patched = client.patch(url, json={"seats": 3}, headers=staff["officer"])
        assert patched.status_code in (404, 405)  # no route takes it: never the database
    query = {"school_id": 2**31}
    assert (
        client.get(f"{BASE}/board", query_string=query, headers=staff["officer"]).status_code == 422
    )
    assert client.get(
        BASE, query_string={"unit_id": "1\x00"}, headers=staff["officer"]
    ).status_code in (
        400,
        422,
    )


def test_lists_are_bounded_in_statements(client, staff, make_bus):
    school = unit_by_code("YQ101").id
    make_bus()

    def list_and_board() -> tuple[int, int]:
        db.session.commit()  # nothing cached from the set-up: both runs load alike
        with counted() as listed:
            r = client.get(BASE, query_string={"unit_id": school}, headers=staff["officer"])
            assert r.status_code == 200
        with counted() as boarded:
            b = client.get(
                f"{BASE}/board", query_string={"school_id": school}, headers=staff["officer"]
            )
            assert b.status_code == 200
        return len(listed), len(boarded)

    before = list_and_board()
    for n in range(2, 6):
        make_bus(plate=f"皖L5550{n}")
    slots_on(make_bus(plate="皖L55509")["id"], school_day(today(), 1))
    assert list_and_board() == before
    plates = [b["plate"] for b in client.get(
        BASE, query_string={"unit_id": unit_by_code("YQ100").id}, headers=staff["supervisor"]
    ).get_json()["buses"]]  # fmt: skip
    assert plates == sorted(plates) and "皖L55509" in plates


def test_list_scope_and_retired_buses(client, staff, make_bus):
    bus = make_bus()
    retired = make_bus(plate="皖L55502")
    client.delete(f"{BASE}/{retired['id']}", headers=staff["officer"])
    school = unit_by_code("YQ101").id
    listed = client.get(BASE, query_string={"unit_id": school}, headers=staff["inspector"])
    plates = [b["plate"] for b in listed.get_json()["buses"]]
    assert bus["plate"] in plates and retired["plate"] not in plates
    everything = {"unit_id": school, "include_inactive": 1}
    assert client.get(BASE, query_string=everything, headers=staff["inspector"]).status_code == 403
    all_of = client.get(BASE, query_string=everything, headers=staff["officer"]).get_json()
    assert retired["plate"] in [b["plate"] for b in all_of["buses"]]
    sibling = {"unit_id": unit_by_code("YQ102").id}
    assert client.get(BASE, query_string=sibling, headers=staff["officer"]).status_code == 404


def test_trip_plans_are_not_patrol_plans_of_the_plans_page(client, staff, make_bus):
    bus = make_bus()
    school = unit_by_code("YQ101").id
    plans = client.get(
        "/api/v1/patrol-plans", query_string={"school_id": school}, headers=staff["officer"]
    ).get_json()
    assert not [p for p in plans["plans"] if bus["plate"] in p["name"]]
    for plan_id in trip_plan_ids(bus["id"]).values():
        url = f"/api/v1/patrol-plans/{plan_id}"
        assert client.patch(url, json={"name": "改名"}, headers=staff["officer"]).status_code == 404
        assert client.delete(url, headers=staff["officer"]).status_code == 404


def test_changed_trip_times_remake_the_open_slots(client, staff, make_bus):
    bus = make_bus()
    day = school_day(today(), 1)
    slots_on(bus["id"], day)
    plans = trip_plan_ids(bus["id"])
    # That day's slot (registering the bus just after midnight also makes today's).
    [old] = db.session.scalars(
        select(PatrolSlot).where(PatrolSlot.plan_id == plans["morning"], PatrolSlot.day == day)
    )
    assert old.opens_at == local(day, 5, 40) and old.closes_at == local(day, 7, 10)
    trips = [{"code": "morning", "departs_at": "07:30"}, {"code": "noon", "departs_at": "12:00"}]
    changed = client.patch(f"{BASE}/{bus['id']}", json={"trips": trips}, headers=staff["officer"])
    assert changed.status_code == 200, changed.get_json()
    assert [t["name"] for t in changed.get_json()["trips"]] == ["早班", "午班"]
    db.session.expire_all()
    # The old window's slot is gone; the afternoon trip's plan ended with its open slots.
    windows = db.session.execute(
        select(PatrolSlot.opens_at, PatrolSlot.closes_at).where(
            PatrolSlot.plan_id == plans["morning"]
        )
    ).all()
    assert (local(day, 5, 40), local(day, 7, 10)) not in [tuple(w) for w in windows]
    afternoon = db.session.get(PatrolPlan, plans["afternoon"])
    assert afternoon.active is False
    open_afternoon = select(PatrolSlot).where(
        PatrolSlot.plan_id == afternoon.id, PatrolSlot.status == SLOT_OPEN
    )
    assert db.session.scalars(open_afternoon).all() == []
    morning = db.session.get(PatrolPlan, plans["morning"])
    assert (morning.window_start.isoformat(), morning.window_end.isoformat()) == (
        "06:00:00",
        "07:30:00",
    )
    slots_on(bus["id"], day)
    [new] = db.session.scalars(
        select(PatrolSlot).where(PatrolSlot.plan_id == morning.id, PatrolSlot.day == day)
    )
    assert new.opens_at == local(day, 6, 0) and new.closes_at == local(day, 7, 30)
    noon = trip_plan_ids(bus["id"])["noon"]
    assert db.session.get(PatrolPlan, noon).name == "皖L55501 午班"


def test_retiring_a_bus_ends_its_trips_and_its_sticker(client, staff, make_bus):
    bus = make_bus()
    slots_on(bus["id"], school_day(today(), 1))
    assert client.delete(f"{BASE}/{bus['id']}", headers=staff["officer"]).status_code == 204
    assert client.delete(f"{BASE}/{bus['id']}", headers=staff["officer"]).status_code == 204
    db.session.expire_all()
    plan_ids = list(trip_plan_ids(bus["id"]).values())
    assert all(not db.session.get(PatrolPlan, i).active for i in plan_ids)
    assert (
        db.session.scalars(select(PatrolSlot).where(PatrolSlot.plan_id.in_(plan_ids))).all() == []
    )
    scan = client.get(
        "/api/v1/checkpoints/scan", query_string={"token": bus["token"]}, headers=staff["inspector"]
    )
    assert scan.status_code == 410


def test_a_new_sticker_retires_the_old_one(client, staff, make_bus):
    bus = make_bus()
    fresh = client.post(f"{BASE}/{bus['id']}/token", headers=staff["officer"])
    assert fresh.status_code == 200 and fresh.get_json()["token"] != bus["token"]
    old = client.get(
        "/api/v1/checkpoints/scan", query_string={"token": bus["token"]}, headers=staff["inspector"]
    )
    assert old.status_code == 410 and old.get_json()["error"]["code"] == "checkpoint_replaced"
    new = client.get(
        "/api/v1/checkpoints/scan",
        query_string={"token": fresh.get_json()["token"]},
        headers=staff["inspector"],
    )
    assert new.status_code == 200 and new.get_json()["checkpoint"]["kind"] == "bus"


def test_the_sticker_sheet(client, staff, make_bus):
    query = {"school_id": unit_by_code("YQ201").id}
    # A school the officer does not see; then the demo school's sheet.
    assert (
        client.get(f"{BASE}/sheet", query_string=query, headers=staff["officer"]).status_code == 404
    )
    make_bus()
    school = {"school_id": unit_by_code("YQ101").id}
    pdf = client.get(f"{BASE}/sheet", query_string=school, headers=staff["officer"])
    assert pdf.status_code == 200 and pdf.data.startswith(b"%PDF")
    assert (
        client.get(f"{BASE}/sheet", query_string=school, headers=staff["inspector"]).status_code
        == 403
    )


def test_drivers_are_replaced_keeping_those_named_again(client, staff, make_bus):
    bus = make_bus()
    [kept] = bus["drivers"]
    later = (today() + timedelta(days=20)).isoformat()
    drivers = [
        {"name": "李师傅", "licence_expires_on": later},
        {"name": "王师傅", "licence_expires_on": kept["licence_expires_on"], "phone": None},
    ]
    changed = client.patch(
        f"{BASE}/{bus['id']}", json={"drivers": drivers}, headers=staff["officer"]
    )
    assert changed.status_code == 200, changed.get_json()
    got = changed.get_json()["drivers"]
    assert [d["name"] for d in got] == ["李师傅", "王师傅"]
    assert got[1]["id"] == kept["id"] and got[1]["phone"] is None
    assert got[0]["licence_state"] == "expiring"
