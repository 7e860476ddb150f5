"""The perimeter log: entries need an open shift, "other" needs a note, photos are one's own;
an entry raised as a hazard (at once or later, by one tap or two at once) makes one hazard
under the right focus problem, in the school's list, told to the safety officer."""

from __future__ import annotations

import uuid
from datetime import timedelta

import sqlalchemy as sa
from sqlalchemy import func, select

from server.extensions import db
from server.models import ContentCheck, Hazard, Notification, Photo, User, utcnow
from server.models.guards import PerimeterLog
from server.services.photos import sweep_orphans
from tests.guards.conftest import school_id
from tests.support.concurrency import together
from tests.support.content import pass_media
from tests.support.statements import counted


def _hazards() -> int:
    """How many hazards exist."""
    return db.session.scalar(select(func.count(Hazard.id)))


def _officer() -> User:
    """The demo school's safety officer."""
    return db.session.scalars(select(User).where(User.openid == "demo-school_admin")).one()


def test_an_entry_needs_an_open_shift(client, guards, start, log):
    response, _ = log(guards["a"])
    assert response.status_code == 409
    assert response.get_json()["error"]["code"] == "no_open_shift"
    shift = start(guards["a"])[0].get_json()["shift"]
    client.post(f"/api/v1/guard/shifts/{shift['id']}/end", json={}, headers=guards["a"])
    assert log(guards["a"])[0].get_json()["error"]["code"] == "no_open_shift"
    assert db.session.scalar(select(func.count(PerimeterLog.id))) == 0


def test_an_entry_is_kept_once_by_its_uuid(client, guards, start, log):
    shift = start(guards["a"])[0].get_json()["shift"]
    first, body = log(guards["a"], kind="traffic", note=None)
    assert first.status_code == 201, first.get_json()
    entry = first.get_json()
    assert entry["shift_id"] == shift["id"] and entry["school"]["id"] == school_id()
    assert entry["kind_name"] == "交通拥堵" and entry["status"] == "handled"
    assert entry["hazard_id"] is None and len(entry["photos"]) == 1
    assert entry["user"]["name"] == "吴师傅(保安)"
    retry = client.post("/api/v1/guard/logs", json=body, headers=guards["a"])
    assert retry.status_code == 200 and retry.get_json()["id"] == entry["id"]
    changed = client.post(
        "/api/v1/guard/logs", json={**body, "kind": "vendors"}, headers=guards["a"]
    )
    assert changed.status_code == 409
    current = client.get("/api/v1/guard/shifts/current", headers=guards["a"]).get_json()
    assert [e["id"] for e in current["logs"]] == [entry["id"]]
    assert current["shift"]["log_count"] == 1


def test_what_an_entry_must_carry(guards, start, log, upload):
    start(guards["a"])
    other, _ = log(guards["a"], kind="other", note="  ")
    assert other.status_code == 422
    assert "note" in other.get_json()["error"]["details"]
    assert log(guards["a"], kind="other", note="门卫室漏水")[0].status_code == 201
    assert log(guards["a"], photo_ids=[])[0].status_code == 422
    four = [upload(guards["a"])["id"] for _ in range(4)]
    assert log(guards["a"], photo_ids=four)[0].status_code == 422
    someone_elses = upload(guards["officer"])["id"]
    assert log(guards["a"], photo_ids=[someone_elses])[0].status_code == 422
    assert log(guards["a"], kind="fire")[0].status_code == 422
    assert log(guards["a"], note="摊贩\x1b占道")[0].status_code in (400, 422)
    assert log(guards["a"], photo_ids=[2**31])[0].status_code == 422
    assert db.session.scalar(select(func.count(PerimeterLog.id))) == 1


def test_a_raised_entry_is_a_hazard_for_the_safety_officer(client, guards, start, log):
    start(guards["a"])
    response, _ = log(guards["a"], kind="traffic", note="放学时车辆堵塞校门", raise_hazard=True)
    assert response.status_code == 201, response.get_json()
    entry = response.get_json()
    assert entry["status"] == "raised" and entry["hazard_id"]
    hazard = db.session.get(Hazard, entry["hazard_id"])
    assert hazard.focus_problem.code == "surroundings.traffic"
    assert hazard.place == "校门周边" and hazard.status == "reported"
    assert hazard.description == "交通拥堵：放学时车辆堵塞校门"
    assert [link.photo_id for link in hazard.photos] == [p["id"] for p in entry["photos"]]
    listed = client.get(
        f"/api/v1/hazards?school_id={school_id()}", headers=guards["officer"]
    ).get_json()["hazards"]
    assert entry["hazard_id"] in [h["id"] for h in listed]
    told = db.session.scalars(select(Notification).where(Notification.hazard_id == hazard.id)).all()
    assert _officer().id in {n.user_id for n in told}


def test_each_kind_has_its_focus_problem(client, guards, start, log):
    start(guards["a"])
    expected = {
        "vendors": "surroundings.illegal_business",
        "loitering": "surroundings.public_order",
        "fence_gate": "surroundings.public_order",
        "visitor_refused": "surroundings.public_order",
        "other": None,
    }
    for kind, code in expected.items():
        entry = log(guards["a"], kind=kind, note="说明", raise_hazard=True)[0].get_json()
        hazard = db.session.get(Hazard, entry["hazard_id"])
        assert (hazard.focus_problem.code if hazard.focus_problem else None) == code, kind


def test_raising_twice_gives_one_hazard(app, client, guards, start, log):
    start(guards["a"])
    entry = log(guards["a"], kind="fence_gate", note="东侧围栏破损")[0].get_json()
    before = _hazards()
    url = f"/api/v1/guard/logs/{entry['id']}/raise"
    first = client.post(url, headers=guards["a"])
    assert first.status_code == 200, first.get_json()
    assert first.get_json()["status"] == "raised"
    second = client.post(url, headers=guards["a"])
    assert second.get_json()["hazard_id"] == first.get_json()["hazard_id"]
    assert _hazards() == before + 1
    hazard = db.session.get(Hazard, first.get_json()["hazard_id"])
    assert hazard.focus_problem.code == "surroundings.public_order"

    other = log(guards["a"], kind="loitering", note="可疑人员徘徊")[0].get_json()
    url = f"/api/v1/guard/logs/{other['id']}/raise"
    results = together(app, [lambda c: c.post(url, headers=guards["a"])] * 3)
    assert [r.status_code for r in results] == [200, 200, 200]
    assert len({r.get_json()["hazard_id"] for r in results}) == 1
    assert _hazards() == before + 2


def test_who_may_raise_and_read(client, guards, start, log):
    start(guards["a"])
    entry = log(guards["a"])[0].get_json()
    url = f"/api/v1/guard/logs/{entry['id']}/raise"
    assert client.post(url, headers=guards["teacher"]).status_code == 403
    assert client.post(url, headers=guards["sibling"]).status_code == 404
    assert client.post(f"/api/v1/guard/logs/{2**31}/raise", headers=guards["a"]).status_code == 404
    assert db.session.get(PerimeterLog, entry["id"]).status == "handled"
    # Another guard of the school may raise what the first one logged.
    assert client.post(url, headers=guards["b"]).get_json()["status"] == "raised"

    by_shift = f"/api/v1/guard/logs?shift_id={entry['shift_id']}"
    assert client.get(by_shift, headers=guards["a"]).status_code == 200
    assert client.get(by_shift, headers=guards["b"]).status_code == 403
    assert client.get(by_shift, headers=guards["sibling_admin"]).status_code == 404
    by_school = f"/api/v1/guard/logs?school_id={school_id()}"
    assert client.get(by_school, headers=guards["a"]).status_code == 403
    assert client.get(by_school, headers=guards["sibling_admin"]).status_code == 404
    assert client.get("/api/v1/guard/logs", headers=guards["officer"]).status_code == 422


def test_managers_list_the_entries_in_pages(client, guards, start, log, fake_wechat):
    start(guards["a"])
    start(guards["b"])
    for headers in (guards["a"], guards["a"], guards["b"]):
        assert log(headers)[0].status_code == 201
    pass_media(client, fake_wechat)  # others see the photos once WeChat passed them
    url = f"/api/v1/guard/logs?school_id={school_id()}&limit=2"
    with counted() as statements:
        first = client.get(url, headers=guards["officer"])
    assert first.status_code == 200 and len(statements) <= 12
    page = first.get_json()
    assert len(page["logs"]) == 2 and page["next_before_id"]
    assert page["logs"][0]["photos"][0]["thumb_url"]
    rest = client.get(
        f"{url}&before_id={page['next_before_id']}", headers=guards["officer"]
    ).get_json()
    assert len(rest["logs"]) == 1 and rest["next_before_id"] is None
    with counted() as statements:
        current = client.get("/api/v1/guard/shifts/current", headers=guards["a"])
    assert len(current.get_json()["logs"]) == 2 and len(statements) <= 16


def test_the_photo_sweep_keeps_an_entrys_photo(guards, start, log, upload):
    start(guards["a"])
    entry = log(guards["a"])[0].get_json()
    kept = entry["photos"][0]["id"]
    loose = upload(guards["a"])["id"]
    db.session.execute(sa.update(Photo).values(created_at=utcnow() - timedelta(days=2)))
    db.session.commit()
    assert sweep_orphans() == 1
    assert db.session.get(Photo, kept) is not None
    assert db.session.get(Photo, loose) is None


def test_the_same_entry_twice_at_once_is_kept_once(app, guards, start, upload):
    start(guards["a"])
    body = {
        "client_uuid": str(uuid.uuid4()),
        "kind": "vendors",
        "lat": 33.7705,
        "lng": 116.9594,
        "accuracy": 8,
        "coord_system": "gcj02",
        "photo_ids": [upload(guards["a"])["id"]],
        "occurred_at": "2026-11-29T07:30:00+00:00",
        "raise_hazard": True,
    }
    body["occurred_at"] = utcnow().isoformat()
    before = _hazards()
    results = together(
        app, [lambda c: c.post("/api/v1/guard/logs", json=body, headers=guards["a"])] * 2
    )
    assert sorted(r.status_code for r in results) == [200, 201]
    assert db.session.scalar(select(func.count(PerimeterLog.id))) == 1
    assert _hazards() == before + 1


def test_an_entrys_photos_wait_for_wechats_media_verdict(client, guards, start, log, fake_wechat):
    """An entry's photos are held for the school's viewers until WeChat passes them (shown to
    the guard meanwhile); a risky one is refused for all. Raised at once, the hazard's checks
    hold them: WeChat is asked once per photo."""
    start(guards["a"])
    mine = log(guards["a"])[0].get_json()["photos"][0]
    assert mine["url"] and mine["under_review"] is False
    [check] = db.session.scalars(select(ContentCheck)).all()
    assert (check.subject, check.kind) == ("perimeter_log_photo", "media")
    url = f"/api/v1/guard/logs?school_id={school_id()}"

    def seen() -> dict:
        return client.get(url, headers=guards["officer"]).get_json()["logs"][0]["photos"][0]

    assert (seen()["url"], seen()["under_review"]) == (None, True)
    assert pass_media(client, fake_wechat) == 1
    assert seen()["url"] and seen()["under_review"] is False
    fake_wechat.reset()
    log(guards["a"])
    pass_media(client, fake_wechat, "risky")
    assert (seen()["url"], seen()["refused"]) == (None, True)
    current = client.get("/api/v1/guard/shifts/current", headers=guards["a"]).get_json()
    assert current["logs"][0]["photos"][0]["refused"] is True
    fake_wechat.reset()
    log(guards["a"], raise_hazard=True)
    assert len(fake_wechat.media_checks()) == 1
    assert seen()["url"] is None and seen()["under_review"] is True
