"""A school's campus boundary drawn from the phone: its managers draw it, everyone who sees the
school reads it, and reports are flagged off campus by it."""

from __future__ import annotations

import pytest

from server.extensions import db
from tests.hazards.conftest import CAMPUS, unit_by_code

CENTER = {"lat": CAMPUS["lat"], "lng": CAMPUS["lng"]}


def url(code: str) -> str:
    return f"/api/v1/units/{unit_by_code(code).id}/campus"


def test_the_safety_officer_draws_a_centre_and_radius(demo, client, login):
    school = login("demo-school_admin")
    drawn = client.put(
        url("YQ101"),
        json={"coord_system": "gcj02", "center": CENTER, "radius_m": 150},
        headers=school,
    )
    assert drawn.status_code == 200, drawn.get_json()
    assert drawn.get_json() == {
        "id": unit_by_code("YQ101").id,
        "name": "符离中心小学",
        "coord_system": "gcj02",
        "center": CENTER,
        "radius_m": 150.0,
        "polygon": None,
    }
    seen = client.get(url("YQ101"), headers=login("demo-teacher")).get_json()
    assert seen["radius_m"] == 150.0
    db.session.expire_all()
    assert unit_by_code("YQ101").campus_radius_m == 150.0


def test_a_polygon_replaces_the_circle(demo, client, login):
    school = login("demo-school_admin")
    points = [
        {"lat": 33.7700, "lng": 116.9580},
        {"lat": 33.7725, "lng": 116.9580},
        {"lat": 33.7725, "lng": 116.9605},
        {"lat": 33.7700, "lng": 116.9605},
    ]
    drawn = client.put(
        url("YQ101"), json={"coord_system": "gcj02", "polygon": points}, headers=school
    ).get_json()
    assert drawn["polygon"] == points and drawn["center"] is None and drawn["radius_m"] is None


@pytest.mark.parametrize(
    "body",
    [
        {"coord_system": "gcj02", "center": CENTER},  # no radius
        {"coord_system": "gcj02", "center": CENTER, "radius_m": 5},  # too small
        {"coord_system": "bd09", "center": CENTER, "radius_m": 100},  # unknown system
        {"coord_system": "gcj02", "polygon": [CENTER, CENTER]},  # two points
        {"coord_system": "gcj02", "center": CENTER, "radius_m": 100, "polygon": [CENTER] * 3},
        {"coord_system": "gcj02", "center": {"lat": 91, "lng": 0}, "radius_m": 100},
    ],
)
def test_bad_shapes_are_refused(demo, client, login, body):
    response = client.put(url("YQ101"), json=body, headers=login("demo-school_admin"))
    assert response.status_code == 422, response.get_json()
    assert response.get_json()["error"]["code"] == "validation_error"


def test_who_may_draw(demo, client, login):
    body = {"coord_system": "gcj02", "center": CENTER, "radius_m": 150}
    assert client.put(url("YQ101"), json=body, headers=login("demo-teacher")).status_code == 403
    assert (
        client.put(url("YQ201"), json=body, headers=login("demo-school_admin")).status_code == 404
    )
    assert client.put(url("YQ101"), json=body, headers=login("demo-supervisor")).status_code == 200
    center_school = client.get(url("YQ100"), headers=login("demo-supervisor"))
    assert center_school.status_code == 409  # a centre school has no campus of its own
