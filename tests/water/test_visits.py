"""The issue's "done when" for water points: a water patrol visits a point inside its radius (near
its line, inside its polygon) and records a missing life buoy, which becomes a hazard under the
drowning area for the right school; too far or without a photo, the visit is refused."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime, timedelta

from sqlalchemy import func, select

from server.extensions import db
from server.models import FocusProblem, Hazard
from server.models.patrols import SLOT_DONE, Patrol, PatrolSlot
from tests.hazards.conftest import make_jpeg
from tests.patrols.support_submit import upload_bytes
from tests.water.conftest import RIVER, school_id

M_PER_DEG_LAT = 111_195.0


def _north(metres: float) -> float:
    """The latitude ``metres`` north of the river point."""
    return RIVER["lat"] + metres / M_PER_DEG_LAT


def _scan(client, headers, checkpoint_id: int) -> dict:
    """The round page's content for a water point (no sticker: by its checkpoint id)."""
    r = client.get(
        "/api/v1/checkpoints/scan", query_string={"checkpoint_id": checkpoint_id}, headers=headers
    )
    assert r.status_code == 200, r.get_json()
    return r.get_json()


def _visit(client, headers, point: dict, *, lat=None, lng=None, fail=(), photos=1):
    """POST /patrols for a visit: every item passed but the codes in ``fail`` (with a note);
    ``photos`` fresh photos on the first answer."""
    scanned = _scan(client, headers, point["checkpoint_id"])
    [template] = scanned["templates"]
    assert template["code"] == "water_point"
    shots = [
        upload_bytes(client, headers, make_jpeg(uuid.uuid4().int % 10**9)) for _ in range(photos)
    ]
    answers = []
    for item in template["items"]:
        failed = item["code"] in fail
        answers.append(
            {
                "item_id": item["id"],
                "answer": "fail" if failed else "pass",
                "note": "救生圈缺失" if failed else None,
                "photo_ids": [],
            }
        )
    first = next(a for a in answers if a["answer"] == "fail") if fail else answers[0]
    first["photo_ids"] = shots
    for answer in answers:
        if answer["note"] is None:
            del answer["note"]
    now = datetime.now(UTC)
    body = {
        "client_uuid": str(uuid.uuid4()),
        "checkpoint_id": point["checkpoint_id"],
        "template_id": template["id"],
        "lat": RIVER["lat"] if lat is None else lat,
        "lng": RIVER["lng"] if lng is None else lng,
        "accuracy": 5,
        "coord_system": "gcj02",
        "scanned_at": (now - timedelta(minutes=3)).isoformat(),
        "sent_at": now.isoformat(),
        "answers": answers,
    }
    return client.post("/api/v1/patrols", json=body, headers=headers)


def test_a_missing_life_buoy_becomes_a_drowning_hazard_of_the_school(client, water, make_point):
    point = make_point(radius_m=50)
    r = _visit(client, water["water_patrol"], point, lat=_north(30), fail={"rescue_gear"})
    assert r.status_code == 201, r.get_json()
    patrol = r.get_json()
    assert patrol["school"]["id"] == school_id() and patrol["counts"]["fail"] == 1
    [failed] = [a for a in patrol["answers"] if a["answer"] == "fail"]
    hazard = db.session.get(Hazard, failed["hazard_id"])
    focus = db.session.get(FocusProblem, hazard.focus_problem_id)
    assert focus.code == "drowning.water_management"
    assert hazard.school_id == school_id() and hazard.checkpoint_id == point["checkpoint_id"]
    assert "救生设施" in hazard.description and "救生圈缺失" in hazard.description
    # The visit fulfils the open window, and the point shows it.
    slot = db.session.get(PatrolSlot, patrol["slot_id"])
    assert slot.status == SLOT_DONE and slot.checkpoint_id == point["checkpoint_id"]
    shown = client.get(f"/api/v1/water-points/{point['id']}", headers=water["teacher"]).get_json()
    assert shown["last_visit"]["patrol_id"] == patrol["id"]
    assert shown["last_visit"]["failed"] == 1
    assert shown["last_visit"]["user"]["name"] == "冯老师(水域巡查)"
    assert shown["next_due"] is None or shown["next_due"]["slot_id"] != slot.id


def test_the_hazard_is_filed_for_the_school_whose_window_it_fulfils(client, water, make_point):
    # A point of the kindergarten (its checkpoint's school) and of 符离中心小学, visited by the
    # school's water patrol: the hazard is the school's, whose window the visit fulfils.
    supervisor = water["supervisor"]
    point = make_point(supervisor, school_ids=[school_id("YQ102"), school_id("YQ101")])
    r = _visit(client, water["water_patrol"], point, fail={"barrier"})
    assert r.status_code == 201, r.get_json()
    [failed] = [a for a in r.get_json()["answers"] if a["answer"] == "fail"]
    assert db.session.get(Hazard, failed["hazard_id"]).school_id == school_id("YQ101")


def test_too_far_from_the_point_is_refused(client, water, make_point):
    point = make_point(radius_m=50)
    r = _visit(client, water["water_patrol"], point, lat=_north(200))
    assert r.status_code == 422 and r.get_json()["error"]["code"] == "too_far"
    assert db.session.scalar(select(func.count(Patrol.id))) == 0


def test_near_its_line_and_inside_its_polygon(client, water, make_point):
    # A river drawn as a line 1 km long: 30 m off its far end is near it, though 1 km from
    # the point's own position; 200 m off it is too far.
    far_east = RIVER["lng"] + 0.0108  # about 1 km east
    line = {
        "type": "LineString",
        "coordinates": [[RIVER["lat"], RIVER["lng"]], [RIVER["lat"], far_east]],
    }
    river = make_point(radius_m=50, shape=line)
    r = _visit(client, water["water_patrol"], river, lat=_north(30), lng=far_east - 0.0005)
    assert r.status_code == 201, r.get_json()
    r = _visit(client, water["water_patrol"], river, lat=_north(200), lng=far_east - 0.0005)
    assert r.status_code == 422 and r.get_json()["error"]["code"] == "too_far"
    # A pond 400 m across drawn as a polygon: its middle is inside, though 200 m from its edge.
    half = 200 / M_PER_DEG_LAT
    square = {
        "type": "Polygon",
        "coordinates": [
            [RIVER["lat"] - half, RIVER["lng"] - 0.0022],
            [RIVER["lat"] - half, RIVER["lng"] + 0.0022],
            [RIVER["lat"] + half, RIVER["lng"] + 0.0022],
            [RIVER["lat"] + half, RIVER["lng"] - 0.0022],
        ],
    }
    pond = make_point(name="后李村大塘", kind="pond", radius_m=20, shape=square)
    r = _visit(client, water["water_patrol"], pond)
    assert r.status_code == 201, r.get_json()
    r = _visit(client, water["water_patrol"], pond, lat=_north(400))
    assert r.status_code == 422 and r.get_json()["error"]["code"] == "too_far"


def test_a_visit_without_a_photo_is_refused(client, water, make_point):
    point = make_point()
    r = _visit(client, water["water_patrol"], point, photos=0)
    assert r.status_code == 422, r.get_json()
    assert "photo" in str(r.get_json()["error"]["details"])
    assert db.session.scalar(select(func.count(Patrol.id))) == 0


def test_a_retired_point_cannot_be_visited(client, water, make_point):
    point = make_point()
    client.delete(f"/api/v1/water-points/{point['id']}", headers=water["water_patrol"])
    r = client.get(
        "/api/v1/checkpoints/scan",
        query_string={"checkpoint_id": point["checkpoint_id"]},
        headers=water["water_patrol"],
    )
    assert r.status_code == 410 and r.get_json()["error"]["code"] == "checkpoint_inactive"
