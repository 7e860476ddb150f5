"""The water-point registry through the API: register, read, edit, retire and list points, the
school's managed visit plan kept in step, and who may do what."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import func, select

from server.extensions import db
from server.models.patrols import SLOT_OPEN, Checkpoint, PatrolPlan, PatrolSlot
from server.models.water import WaterPoint
from tests.support.statements import counted
from tests.water.conftest import point_body, school_id, water_plans

BASE = "/api/v1/water-points"


def _slots(plan_id: int, status: str = SLOT_OPEN) -> list[PatrolSlot]:
    """A plan's slots of a status, by day."""
    db.session.expire_all()
    query = select(PatrolSlot).where(PatrolSlot.plan_id == plan_id, PatrolSlot.status == status)
    return list(db.session.scalars(query.order_by(PatrolSlot.day, PatrolSlot.id)))


def test_a_water_patrol_registers_a_point_and_the_school_gets_its_visit_plan(
    client, water, make_point
):
    point = make_point()
    assert point["name"] == "沱河符离段" and point["kind_name"] == "河流"
    assert point["position"] == {"lat": 33.779, "lng": 116.97, "coord_system": "gcj02"}
    assert point["radius_m"] == 100 and point["shape"] is None
    assert point["measures"] == {
        "warning_sign": True, "barrier": False, "life_buoy": True, "rope": False, "pole": False,
    }  # fmt: skip
    assert point["missing_measures"] == ["护栏围挡", "救生绳", "救生杆"]
    assert point["caretaker"] == {"name": "张村委", "phone": "138 0000 0000"}
    assert point["schools"] == [{"id": school_id(), "name": "符离中心小学"}]
    assert point["unit"] == {"id": school_id(), "name": "符离中心小学"}
    assert point["active"] is True and point["may_manage"] is True
    assert point["last_visit"] is None
    checkpoint = db.session.get(Checkpoint, point["checkpoint_id"])
    assert checkpoint.kind == "water" and checkpoint.template_codes == ["water_point"]
    assert len(checkpoint.token) >= 32
    [plan] = water_plans()
    assert (plan.name, plan.template_code, plan.assignee_role, plan.recurrence) == (
        "防溺水水域巡查", "water_point", "water_patrol", "water_season",
    )  # fmt: skip
    assert (plan.remind_minutes_before, plan.escalate_after_misses) == (0, 1)
    assert [cp.id for cp in plan.checkpoints] == [checkpoint.id]
    # The window holding today is due at once, and shown as the point's next visit.
    [slot] = _slots(plan.id)
    assert point["next_due"]["slot_id"] == slot.id
    assert slot.closes_at - slot.opens_at >= timedelta(days=1)


def test_a_second_point_joins_the_same_plan(client, water, make_point):
    first, second = make_point(), make_point(name="后李村大塘", kind="pond")
    [plan] = water_plans()
    assert [cp.id for cp in plan.checkpoints] == [first["checkpoint_id"], second["checkpoint_id"]]
    assert {s.checkpoint_id for s in _slots(plan.id)} == {
        first["checkpoint_id"], second["checkpoint_id"],
    }  # fmt: skip


def test_a_point_of_two_schools_is_in_both_plans_and_moves_with_its_schools(
    client, water, make_point
):
    center = water["supervisor"]  # 符离中心校 holds water.manage at both of its schools
    point = make_point(center, school_ids=[school_id("YQ101"), school_id("YQ102")])
    assert point["unit"]["name"] == "符离中心校"
    assert len(water_plans("YQ101")) == 1 and len(water_plans("YQ102")) == 1
    # Only YQ102 now: YQ101's plan has nothing left and stops, its open window dropped.
    r = client.patch(
        f"{BASE}/{point['id']}", json={"school_ids": [school_id("YQ102")]}, headers=center
    )
    assert r.status_code == 200, r.get_json()
    assert r.get_json()["schools"] == [{"id": school_id("YQ102"), "name": "符离镇童心幼儿园"}]
    [old] = water_plans("YQ101")
    assert old.active is False and _slots(old.id) == []
    assert db.session.get(Checkpoint, point["checkpoint_id"]).school_id == school_id("YQ102")
    [kept] = water_plans("YQ102")
    assert kept.active and len(_slots(kept.id)) == 1
    # Back to YQ101: a new plan there (the old one stays retired, history kept).
    r = client.patch(
        f"{BASE}/{point['id']}", json={"school_ids": [school_id("YQ101")]}, headers=center
    )
    assert r.status_code == 200
    plans = water_plans("YQ101")
    assert [p.active for p in plans] == [False, True]


def test_retiring_a_point_drops_its_open_window_and_keeps_history(client, water, make_point):
    point, other = make_point(), make_point(name="后李村大塘", kind="pond")
    [plan] = water_plans()
    assert len(_slots(plan.id)) == 2
    r = client.delete(f"{BASE}/{point['id']}", headers=water["water_patrol"])
    assert r.status_code == 204
    assert [s.checkpoint_id for s in _slots(plan.id)] == [other["checkpoint_id"]]
    assert [cp.id for cp in water_plans()[0].checkpoints] == [other["checkpoint_id"]]
    gone = client.get(f"{BASE}/{point['id']}", headers=water["water_patrol"]).get_json()
    assert gone["active"] is False and gone["next_due"] is None
    # Retired twice: harmless. The last point retired: the plan stops.
    assert client.delete(f"{BASE}/{point['id']}", headers=water["water_patrol"]).status_code == 204
    assert client.delete(f"{BASE}/{other['id']}", headers=water["water_patrol"]).status_code == 204
    [plan] = water_plans()
    assert plan.active is False and _slots(plan.id) == []
    # Back in use: the school's plan again, its window due at once.
    r = client.patch(f"{BASE}/{other['id']}", json={"active": True}, headers=water["water_patrol"])
    assert r.status_code == 200 and r.get_json()["next_due"] is not None
    assert [p.active for p in water_plans()] == [False, True]


def test_edits_change_the_point(client, water, make_point):
    point = make_point()
    shape = {"type": "LineString", "coordinates": [[33.779, 116.969], [33.7795, 116.971]]}
    r = client.patch(
        f"{BASE}/{point['id']}",
        json={
            "name": "沱河符离东段",
            "shape": shape,
            "measures": {"barrier": True},
            "note": None,
            "caretaker_name": None,
            "caretaker_phone": None,
            "lat": 33.7792,
            "lng": 116.9702,
            "coord_system": "wgs84",
        },
        headers=water["water_patrol"],
    )
    assert r.status_code == 200, r.get_json()
    changed = r.get_json()
    assert changed["name"] == "沱河符离东段" and changed["shape"] == shape
    assert changed["measures"]["barrier"] is True and changed["measures"]["life_buoy"] is False
    assert changed["note"] is None and changed["caretaker"] is None
    assert changed["position"] == {"lat": 33.7792, "lng": 116.9702, "coord_system": "wgs84"}
    r = client.patch(f"{BASE}/{point['id']}", json={"lat": 33.7}, headers=water["water_patrol"])
    assert r.status_code == 422  # a position is lat, lng and coord_system together


def test_the_list_is_by_name_and_retired_points_only_for_managers(client, water, make_point):
    make_point(name="乙塘", kind="pond")
    retired = make_point(name="丙渠", kind="ditch")
    make_point(name="甲河")
    client.delete(f"{BASE}/{retired['id']}", headers=water["water_patrol"])
    center = school_id("YQ100")
    for who in ("teacher", "supervisor", "water_patrol"):
        unit = center if who == "supervisor" else school_id()
        r = client.get(BASE, query_string={"unit_id": unit}, headers=water[who])
        assert r.status_code == 200, (who, r.get_json())
        names = [p["name"] for p in r.get_json()["water_points"]]
        assert names == sorted(["乙塘", "甲河"]), who
    teacher_view = client.get(BASE, query_string={"unit_id": school_id()}, headers=water["teacher"])
    assert all(p["may_manage"] is False for p in teacher_view.get_json()["water_points"])
    query = {"unit_id": school_id(), "include_inactive": 1}
    assert client.get(BASE, query_string=query, headers=water["teacher"]).status_code == 403
    r = client.get(BASE, query_string=query, headers=water["water_patrol"])
    assert len(r.get_json()["water_points"]) == 3


def test_the_list_is_a_fixed_number_of_statements(client, water, make_point):
    center = water["supervisor"]
    make_point(center, school_ids=[school_id("YQ101"), school_id("YQ102")])
    make_point(name="后李村大塘", kind="pond")
    query = {"unit_id": school_id("YQ100")}
    client.get(BASE, query_string=query, headers=center)  # warm up
    db.session.expunge_all()  # both counts start from an empty identity map
    with counted() as few:
        assert client.get(BASE, query_string=query, headers=center).status_code == 200
    for n in range(4):
        make_point(center, name=f"塘{n}", kind="pond", school_ids=[school_id("YQ102")])
    db.session.expunge_all()
    with counted() as many:
        r = client.get(BASE, query_string=query, headers=center)
    assert len(r.get_json()["water_points"]) == 6
    assert len(many) == len(few)


def test_access_out_of_scope_is_404_without_the_capability_403(client, water, make_point):
    point = make_point()
    sibling = water["sibling_admin"]  # 符离镇童心幼儿园: a sibling of the point's school
    assert client.get(f"{BASE}/{point['id']}", headers=sibling).status_code == 404
    assert (
        client.patch(f"{BASE}/{point['id']}", json={"name": "x"}, headers=sibling).status_code
        == 404
    )
    assert client.delete(f"{BASE}/{point['id']}", headers=sibling).status_code == 404
    assert (
        client.get(BASE, query_string={"unit_id": school_id()}, headers=sibling).status_code == 404
    )
    r = client.post(BASE, json=point_body(), headers=sibling)
    assert r.status_code == 404
    # A teacher of the school sees the point but may not register or change one.
    teacher = water["teacher"]
    assert client.get(f"{BASE}/{point['id']}", headers=teacher).status_code == 200
    r = client.post(BASE, json=point_body(), headers=teacher)
    assert r.status_code == 403 and r.get_json()["error"]["details"]["capability"] == "water.manage"
    assert (
        client.patch(f"{BASE}/{point['id']}", json={"name": "x"}, headers=teacher).status_code
        == 403
    )
    assert client.delete(f"{BASE}/{point['id']}", headers=teacher).status_code == 403
    # A point also concerning a school beyond the caller's reach cannot be made or changed.
    both = point_body(school_ids=[school_id("YQ101"), school_id("YQ102")])
    assert client.post(BASE, json=both, headers=water["water_patrol"]).status_code == 404
    # A parent sees nothing.
    assert client.get(f"{BASE}/{point['id']}", headers=water["parent"]).status_code == 404
    assert db.session.scalar(select(func.count(WaterPoint.id))) == 1


def test_a_unit_that_is_not_a_school_is_refused(client, water):
    r = client.post(
        BASE, json=point_body(school_ids=[school_id("YQ100")]), headers=water["supervisor"]
    )
    assert r.status_code == 422 and "school_ids" in r.get_json()["error"]["details"]


def test_bad_input_is_4xx_and_nothing_is_saved(client, water):
    bad = [
        {"name": "沱河\x00段"},
        {"name": "  "},
        {"name": "长" * 61},
        {"kind": "sea"},
        {"lat": 91},
        {"coord_system": "bd09"},
        {"radius_m": 5},
        {"radius_m": 2**31},
        {"school_ids": []},
        {"school_ids": [2**31]},
        {"school_ids": [2**63]},
        {"caretaker_phone": "call me"},
        {"note": "长" * 501},
        {"measures": {"life_buoy": "perhaps"}},
        {"shape": {"type": "LineString", "coordinates": [[33.7, 116.9]]}},
        {"shape": {"type": "LineString", "coordinates": [[33.7, 116.9], [33.7, 116.9]]}},
        {"shape": {"type": "Polygon", "coordinates": [[33.7, 116.9], [33.8, 116.9]]}},
        {"shape": {"type": "Polygon", "coordinates": [[95, 116.9], [33.8, 116.9], [33, 116]]}},
        {"shape": {"type": "Point", "coordinates": [[33.7, 116.9], [33.8, 116.9]]}},
        {"shape": {"type": "LineString", "coordinates": [[33.7, 116.9]] * 201}},
    ]
    for changes in bad:
        r = client.post(BASE, json=point_body(**changes), headers=water["water_patrol"])
        assert r.status_code == 422, (changes, r.get_json())
    assert db.session.scalar(select(func.count(WaterPoint.id))) == 0
    for url in (f"{BASE}/{2**31}", f"{BASE}/{2**63}", f"{BASE}/0"):
        assert client.get(url, headers=water["water_patrol"]).status_code == 404
        for call in (client.patch, client.delete):
            status = call(url, json={"name": "x"}, headers=water["water_patrol"]).status_code
            assert 400 <= status < 500, (url, status)
    point = client.post(BASE, json=point_body(), headers=water["water_patrol"]).get_json()
    for changes in (
        {"name": "沱河\x07段"},
        {"note": "a\x00b"},
        {"school_ids": [2**31]},
        {"radius_m": 501},
        {"active": "maybe"},
        {"shape": {"type": "LineString"}},
    ):
        r = client.patch(f"{BASE}/{point['id']}", json=changes, headers=water["water_patrol"])
        assert r.status_code == 422, (changes, r.get_json())
    unchanged = client.get(f"{BASE}/{point['id']}", headers=water["water_patrol"]).get_json()
    assert unchanged["name"] == "沱河符离段" and unchanged["radius_m"] == 100
    r = client.get(BASE, query_string={"unit_id": 2**31}, headers=water["water_patrol"])
    assert r.status_code == 422


def test_the_managed_plan_is_neither_listed_nor_editable_through_patrol_plans(
    client, water, make_point
):
    make_point()
    [plan] = water_plans()
    admin = water["school_admin"]
    listed = client.get(
        "/api/v1/patrol-plans", query_string={"school_id": school_id()}, headers=admin
    )
    assert listed.status_code == 200 and plan.id not in [
        p["id"] for p in listed.get_json()["plans"]
    ]
    r = client.patch(f"/api/v1/patrol-plans/{plan.id}", json={"name": "改名"}, headers=admin)
    assert r.status_code == 404
    assert client.delete(f"/api/v1/patrol-plans/{plan.id}", headers=admin).status_code == 404
    db.session.expire_all()
    assert db.session.get(PatrolPlan, plan.id).active is True


def test_names_and_notes_go_through_the_content_check(client, water, make_point):
    r = client.post(BASE, json=point_body(name="赌博塘"), headers=water["water_patrol"])
    assert r.status_code == 422 and r.get_json()["error"]["code"] == "content_risky"
    r = client.post(BASE, json=point_body(note="塘边有人赌博"), headers=water["water_patrol"])
    assert r.status_code == 422 and r.get_json()["error"]["code"] == "content_risky"
    assert db.session.scalar(select(func.count(WaterPoint.id))) == 0
    # Held for review: the writer sees the name, others see it masked until it is released.
    point = make_point(name="代开发票塘", note="代开发票")
    assert point["name"] == "代开发票塘" and point["note"] == "代开发票"
    seen = client.get(f"{BASE}/{point['id']}", headers=water["teacher"]).get_json()
    assert seen["name"] == "内容审核中" and seen["note"] == "内容审核中"
