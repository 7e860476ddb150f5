"""Coverage of the water visits: due, done, late, missed and open per point, school and period,
the missed windows listed, for patrol.view holders of the unit, in a fixed number of statements;
and two points registered at once for one school make one plan."""

from __future__ import annotations

from datetime import date, timedelta

from sqlalchemy import delete, select

from server.extensions import db
from server.models.patrols import PatrolSlot
from server.services.patrol_slots import water_window
from server.water_schedule import window_containing
from tests.support.concurrency import answer, together
from tests.support.statements import counted
from tests.water.conftest import point_body, school_id, water_plans

URL = "/api/v1/water-points/coverage"
SPAN = {"from": "2026-05-01", "to": "2026-07-31"}


def _slot(plan, point: dict, day: date, status: str) -> int:
    """A slot of the window starting ``day`` with a status, written directly."""
    window = window_containing(day)
    opens, closes = water_window(window.first, window.last)
    slot = PatrolSlot(
        plan_id=plan.id,
        checkpoint_id=point["checkpoint_id"],
        school_id=plan.school_id,
        day=window.first,
        opens_at=opens,
        closes_at=closes,
        status=status,
    )
    db.session.add(slot)
    db.session.commit()
    return slot.id


def _setup(water, make_point):
    """Two points of 符离中心小学 and one of the kindergarten, with a history of windows."""
    river, pond = make_point(), make_point(name="后李村大塘", kind="pond")
    ditch = make_point(water["supervisor"], name="村东沟渠", kind="ditch",
                       school_ids=[school_id("YQ102")])  # fmt: skip
    db.session.execute(delete(PatrolSlot))  # the windows of the real today
    db.session.commit()
    [school], [kindergarten] = water_plans("YQ101"), water_plans("YQ102")
    missed = {
        "river_flood": _slot(school, river, date(2026, 6, 8), "missed"),
        "ditch_summer": _slot(kindergarten, ditch, date(2026, 7, 14), "missed"),
    }
    _slot(school, river, date(2026, 5, 21), "done")
    _slot(school, river, date(2026, 6, 1), "late")
    _slot(school, river, date(2026, 7, 11), "open")
    _slot(school, pond, date(2026, 6, 1), "done")
    _slot(school, pond, date(2026, 4, 1), "missed")  # before the span
    _slot(kindergarten, ditch, date(2026, 7, 11), "done")
    return {"river": river, "pond": pond, "ditch": ditch, "missed": missed}


def test_coverage_per_point_school_and_period(client, water, make_point):
    made = _setup(water, make_point)
    r = client.get(URL, query_string={"unit_id": school_id("YQ100"), **SPAN},
                   headers=water["supervisor"])  # fmt: skip
    assert r.status_code == 200, r.get_json()
    found = r.get_json()
    assert (found["from"], found["to"]) == ("2026-05-01", "2026-07-31")
    assert found["totals"] == {
        "due": 7, "done": 3, "late": 1, "missed": 2, "open": 1, "rate": round(4 / 6, 3),
    }  # fmt: skip
    schools = {s["school"]["name"]: s for s in found["schools"]}
    assert (schools["符离中心小学"]["due"], schools["符离中心小学"]["missed"]) == (5, 1)
    assert schools["符离镇童心幼儿园"]["rate"] == 0.5
    points = {p["water_point"]["name"]: p for p in found["points"]}
    assert points["沱河符离段"]["due"] == 4 and points["沱河符离段"]["rate"] == round(2 / 3, 3)
    assert points["后李村大塘"] == {
        "water_point": {"id": made["pond"]["id"], "name": "后李村大塘"},
        "due": 1, "done": 1, "late": 0, "missed": 0, "open": 0, "rate": 1.0,
    }  # fmt: skip
    periods = {p["name"]: p for p in found["periods"]}
    assert set(periods) == {"平时", "汛期", "暑假"}
    assert (periods["汛期"]["due"], periods["汛期"]["missed"]) == (3, 1)
    assert (periods["暑假"]["due"], periods["暑假"]["open"], periods["暑假"]["rate"]) == (3, 1, 0.5)
    # The missed windows, newest first, each with its point, school and period.
    assert [m["slot_id"] for m in found["missed"]] == [
        made["missed"]["ditch_summer"], made["missed"]["river_flood"],
    ]  # fmt: skip
    flood = found["missed"][1]
    assert flood["water_point"]["name"] == "沱河符离段" and flood["period_name"] == "汛期"
    assert flood["school"]["name"] == "符离中心小学"
    # The school's own figures leave the kindergarten out.
    r = client.get(URL, query_string={"unit_id": school_id("YQ101"), **SPAN},
                   headers=water["school_admin"])  # fmt: skip
    assert r.get_json()["totals"]["due"] == 5
    assert [m["slot_id"] for m in r.get_json()["missed"]] == [made["missed"]["river_flood"]]


def test_coverage_access_and_bounds(client, water, make_point):
    _setup(water, make_point)
    query = {"unit_id": school_id("YQ101"), **SPAN}
    assert client.get(URL, query_string=query, headers=water["teacher"]).status_code == 403
    assert client.get(URL, query_string=query, headers=water["sibling_admin"]).status_code == 404
    assert client.get(URL, query_string=query, headers=water["parent"]).status_code == 404
    bad = [
        {"from": "2025-01-01", "to": "2026-07-31"},  # more than 400 days
        {"from": "2026-08-01", "to": "2026-07-31"},
        {"from": "2026-02-30"},
        {"unit_id": 2**31},
        {"unit_id": "1\x00"},
    ]
    for changes in bad:
        r = client.get(URL, query_string={**query, **changes}, headers=water["school_admin"])
        assert r.status_code == 422, (changes, r.get_json())
    # The default span: the last 90 days to today.
    found = client.get(URL, query_string={"unit_id": school_id("YQ101")},
                       headers=water["school_admin"]).get_json()  # fmt: skip
    assert date.fromisoformat(found["to"]) - date.fromisoformat(found["from"]) == timedelta(days=90)


def test_coverage_is_a_fixed_number_of_statements(client, water, make_point):
    _setup(water, make_point)
    query = {"unit_id": school_id("YQ100"), **SPAN}
    headers = water["supervisor"]
    client.get(URL, query_string=query, headers=headers)
    db.session.expunge_all()  # both counts start from an empty identity map
    with counted() as few:
        client.get(URL, query_string=query, headers=headers)
    [plan] = water_plans("YQ101")
    for n in range(4):
        point = make_point(name=f"塘{n}", kind="pond")
        _slot(plan, point, date(2026, 6, 15), "missed")
    db.session.expunge_all()
    with counted() as many:
        r = client.get(URL, query_string=query, headers=headers)
    assert len(r.get_json()["missed"]) == 6
    assert len(many) == len(few)


def test_two_points_registered_at_once_make_one_plan(app, water):
    headers = water["water_patrol"]
    results = together(
        app,
        [
            lambda c, n=n: answer(
                c.post("/api/v1/water-points", json=point_body(name=f"塘{n}"), headers=headers)
            )
            for n in range(2)
        ],
    )
    assert [status for status, _ in results] == [201, 201], results
    plans = water_plans()
    assert len(plans) == 1 and plans[0].active
    assert sorted(cp.id for cp in plans[0].checkpoints) == sorted(
        body["checkpoint_id"] for _, body in results
    )
    db.session.expire_all()
    slots = db.session.scalars(select(PatrolSlot).where(PatrolSlot.plan_id == plans[0].id)).all()
    assert len(slots) == 2


def test_the_last_two_points_retired_at_once_stop_the_plan(app, water, make_point):
    points = [make_point(), make_point(name="后李村大塘", kind="pond")]
    headers = water["water_patrol"]
    results = together(
        app,
        [
            lambda c, p=p: c.delete(f"/api/v1/water-points/{p['id']}", headers=headers).status_code
            for p in points
        ],
    )
    assert results == [204, 204]
    [plan] = water_plans()
    assert plan.active is False
    open_slots = db.session.scalars(
        select(PatrolSlot).where(PatrolSlot.plan_id == plan.id, PatrolSlot.status == "open")
    ).all()
    assert open_slots == []
