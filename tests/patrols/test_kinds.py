"""Checkpoints of three kinds on one engine: a water point is opened by its id and proved by
position only; a place or a bus must be scanned; a bus round must be a trip's; the checkpoints
and plans APIs keep to hand-made places (the registries keep the rest)."""

from __future__ import annotations

import secrets
import uuid
from datetime import UTC, datetime, timedelta

from sqlalchemy import select

from server.extensions import db
from server.models import ContentCheck, Hazard, Patrol
from server.models.patrols import Checkpoint, PatrolPlan
from server.models.water import WaterPoint, WaterPointSchool
from tests.hazards.conftest import CAMPUS, grant_role, make_jpeg, unit_by_code
from tests.patrols import support_submit as support
from tests.patrols.support_submit import make_slot, north, stamp, upload_bytes, user_of
from tests.support.content import pass_media

staff, canteen = support.staff, support.canteen


def _water_point(checklists, schools=("YQ101", "YQ102"), **changes) -> Checkpoint:
    """A pond of 符离中心小学 that also concerns 符离镇童心幼儿园 (rows made directly)."""
    checkpoint = Checkpoint(
        school_id=unit_by_code(schools[0]).id,
        name="村东大塘",
        kind="water",
        lat=changes.get("lat", CAMPUS["lat"]),
        lng=CAMPUS["lng"],
        coord_system="gcj02",
        radius_m=50,
        shape=changes.get("shape"),
        template_codes=["water_point"],
        token=secrets.token_urlsafe(24),
        active=True,
        created_by_id=user_of("demo-school_admin").id,
    )
    db.session.add(checkpoint)
    db.session.flush()
    point = WaterPoint(
        checkpoint_id=checkpoint.id,
        kind="pond",
        measures={"warning_sign": True},
        unit_id=checkpoint.school_id,
        created_by_id=checkpoint.created_by_id,
    )
    db.session.add(point)
    db.session.flush()
    for code in schools:
        db.session.add(WaterPointSchool(water_point_id=point.id, school_id=unit_by_code(code).id))
    db.session.commit()
    return checkpoint


def _visit(client, headers, checkpoint, template, photo_id, **changes):
    """A water visit by id: every item passed, one photo on the first."""
    now = datetime.now(UTC)
    answers = [{"item_id": item.id, "answer": "pass"} for item in template.items]
    answers[0]["photo_ids"] = [photo_id] if photo_id else []
    body = {
        "client_uuid": str(uuid.uuid4()),
        "checkpoint_id": checkpoint.id,
        "template_id": template.id,
        "lat": CAMPUS["lat"],
        "lng": CAMPUS["lng"],
        "accuracy": 8,
        "coord_system": "gcj02",
        "scanned_at": stamp(now - timedelta(minutes=1)),
        "sent_at": stamp(now),
        "answers": answers,
    }
    body.update(changes)
    return client.post("/api/v1/patrols", json=body, headers=headers)


def test_a_water_point_is_opened_by_id_for_any_school_it_concerns(client, staff, checklists, login):
    """A water patrol of the second concerned school opens and visits it by id; the round
    counts for that school; a school it does not concern does not know it."""
    point = _water_point(checklists)
    patrol_headers = login("water-yq102")
    grant_role("water-yq102", "water_patrol", "YQ102")
    scan = client.get(f"/api/v1/checkpoints/scan?checkpoint_id={point.id}", headers=patrol_headers)
    assert scan.status_code == 200, scan.get_json()
    assert scan.get_json()["checkpoint"]["kind"] == "water"
    photo = upload_bytes(client, patrol_headers, make_jpeg(501))
    made = _visit(client, patrol_headers, point, checklists["water_point"], photo)
    assert made.status_code == 201, made.get_json()
    assert db.session.get(Patrol, made.get_json()["id"]).school_id == unit_by_code("YQ102").id
    outsider = login("water-yq103")
    grant_role("water-yq103", "water_patrol", "YQ201")
    unknown = client.get(f"/api/v1/checkpoints/scan?checkpoint_id={point.id}", headers=outsider)
    assert unknown.status_code == 404
    assert unknown.get_json()["error"]["code"] == "checkpoint_unknown"


def test_a_water_visit_needs_a_photo_and_takes_photos_on_a_pass(client, staff, checklists):
    """No photo at all: 422; a photo with a passed item is the proof, accepted."""
    point = _water_point(checklists)
    teacher = staff["teacher"]
    refused = _visit(client, teacher, point, checklists["water_point"], None)
    assert refused.status_code == 422
    assert "at least one photo" in str(refused.get_json()["error"]["details"])
    photo = upload_bytes(client, teacher, make_jpeg(502))
    assert _visit(client, teacher, point, checklists["water_point"], photo).status_code == 201


def test_presence_at_a_river_is_measured_from_its_line(client, staff, checklists):
    """Near the bank drawn 300 m north of the point's own position: accepted; the point's own
    centre, 300 m from the line, is too far."""
    bank = [[north(300), CAMPUS["lng"] - 0.002], [north(300), CAMPUS["lng"] + 0.002]]
    point = _water_point(checklists, shape={"type": "LineString", "coordinates": bank})
    teacher = staff["teacher"]
    template = checklists["water_point"]
    far = _visit(client, teacher, point, template, upload_bytes(client, teacher, make_jpeg(503)))
    assert far.status_code == 422 and far.get_json()["error"]["code"] == "too_far"
    near = _visit(
        client,
        teacher,
        point,
        template,
        upload_bytes(client, teacher, make_jpeg(504)),
        lat=north(320),
    )
    assert near.status_code == 201, near.get_json()


def test_a_place_must_be_scanned_and_a_round_names_one_target(client, staff, canteen):
    """A place by id: 422 scan_required; both token and id, or neither: 422."""
    teacher = staff["teacher"]
    by_id = client.get(
        f"/api/v1/checkpoints/scan?checkpoint_id={canteen['checkpoint_id']}", headers=teacher
    )
    assert by_id.status_code == 422 and by_id.get_json()["error"]["code"] == "scan_required"
    body = support.round_body(canteen, checkpoint_id=canteen["checkpoint_id"])
    assert client.post("/api/v1/patrols", json=body, headers=teacher).status_code == 422
    del body["token"], body["checkpoint_id"]
    assert client.post("/api/v1/patrols", json=body, headers=teacher).status_code == 422
    neither = client.get("/api/v1/checkpoints/scan", headers=teacher)
    assert neither.status_code == 422


def _bus(canteen) -> dict:
    """The canteen's checklist on a bus checkpoint (kind bus) registered far from the school."""
    checkpoint = db.session.get(Checkpoint, canteen["checkpoint_id"])
    checkpoint.kind = "bus"
    checkpoint.lat = north(5000)
    db.session.commit()
    return canteen


def test_a_bus_round_must_be_a_trips_and_is_not_held_to_a_position(client, staff, canteen):
    """No trip due: 409 no_trip_due and nothing recorded; within a trip's window, 5 km from
    where the bus was registered, the inspection is taken (the sticker is the proof)."""
    bus = _bus(canteen)
    teacher = staff["teacher"]
    refused = client.post("/api/v1/patrols", json=support.round_body(bus), headers=teacher)
    assert refused.status_code == 409 and refused.get_json()["error"]["code"] == "no_trip_due"
    assert db.session.scalars(select(Patrol)).first() is None
    now = datetime.now(UTC)
    make_slot(
        bus["checkpoint_id"],
        now - timedelta(minutes=30),
        now + timedelta(minutes=30),
        assignee_user_id=user_of("demo-teacher").id,
    )
    taken = client.post("/api/v1/patrols", json=support.round_body(bus), headers=teacher)
    assert taken.status_code == 201, taken.get_json()
    assert taken.get_json()["slot_id"] is not None


def test_registries_keep_their_checkpoints_and_plans(client, staff, canteen, checklists):
    """The checkpoints list shows places only; a water point's checkpoint cannot be edited or
    re-coded there; a hand-made plan cannot take a water point or the water season; a plan kept
    by a registry is neither listed nor editable through the plans API."""
    point = _water_point(checklists)
    admin = staff["school_admin"]
    school_id = unit_by_code("YQ101").id
    listed = client.get(f"/api/v1/checkpoints?school_id={school_id}", headers=admin).get_json()
    kinds = {c["id"]: c["kind"] for c in listed["checkpoints"]}
    assert canteen["checkpoint_id"] in kinds and point.id not in kinds
    assert set(kinds.values()) == {"place"}
    patched = client.patch(f"/api/v1/checkpoints/{point.id}", json={"name": "x"}, headers=admin)
    assert patched.status_code == 409 and patched.get_json()["error"]["code"] == "kept_by_registry"
    assert client.post(f"/api/v1/checkpoints/{point.id}/token", headers=admin).status_code == 409
    body = {
        "school_id": school_id,
        "name": "水域",
        "template_code": "water_point",
        "checkpoint_ids": [point.id],
        "assignee_user_id": user_of("demo-teacher").id,
        "recurrence": "daily",
        "window_start": "07:30",
        "window_end": "08:30",
    }
    assert client.post("/api/v1/patrol-plans", json=body, headers=admin).status_code == 422
    body.update(checkpoint_ids=[canteen["checkpoint_id"]], template_code="fire_daily")
    seasonal = client.post(
        "/api/v1/patrol-plans", json={**body, "recurrence": "water_season"}, headers=admin
    )
    assert seasonal.status_code == 422
    made = client.post("/api/v1/patrol-plans", json=body, headers=admin)
    assert made.status_code == 201, made.get_json()
    plan = db.session.get(PatrolPlan, made.get_json()["id"])
    plan.managed_by = "water"
    db.session.commit()
    listed = client.get(f"/api/v1/patrol-plans?school_id={school_id}", headers=admin).get_json()
    assert plan.id not in [p["id"] for p in listed["plans"]]
    edit = client.patch(f"/api/v1/patrol-plans/{plan.id}", json={"name": "改个名字"}, headers=admin)
    assert edit.status_code == 404, edit.get_json()
    assert client.delete(f"/api/v1/patrol-plans/{plan.id}", headers=admin).status_code == 404


def test_a_failed_water_item_is_a_hazard_of_the_visiting_school(client, staff, checklists, login):
    """The missing life buoy of a point visited for 符离镇童心幼儿园 is that school's hazard."""
    point = _water_point(checklists)
    headers = login("water-yq102b")
    grant_role("water-yq102b", "water_patrol", "YQ102")
    template = checklists["water_point"]
    gear = next(item for item in template.items if item.code == "rescue_gear")
    photo = upload_bytes(client, headers, make_jpeg(505))
    answers = [
        {"item_id": item.id, "answer": "pass"} for item in template.items if item.id != gear.id
    ]
    answers.append(
        {"item_id": gear.id, "answer": "fail", "note": "救生圈不见了", "photo_ids": [photo]}
    )
    made = _visit(client, headers, point, template, None, answers=answers)
    assert made.status_code == 201, made.get_json()
    hazard = db.session.scalars(select(Hazard)).one()
    assert hazard.school_id == unit_by_code("YQ102").id
    assert hazard.focus_problem.code == "drowning.water_management"
    assert hazard.checkpoint_id == point.id


def test_a_water_visits_photos_wait_for_wechats_media_verdict(
    client, staff, checklists, fake_wechat
):
    """A passed item's photo is no hazard's: it has its own media check, shown to the patroller
    meanwhile and to the school's viewers once passed; a risky one is refused for all."""
    point = _water_point(checklists)
    teacher, officer = staff["teacher"], staff["school_admin"]
    photo = upload_bytes(client, teacher, make_jpeg(503))
    made = _visit(client, teacher, point, checklists["water_point"], photo).get_json()
    [check] = db.session.scalars(select(ContentCheck)).all()
    assert (check.subject, check.kind, check.photo_id) == ("patrol_photo", "media", photo)

    def shown(headers) -> dict:
        patrol = client.get(f"/api/v1/patrols/{made['id']}", headers=headers).get_json()
        return next(p for a in patrol["answers"] for p in a["photos"])

    assert shown(teacher)["url"] and shown(teacher)["under_review"] is False
    assert (shown(officer)["url"], shown(officer)["under_review"]) == (None, True)
    assert pass_media(client, fake_wechat) == 1
    assert shown(officer)["url"] and shown(officer)["refused"] is False
    fake_wechat.reset()
    photo = upload_bytes(client, teacher, make_jpeg(504))
    made = _visit(client, teacher, point, checklists["water_point"], photo).get_json()
    pass_media(client, fake_wechat, "risky")
    for headers in (teacher, officer):
        assert (shown(headers)["url"], shown(headers)["refused"]) == (None, True)
