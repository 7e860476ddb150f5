"""A bus inspection is a patrol round of its trip: a failed brake check leaves the trip not
cleared, becomes a hazard and pushes the safety officer with the round; a passing one in the
window clears it; outside any window or a second time it is refused; a departure passing
uninspected is missed and told; the board shows every state in bounded statements."""

from __future__ import annotations

from sqlalchemy import select

from server.extensions import db
from server.models import Delivery, Hazard, Notification
from server.models.patrols import Patrol
from server.services.notify import template
from server.services.patrol_missed import run_rounds
from tests.buses.conftest import (
    BASE,
    day_off,
    local,
    past_school_day,
    school_day,
    slots_on,
    today,
    unit_by_code,
    user_id,
)
from tests.notices.conftest import give_grant
from tests.support.concurrency import answer, together


def _board(client, headers, day) -> dict:
    response = client.get(
        f"{BASE}/board",
        query_string={"school_id": unit_by_code("YQ101").id, "day": day.isoformat()},
        headers=headers,
    )
    assert response.status_code == 200, response.get_json()
    return response.get_json()


def _trips(board: dict, bus: dict) -> dict[str, dict]:
    [row] = [b for b in board["buses"] if b["bus"]["id"] == bus["id"]]
    return {trip["code"]: trip for trip in row["trips"]}


def test_a_failed_brake_check_is_not_cleared_is_a_hazard_and_pushed_at_once(
    client, staff, make_bus, inspect, fake_wechat
):
    failed_id = template("bus_failed").template_id
    fake_wechat.register_template(failed_id)
    give_grant("demo-school_admin", failed_id)
    bus = make_bus()
    day = past_school_day()
    slots_on(bus["id"], day)
    response = inspect(bus, local(day, 6, 50), fails={"brakes": "刹车偏软,制动距离过长"})
    assert response.status_code == 201, response.get_json()
    patrol_id = response.get_json()["id"]
    # Not cleared: the board says failed, naming the item and its hazard.
    trip = _trips(_board(client, staff["inspector"], day), bus)["morning"]
    assert trip["state"] == "failed" and trip["patrol_id"] == patrol_id
    [item] = trip["failed_items"]
    assert item["code"] == "brakes" and item["text"] == "制动系统正常"
    hazard = db.session.get(Hazard, item["hazard_id"])
    assert hazard.school_id == unit_by_code("YQ101").id and "刹车偏软" in hazard.description
    assert hazard.focus_problem.code == "bus.maintenance"
    # The safety officer's push was written with the round and sent by the worker (the jobs
    # run inline in tests): sent already, so within the minute.
    note = db.session.scalars(select(Notification).where(Notification.kind == "bus_failed")).one()
    assert note.user_id == user_id("demo-school_admin") and note.title == "校车检查不合格"
    assert "皖L55501" in note.body and "早班" in note.body and "制动系统正常" in note.body
    delivery = db.session.scalars(select(Delivery).where(Delivery.notification_id == note.id)).one()
    assert delivery.status == "sent"
    [pushed] = [m for m in fake_wechat.messages() if m["template_id"] == failed_id]
    assert pushed["touser"] == "demo-school_admin"
    assert pushed["page"] == f"pages/bus/board?school_id={unit_by_code('YQ101').id}"
    assert pushed["data"]["car_number1"]["value"] == "皖L55501"


def test_a_passing_inspection_in_the_window_clears_the_trip(client, staff, make_bus, inspect):
    bus = make_bus()
    day = past_school_day()
    slots_on(bus["id"], day)
    response = inspect(bus, local(day, 16, 20))
    assert response.status_code == 201, response.get_json()
    trips = _trips(_board(client, staff["officer"], day), bus)
    assert trips["afternoon"]["state"] == "cleared"
    assert trips["afternoon"]["inspector"] == {
        "id": user_id("demo-bus_inspector"),
        "name": "郑师傅(校车检查)",
    }
    assert trips["afternoon"]["failed_items"] == []
    assert (
        db.session.scalars(select(Notification).where(Notification.kind == "bus_failed")).all()
        == []
    )


def test_an_inspection_outside_any_window_is_refused(client, staff, make_bus, inspect):
    bus = make_bus()
    day = past_school_day()
    slots_on(bus["id"], day)
    # Before the morning window; and at noon, once the morning trip was marked missed (until
    # the minute job marks it, a round after departure counts late: see the board states).
    run_rounds(local(day, 7, 11))
    for moment in (local(day, 5, 30), local(day, 12, 0)):
        response = inspect(bus, moment)
        assert response.status_code == 409 and response.get_json()["error"]["code"] == "no_trip_due"
    # On a day without school there is no trip at all.
    assert inspect(bus, local(day_off(), 6, 50)).get_json()["error"]["code"] == "no_trip_due"
    # A teacher is no bus inspector: no trip is theirs to inspect.
    response = inspect(bus, local(day, 6, 50), who="teacher")
    assert response.status_code == 409 and response.get_json()["error"]["code"] == "no_trip_due"
    assert db.session.scalars(select(Patrol.id)).all() == []


def test_a_trip_is_inspected_once(client, staff, make_bus, inspect):
    bus = make_bus()
    day = past_school_day()
    slots_on(bus["id"], day)
    assert inspect(bus, local(day, 6, 40)).status_code == 201
    again = inspect(bus, local(day, 6, 55), fails={"tyres": "左后轮胎压低"})
    assert again.status_code == 409 and again.get_json()["error"]["code"] == "slot_already_done"
    # The refused round told nobody and raised nothing.
    assert (
        db.session.scalars(select(Notification).where(Notification.kind == "bus_failed")).all()
        == []
    )
    assert (
        db.session.scalars(select(Hazard.id).where(Hazard.description.contains("胎压"))).all() == []
    )
    assert _trips(_board(client, staff["officer"], day), bus)["morning"]["state"] == "cleared"


def test_an_uninspected_departure_is_missed_and_told(client, staff, make_bus, inspect):
    bus = make_bus()
    day = past_school_day()
    slots_on(bus["id"], day)
    run_rounds(local(day, 7, 11))
    missed = db.session.scalars(select(Notification).where(Notification.kind == "patrol_missed"))
    assert [n.user_id for n in missed] == [user_id("demo-bus_inspector")]
    escalated = db.session.scalars(
        select(Notification).where(Notification.kind == "patrol_escalated")
    ).all()
    assert [n.user_id for n in escalated] == [user_id("demo-school_admin")]
    assert "校车皖L55501" in escalated[0].body
    trips = _trips(_board(client, staff["officer"], day), bus)
    assert trips["morning"]["state"] == "missed" and trips["afternoon"]["state"] == "missed"
    # Missed, it cannot be inspected any more.
    late = inspect(bus, local(day, 7, 20))
    assert late.status_code == 409 and late.get_json()["error"]["code"] == "no_trip_due"


def test_the_board_states(client, staff, make_bus, inspect):
    bus = make_bus()
    past, future = past_school_day(), school_day(today(), 1)
    slots_on(bus["id"], past)
    slots_on(bus["id"], future)
    # Inspected after departure, before the missed-round job came by: late.
    assert inspect(bus, local(past, 7, 12)).status_code == 201
    board = _board(client, staff["inspector"], past)
    trips = _trips(board, bus)
    assert trips["morning"]["state"] == "late"
    # The afternoon departure passed without anyone (the job has not run): missed.
    assert trips["afternoon"]["state"] == "missed" and trips["afternoon"]["slot_id"] is not None
    assert board["counts"]["late"] >= 1 and board["counts"]["missed"] >= 1
    ahead = _trips(_board(client, staff["inspector"], future), bus)
    assert ahead["morning"]["state"] == "pending"
    assert ahead["morning"]["opens_at"] == local(future, 5, 40).isoformat()
    assert ahead["morning"]["closes_at"] == local(future, 7, 10).isoformat()
    assert ahead["morning"]["departs_at"] == "07:10" and ahead["morning"]["name"] == "早班"
    off = _trips(_board(client, staff["inspector"], day_off()), bus)
    assert off["morning"]["state"] == "none" and off["morning"]["slot_id"] is None


def test_the_board_alerts_and_who_reads_it(client, staff, make_bus):
    soon = today().replace(day=1)  # expired (the first of this month or before today)
    bus = make_bus(agreement_expires_on=soon.isoformat(), video_alarm_device=None)
    board = _board(client, staff["inspector"], today())
    [row] = [b for b in board["buses"] if b["bus"]["id"] == bus["id"]]
    kinds = {a["kind"]: a for a in row["alerts"]}
    assert kinds["video_alarm"]["state"] == "missing"
    if soon < today():
        assert kinds["agreement"]["state"] == "expired"
        assert kinds["agreement"]["text"] == f"安全协议已于{soon.month}月{soon.day}日过期"
    query = {"school_id": unit_by_code("YQ101").id}
    for who, status in (("teacher", 200), ("officer", 200), ("sibling", 404), ("parent", 404)):
        response = client.get(f"{BASE}/board", query_string=query, headers=staff[who])
        assert response.status_code == status, who


def test_two_inspections_of_one_trip_at_once(app, staff, make_bus, inspection_body):
    bus = make_bus()
    day = past_school_day()
    slots_on(bus["id"], day)
    bodies = [
        inspection_body(bus, local(day, 6, 45), fails={"brakes": "刹车偏软"}),
        inspection_body(bus, local(day, 6, 46), fails={"lights": "左转向灯不亮"}),
    ]
    calls = [
        lambda c, body=body: answer(
            c.post("/api/v1/patrols", json=body, headers=staff["inspector"])
        )
        for body in bodies
    ]
    results = together(app, calls)
    assert sorted(status for status, _ in results) == [201, 409]
    [(_, refused)] = [r for r in results if r[0] == 409]
    assert refused["error"]["code"] == "slot_already_done"
    # One round, one hazard, one push: the loser's went with its rolled-back transaction.
    assert len(db.session.scalars(select(Patrol.id)).all()) == 1
    notes = db.session.scalars(select(Notification).where(Notification.kind == "bus_failed")).all()
    assert len(notes) == 1
    hazards = db.session.scalars(
        select(Hazard.id).where(Hazard.checkpoint_id == bus["checkpoint_id"])
    ).all()
    assert len(hazards) == 1
