"""Reporting hazards: photos, position, taxonomy, idempotent retries, duplicates, lists."""

from __future__ import annotations

import uuid

import pytest
from sqlalchemy import func, select

from server.extensions import db
from server.models import Hazard, HazardEvent
from tests.hazards.conftest import CAMPUS, grant_role, unit_by_code


def count(model) -> int:
    return db.session.scalar(select(func.count()).select_from(model))


def test_teacher_reports_a_hazard_on_campus(demo, client, login, report):
    teacher = login("demo-teacher")
    response, body = report(teacher)
    assert response.status_code == 201, response.get_json()
    hazard = response.get_json()
    assert hazard["status"] == "reported" and hazard["inside_campus"] is True
    assert hazard["area"] == {"code": "fire", "name": "消防安全"}
    assert hazard["focus_problem"]["code"] == "fire.utilities"
    assert len(hazard["photos"]) == 1 and hazard["photos"][0]["stage"] == "before"
    assert hazard["photos"][0]["url"].startswith("http")
    assert hazard["allowed_actions"] == ["fix_on_spot"]  # a patrol teacher may fix it there
    event = db.session.scalars(select(HazardEvent)).one()
    assert (event.kind, event.to_status, event.lat) == ("reported", "reported", body["lat"])


def test_off_campus_reports_are_kept_and_flagged(demo, client, login, report):
    response, _ = report(login("demo-water_patrol"), lat=CAMPUS["lat"] + 0.01)
    assert response.status_code == 201
    assert response.get_json()["inside_campus"] is False


def test_wgs84_position_is_converted_before_the_campus_check(demo, client, login, report):
    from server.geo import gcj02_to_wgs84

    lat, lng = gcj02_to_wgs84(CAMPUS["lat"], CAMPUS["lng"])
    response, _ = report(login("demo-teacher"), lat=lat, lng=lng, coord_system="wgs84")
    # The raw WGS-84 numbers lie ~500 m from the GCJ-02 centre; converted, they are on campus.
    assert response.get_json()["inside_campus"] is True


def test_same_uuid_same_content_returns_the_first(demo, client, login, report):
    teacher = login("demo-teacher")
    first, body = report(teacher)
    again = client.post("/api/v1/hazards", json=body, headers=teacher)
    assert again.status_code == 200
    assert again.get_json()["id"] == first.get_json()["id"]
    assert count(Hazard) == 1


def test_same_uuid_different_content_is_a_conflict(demo, client, login, report):
    teacher = login("demo-teacher")
    _, body = report(teacher)
    changed = client.post(
        "/api/v1/hazards", json={**body, "description": "另一处隐患"}, headers=teacher
    )
    assert changed.status_code == 409
    assert changed.get_json()["error"]["code"] == "uuid_conflict"
    assert count(Hazard) == 1


@pytest.mark.parametrize(
    "changes",
    [
        {"lat": 91},
        {"lng": -181},
        {"accuracy": 0},
        {"accuracy": None},
        {"coord_system": "bd09"},
        {"severity": "huge"},
        {"description": ""},
        {"client_uuid": "not-a-uuid"},
        {"photo_ids": []},
        {"photo_ids": list(range(1, 11))},
        {"photo_ids": [1, 1]},
        {"focus_problem": "fire.nothing"},
        {"photo_ids": [999999]},
        {"unexpected": True},
    ],
)
def test_bad_reports_are_refused_and_store_nothing(demo, client, login, report, changes):
    response, _ = report(login("demo-teacher"), **changes)
    assert response.status_code == 422, response.get_json()
    assert set(response.get_json()["error"]) == {"code", "message", "details"}
    assert count(Hazard) == 0


def test_someone_elses_photo_cannot_be_attached(demo, client, login, report, upload):
    other = upload(login("demo-guard"))
    response, _ = report(login("demo-teacher"), photo_ids=[other["id"]])
    assert response.status_code == 422
    assert "photo_ids" in response.get_json()["error"]["details"]


def test_school_is_required_when_the_reporter_covers_several(demo, client, login, report):
    supervisor = login("demo-supervisor")
    response, _ = report(supervisor, school_id=None)
    assert (response.status_code, response.get_json()["error"]["code"]) == (422, "school_required")
    ok, _ = report(login("demo-teacher"), school_id=None)  # one school: chosen for them
    assert ok.status_code == 201 and ok.get_json()["school"]["name"] == "符离中心小学"
    schools = client.get("/api/v1/hazards/schools", headers=supervisor).get_json()["schools"]
    assert sorted(s["name"] for s in schools) == ["符离中心小学", "符离镇童心幼儿园"]


def test_reports_outside_scope_and_by_parents_are_refused(demo, client, login, report):
    sibling_school = unit_by_code("YQ201").id
    response, _ = report(login("demo-teacher"), school_id=sibling_school)
    assert response.status_code == 404
    parent, _ = report(login("demo-parent"), photo_ids=[1])
    assert parent.status_code == 404
    assert count(Hazard) == 0


def test_possible_duplicates_within_50m(demo, client, login, report):
    teacher = login("demo-teacher")
    first = report(teacher)[0].get_json()
    report(teacher, focus_problem="fire.patrol")  # another focus problem: not a duplicate
    query = {
        "focus_problem": "fire.utilities",
        "coord_system": "gcj02",
        "lat": CAMPUS["lat"] + 0.0002,
        "lng": CAMPUS["lng"],
    }  # ~22 m north
    found = client.get("/api/v1/hazards/nearby", query_string=query, headers=teacher).get_json()
    assert [h["id"] for h in found["hazards"]] == [first["id"]]
    assert 15 < found["hazards"][0]["distance_m"] < 30
    far = {**query, "lat": CAMPUS["lat"] + 0.001}  # ~110 m
    assert (
        client.get("/api/v1/hazards/nearby", query_string=far, headers=teacher).get_json()[
            "hazards"
        ]
        == []
    )
    sibling = login("demo-school_admin")
    assert (
        client.get(
            "/api/v1/hazards/nearby", query_string={**query, "lat": "x"}, headers=sibling
        ).status_code
        == 422
    )


def test_lists_filter_paginate_and_respect_scope(demo, client, login, report):
    teacher = login("demo-teacher")
    ids = [
        report(teacher, severity="major" if i % 2 else "general")[0].get_json()["id"]
        for i in range(5)
    ]
    page1 = client.get("/api/v1/hazards?limit=2", headers=teacher).get_json()
    assert [h["id"] for h in page1["hazards"]] == ids[::-1][:2]
    page2 = client.get(
        f"/api/v1/hazards?limit=2&cursor={page1['next_cursor']}", headers=teacher
    ).get_json()
    assert [h["id"] for h in page2["hazards"]] == ids[::-1][2:4]
    majors = client.get("/api/v1/hazards?severity=major", headers=teacher).get_json()
    assert len(majors["hazards"]) == 2
    fire = client.get(
        "/api/v1/hazards?area=fire&status=reported&overdue=false", headers=teacher
    ).get_json()
    assert len(fire["hazards"]) == 5
    assert client.get("/api/v1/hazards?area=food", headers=teacher).get_json()["hazards"] == []
    other_center = login("openid-other-supervisor")
    grant_role("openid-other-supervisor", "supervisor", "YQ200")
    assert client.get("/api/v1/hazards", headers=other_center).get_json()["hazards"] == []
    assert client.get("/api/v1/hazards?cursor=%%%", headers=teacher).status_code == 422
    assert client.get("/api/v1/hazards?limit=1000", headers=teacher).status_code == 422
    assert client.get("/api/v1/hazards?status=lost", headers=teacher).status_code == 422


def test_geojson_is_wgs84(demo, client, login, report):
    teacher = login("demo-teacher")
    report(teacher)
    collection = client.get("/api/v1/hazards/geojson", headers=teacher).get_json()
    assert collection["type"] == "FeatureCollection"
    lng, lat = collection["features"][0]["geometry"]["coordinates"]
    # GCJ-02 in, WGS-84 out: a few hundred metres from the phone's raw numbers.
    from server.geo import WGS84, Position, gcj02_to_wgs84, haversine_m

    expected = gcj02_to_wgs84(CAMPUS["lat"], CAMPUS["lng"])
    assert (lat, lng) == pytest.approx(expected, abs=1e-6)
    raw = Position(CAMPUS["lat"], CAMPUS["lng"], WGS84)
    assert 300 < haversine_m(raw, Position(lat, lng, WGS84)) < 1000


def test_hazard_detail_hides_other_scopes(demo, client, login, report):
    hazard = report(login("demo-teacher"))[0].get_json()
    assert (
        client.get(f"/api/v1/hazards/{hazard['id']}", headers=login("demo-supervisor")).status_code
        == 200
    )
    stranger = login(f"o-{uuid.uuid4().hex[:6]}")
    assert client.get(f"/api/v1/hazards/{hazard['id']}", headers=stranger).status_code == 404
    assert client.get(f"/api/v1/hazards/{hazard['id']}/events", headers=stranger).status_code == 404


def test_reporter_and_date_range_filters(demo, client, login, report):
    from datetime import timedelta

    from server.clock import local_today
    from server.models import utcnow

    teacher, guard = login("demo-teacher"), login("demo-guard")
    mine = report(teacher)[0].get_json()["id"]
    old = report(guard)[0].get_json()["id"]
    db.session.get(Hazard, old).reported_at = utcnow() - timedelta(days=10)
    db.session.commit()
    supervisor = login("demo-supervisor")
    reporter_id = client.get("/api/v1/me", headers=teacher).get_json()["user"]["id"]
    by_reporter = client.get(f"/api/v1/hazards?reporter_id={reporter_id}", headers=supervisor)
    assert [h["id"] for h in by_reporter.get_json()["hazards"]] == [mine]
    today = local_today()
    recent = client.get(
        f"/api/v1/hazards?reported_from={today - timedelta(days=2)}", headers=supervisor
    ).get_json()["hazards"]
    assert [h["id"] for h in recent] == [mine]
    earlier = client.get(
        f"/api/v1/hazards?reported_to={today - timedelta(days=5)}", headers=supervisor
    ).get_json()["hazards"]
    assert [h["id"] for h in earlier] == [old]
    assert (
        client.get("/api/v1/hazards?reported_from=yesterday", headers=supervisor).status_code == 422
    )
