"""POST /api/v1/patrols: the issue's "done when" for a round, presence, tokens, retries, slots,
races and hostile input."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime, timedelta

from sqlalchemy import func, select

from server.clock import CHINA_TZ
from server.extensions import db
from server.models import Hazard
from server.models.patrols import Checkpoint, Patrol, PatrolSlot, RetiredCheckpointToken
from tests.hazards.conftest import make_jpeg
from tests.patrols import support_submit as support
from tests.patrols.support_submit import (
    make_checkpoint,
    make_slot,
    make_template,
    north,
    round_body,
    stamp,
    upload_bytes,
    user_of,
)
from tests.support.concurrency import answer, together

# The support module's fixtures, made visible to pytest here (P1 owns tests/patrols/conftest.py).
staff, canteen = support.staff, support.canteen


def _post(client, headers, body):
    """Submit a round."""
    return client.post("/api/v1/patrols", json=body, headers=headers)


def _photo(client, headers, seed: int = 0) -> int:
    """A fresh photo (no EXIF time) uploaded by ``headers``."""
    return upload_bytes(client, headers, make_jpeg(seed + uuid.uuid4().int % 10**9))


def test_teacher_fails_one_item_and_the_safety_officer_sees_the_hazard(client, staff, canteen):
    photo = _photo(client, staff["teacher"])
    body = round_body(canteen, fails={0: [photo]})
    response = _post(client, staff["teacher"], body)
    assert response.status_code == 201, response.get_json()
    patrol = response.get_json()
    assert patrol["counts"] == {"pass": 4, "fail": 1, "na": 0}
    assert patrol["checkpoint"]["name"] == "食堂"
    assert patrol["school"]["name"] == "符离中心小学"
    assert patrol["template"]["code"] == "fire_daily"
    assert patrol["slot_id"] is None and patrol["flags"] == []
    assert patrol["late_submission"] is False
    assert patrol["distance_m"] < 1
    failed = patrol["answers"][0]
    assert failed["answer"] == "fail" and failed["hazard_id"] is not None
    assert [p["id"] for p in failed["photos"]] == [photo]
    assert failed["photos"][0]["url"]
    assert all(a["hazard_id"] is None for a in patrol["answers"][1:])

    listed = client.get("/api/v1/hazards", headers=staff["school_admin"]).get_json()["hazards"]
    hazard = next(h for h in listed if h["id"] == failed["hazard_id"])
    assert hazard["status"] == "reported"
    assert hazard["severity"] == "general"
    assert hazard["focus_problem"]["code"] == "fire.patrol"
    assert hazard["description"].startswith("灭火器在位且在有效期内")
    assert "灭火器压力不足" in hazard["description"]
    assert hazard["checkpoint"] == {"id": canteen["checkpoint_id"], "name": "食堂"}
    assert hazard["reporter"]["id"] == user_of("demo-teacher").id
    detail = client.get(f"/api/v1/hazards/{hazard['id']}", headers=staff["school_admin"])
    assert [(p["id"], p["stage"]) for p in detail.get_json()["photos"]] == [(photo, "before")]
    # The safety officer was told as for any new report.
    inbox = client.get("/api/v1/inbox", headers=staff["school_admin"]).get_json()["messages"]
    assert any(m["kind"] == "hazard_reported" for m in inbox)


def test_too_far_is_refused_with_the_distance(client, staff, canteen):
    body = round_body(canteen, lat=north(300))
    response = _post(client, staff["teacher"], body)
    assert response.status_code == 422
    error = response.get_json()["error"]
    assert error["code"] == "too_far"
    assert 295 < error["details"]["distance_m"] < 305
    assert error["details"]["radius_m"] == 50
    assert db.session.scalar(select(func.count(Patrol.id))) == 0


def test_accuracy_widens_the_radius_but_only_up_to_the_cap(client, staff, canteen):
    # 70 m away with a 25 m fix: 70 - 25 <= 50, accepted.
    near = round_body(canteen, lat=north(70), accuracy=25)
    assert _post(client, staff["teacher"], near).status_code == 201
    # 120 m away claiming 5 km accuracy: the cap (50 m) leaves it outside.
    far = round_body(canteen, lat=north(120), accuracy=5000)
    assert _post(client, staff["teacher"], far).get_json()["error"]["code"] == "too_far"


def test_retry_same_content_200_different_content_409(client, staff, canteen):
    body = round_body(canteen)
    first = _post(client, staff["teacher"], body)
    assert first.status_code == 201
    # The offline queue re-stamps sent_at on each attempt: still the same round.
    again = _post(client, staff["teacher"], {**body, "sent_at": stamp(datetime.now(UTC))})
    assert again.status_code == 200 and again.get_json()["id"] == first.get_json()["id"]
    changed = dict(body, answers=[dict(a) for a in body["answers"]])
    changed["answers"][1]["answer"] = "na"
    replay = _post(client, staff["teacher"], changed)
    assert replay.status_code == 409
    assert replay.get_json()["error"]["code"] == "uuid_conflict"
    # Another person sending the same UUID does not get the first person's round.
    other = _post(client, staff["guard"], body)
    assert other.status_code == 409
    assert db.session.scalar(select(func.count(Patrol.id))) == 1


def test_replaced_unknown_and_inactive_tokens(client, staff, canteen):
    checkpoint = db.session.get(Checkpoint, canteen["checkpoint_id"])
    old = checkpoint.token
    db.session.add(RetiredCheckpointToken(token=old, checkpoint_id=checkpoint.id))
    checkpoint.token = "new-" + old
    db.session.commit()
    replaced = _post(client, staff["teacher"], round_body(canteen))
    assert replaced.status_code == 410
    assert replaced.get_json()["error"]["code"] == "checkpoint_replaced"
    unknown = _post(client, staff["teacher"], round_body(canteen, token="x" * 32))
    assert unknown.status_code == 404
    assert unknown.get_json()["error"]["code"] == "checkpoint_unknown"
    checkpoint.active = False
    db.session.commit()
    inactive = _post(client, staff["teacher"], round_body(canteen, token="SAFETY-CP:new-" + old))
    assert inactive.status_code == 410
    assert inactive.get_json()["error"]["code"] == "checkpoint_inactive"


def test_a_retry_after_the_sticker_was_replaced_still_gets_its_round(client, staff, canteen):
    body = round_body(canteen)
    first = _post(client, staff["teacher"], body)
    checkpoint = db.session.get(Checkpoint, canteen["checkpoint_id"])
    db.session.add(RetiredCheckpointToken(token=checkpoint.token, checkpoint_id=checkpoint.id))
    checkpoint.token = "replaced-token"
    db.session.commit()
    again = _post(client, staff["teacher"], body)
    assert again.status_code == 200 and again.get_json()["id"] == first.get_json()["id"]


def test_scope_and_capability(client, staff, canteen):
    sibling = _post(client, staff["sibling_admin"], round_body(canteen))
    assert sibling.status_code == 404
    parent = _post(client, staff["parent"], round_body(canteen))
    assert parent.status_code in (403, 404)


def test_template_and_answers_must_fit(client, staff, canteen):
    teacher = staff["teacher"]
    other = make_template(code="water_point")
    wrong = _post(client, teacher, round_body(canteen, template_id=other.id))
    assert wrong.get_json()["error"]["code"] == "validation_error"
    # An older version of the same code still counts (the phone showed it).
    newer = make_template(version=2)
    body = round_body(canteen, template_id=newer.id)
    body["answers"] = [{"item_id": i.id, "answer": "pass"} for i in newer.items]
    assert _post(client, teacher, body).status_code == 201
    body = round_body(canteen)
    body["answers"] = body["answers"][:4]
    missing = _post(client, teacher, body)
    assert missing.status_code == 422 and "unanswered" in str(missing.get_json())
    body = round_body(canteen)
    body["answers"].append(dict(body["answers"][0]))
    assert _post(client, teacher, body).status_code == 422
    body = round_body(canteen)
    body["answers"][0] = {"item_id": canteen["item_ids"][0], "answer": "fail", "note": "坏了"}
    assert _post(client, teacher, body).get_json()["error"]["code"] == "validation_error"
    photo = _photo(client, teacher)
    body = round_body(canteen)
    body["answers"][0] = {"item_id": canteen["item_ids"][0], "answer": "fail", "photo_ids": [photo]}
    assert _post(client, teacher, body).get_json()["error"]["code"] == "validation_error"
    body = round_body(canteen)
    body["answers"][1]["photo_ids"] = [photo]
    assert _post(client, teacher, body).status_code == 422
    # Someone else's photo.
    theirs = _photo(client, staff["school_admin"])
    refused = _post(client, teacher, round_body(canteen, fails={0: [theirs]}))
    assert refused.status_code == 422
    assert db.session.scalar(select(func.count(Hazard.id))) == 0


def test_times_are_bounded_and_late_submissions_told(client, staff, canteen):
    now = datetime.now(UTC)
    teacher = staff["teacher"]
    future = round_body(canteen, scanned_at=stamp(now + timedelta(hours=1)))
    assert _post(client, teacher, future).status_code == 422
    stale = round_body(canteen, scanned_at=stamp(now - timedelta(days=8)))
    assert _post(client, teacher, stale).status_code == 422
    backwards = round_body(canteen, sent_at=stamp(now - timedelta(hours=2)))
    assert _post(client, teacher, backwards).status_code == 422
    for far in ("9999-12-31T23:59:59-12:00", "0001-01-01T00:00:00+14:00", "2026-13-40T00:00:00Z"):
        assert _post(client, teacher, round_body(canteen, scanned_at=far)).status_code == 422
    offline = round_body(
        canteen, scanned_at=stamp(now - timedelta(hours=3)), sent_at=stamp(now)
    )  # fmt: skip
    made = _post(client, teacher, offline)
    assert made.status_code == 201 and made.get_json()["late_submission"] is True


def test_hostile_input_is_a_4xx(client, staff, canteen):
    teacher = staff["teacher"]
    cases = [
        round_body(canteen, template_id=2**31),
        round_body(canteen, template_id=2**63),
        round_body(canteen, token="abc\x00def"),
        round_body(canteen, lat=1e308),
        round_body(canteen, accuracy=-1),
        round_body(canteen, answers=[{"item_id": canteen["item_ids"][0], "answer": "pass"}] * 1000),
        round_body(canteen, answers=[]),
        round_body(canteen, client_uuid="not-a-uuid"),
        {"answers": "x"},
    ]
    body = round_body(canteen)
    body["answers"][0]["item_id"] = 2**40
    cases.append(body)
    body = round_body(canteen)
    body["answers"][0]["note"] = "x\x00y"
    cases.append(body)
    for case in cases:
        response = _post(client, teacher, case)
        assert 400 <= response.status_code < 500, (case, response.get_json())


def test_a_slot_is_done_then_refused(client, staff, canteen):
    now = datetime.now(UTC)
    slot_id = make_slot(
        canteen["checkpoint_id"],
        now - timedelta(minutes=30),
        now + timedelta(minutes=30),
        assignee_user_id=user_of("demo-teacher").id,
    )
    first = _post(client, staff["teacher"], round_body(canteen))
    assert first.status_code == 201 and first.get_json()["slot_id"] == slot_id
    assert db.session.get(PatrolSlot, slot_id).status == "done"
    second = _post(client, staff["teacher"], round_body(canteen))
    assert second.status_code == 409
    assert second.get_json()["error"]["code"] == "slot_already_done"


def _noon_passed() -> datetime:
    """Noon of the latest local day whose noon has passed (today's, or yesterday's before
    noon): a window and a scan that never straddle local midnight, whenever the tests run."""
    now = datetime.now(UTC)
    local = now.astimezone(CHINA_TZ)
    noon = local.replace(hour=12, minute=0, second=0, microsecond=0)
    return (noon if noon <= local else noon - timedelta(days=1)).astimezone(UTC)


def test_a_role_slot_after_its_window_is_late_and_others_are_free(client, staff, canteen):
    noon = _noon_passed()
    slot_id = make_slot(
        canteen["checkpoint_id"],
        noon - timedelta(minutes=50),
        noon - timedelta(minutes=20),
        assignee_role="teacher",
    )
    # Scanned at noon, 20 minutes after the window closed (the job has not marked it missed).
    late = {"scanned_at": stamp(noon), "sent_at": stamp(datetime.now(UTC))}
    made = _post(client, staff["teacher"], round_body(canteen, **late)).get_json()
    assert made["slot_id"] == slot_id
    assert db.session.get(PatrolSlot, slot_id).status == "late"
    # The guard holds no teacher role: their round is outside any slot.
    guard = _post(client, staff["guard"], round_body(canteen, **late))
    assert guard.status_code == 201 and guard.get_json()["slot_id"] is None


def test_a_missed_slot_done_in_time_offline_becomes_done(client, staff, canteen):
    now = datetime.now(UTC)
    slot_id = make_slot(
        canteen["checkpoint_id"],
        now - timedelta(hours=2),
        now - timedelta(hours=1),
        assignee_user_id=user_of("demo-teacher").id,
        status="missed",
    )
    body = round_body(canteen, scanned_at=stamp(now - timedelta(minutes=90)))
    made = _post(client, staff["teacher"], body).get_json()
    assert made["slot_id"] == slot_id and made["late_submission"] is True
    assert db.session.get(PatrolSlot, slot_id).status == "done"


def test_two_rounds_race_for_one_slot(app, client, staff, canteen):
    now = datetime.now(UTC)
    slot_id = make_slot(
        canteen["checkpoint_id"],
        now - timedelta(minutes=30),
        now + timedelta(minutes=30),
        assignee_role="teacher",
    )
    bodies = [round_body(canteen) for _ in range(4)]
    results = together(app, [lambda c, b=b: answer(_post(c, staff["teacher"], b)) for b in bodies])
    statuses = sorted(status for status, _ in results)
    assert statuses == [201, 409, 409, 409], results
    assert all(
        body["error"]["code"] == "slot_already_done" for status, body in results if status == 409
    )
    assert db.session.scalar(select(func.count(Patrol.id)).where(Patrol.slot_id == slot_id)) == 1
    assert db.session.get(PatrolSlot, slot_id).status == "done"


def test_concurrent_retries_make_one_round_and_one_hazard(app, client, staff, canteen):
    photo = _photo(client, staff["teacher"])
    body = round_body(canteen, fails={2: [photo]})
    results = together(app, [lambda c: answer(_post(c, staff["teacher"], body))] * 4)
    statuses = sorted(status for status, _ in results)
    assert statuses == [200, 200, 200, 201], results
    assert len({payload["id"] for _, payload in results}) == 1
    assert db.session.scalar(select(func.count(Patrol.id))) == 1
    assert db.session.scalar(select(func.count(Hazard.id))) == 1


def test_a_report_may_name_the_checkpoint_it_was_made_at(client, staff, canteen):
    teacher = staff["teacher"]
    photo = _photo(client, teacher)
    body = {
        "client_uuid": str(uuid.uuid4()),
        "focus_problem": "fire.utilities",
        "description": "配电箱门损坏,电线裸露",
        "severity": "general",
        "lat": 33.7712,
        "lng": 116.9593,
        "accuracy": 10,
        "coord_system": "gcj02",
        "photo_ids": [photo],
        "checkpoint_token": "SAFETY-CP:" + canteen["token"],
    }
    made = client.post("/api/v1/hazards", json=body, headers=teacher)
    assert made.status_code == 201, made.get_json()
    assert made.get_json()["checkpoint"] == {"id": canteen["checkpoint_id"], "name": "食堂"}
    plain = client.post(
        "/api/v1/hazards",
        json={**body, "client_uuid": str(uuid.uuid4()), "checkpoint_token": None},
        headers=teacher,
    )
    assert plain.get_json()["checkpoint"] is None
    unknown = {**body, "client_uuid": str(uuid.uuid4()), "checkpoint_token": "nope"}
    assert client.post("/api/v1/hazards", json=unknown, headers=teacher).status_code == 404
    elsewhere = make_checkpoint("YQ102", name="操场")
    grant = {**body, "client_uuid": str(uuid.uuid4()), "checkpoint_token": elsewhere.token}
    # 栏杆中心小学 is outside the teacher's scope.
    assert client.post("/api/v1/hazards", json=grant, headers=teacher).status_code == 404


def _long_checkpoint() -> dict:
    """A checkpoint whose checklist has twice the canteen's items (ten), as round_body needs."""
    from server.models.patrols import ChecklistItem, ChecklistTemplate

    base = make_template()
    template = ChecklistTemplate(code="fire_long", kind="fire", name="加长清单", version=1)
    db.session.add(template)
    db.session.flush()
    for position in range(10):
        item = base.items[position % len(base.items)]
        db.session.add(
            ChecklistItem(
                template_id=template.id,
                position=position,
                code=f"long{position}",
                text=item.text,
                focus_problem_id=item.focus_problem_id,
            )
        )
    db.session.commit()
    checkpoint = make_checkpoint(name="长走廊", codes=["fire_long"])
    return {
        "checkpoint_id": checkpoint.id,
        "token": checkpoint.token,
        "template_id": template.id,
        "item_ids": [item.id for item in template.items],
    }


def test_a_round_costs_the_same_statements_however_many_items(client, staff, canteen):
    """The answers go in one batched INSERT: on PostgreSQL ten items cost what five do. (On
    SQLite, SQLAlchemy cannot get the new ids of a batched INSERT back in order, so it inserts
    row by row there: one statement per item, never more.)"""
    from tests.support.statements import counted

    teacher = staff["teacher"]
    longer = _long_checkpoint()
    assert _post(client, teacher, round_body(canteen)).status_code == 201  # warm caches

    def cost(where: dict) -> int:
        body = round_body(where)
        db.session.remove()  # a cold session, as a new request has
        with counted() as seen:
            assert _post(client, teacher, body).status_code == 201
        return len(seen)

    five, ten = cost(canteen), cost(longer)
    assert len(longer["item_ids"]) == 2 * len(canteen["item_ids"])
    extra = len(longer["item_ids"]) - len(canteen["item_ids"])
    if db.engine.dialect.name == "postgresql":
        assert ten == five, f"{five} statements for five items but {ten} for ten"
    else:
        assert ten - five <= extra, f"{five} statements for five items but {ten} for ten"
