"""Hazard texts under WeChat's content rules: held descriptions and step notes are masked for
others (內容审核中) while their writer sees them; risky text refuses the step."""

from __future__ import annotations

from sqlalchemy import select

from server.extensions import db
from server.models import Hazard, Notification
from server.services.content import MASK
from tests.hazards.conftest import unit_by_code
from tests.support.content import pass_media


def test_held_description_is_masked_for_others_until_released(
    demo, client, login, report, fake_wechat
):
    fake_wechat.set_words({"代开发票": "review"})
    teacher, admin = login("demo-teacher"), login("demo-school_admin")
    response, _ = report(teacher, description="门口有人代开发票,围墙破损")
    assert response.status_code == 201
    hazard = response.get_json()
    assert hazard["description"] == "门口有人代开发票,围墙破损"  # the writer sees it
    seen = client.get(f"/api/v1/hazards/{hazard['id']}", headers=admin).get_json()
    assert seen["description"] == MASK
    listed = client.get("/api/v1/hazards", headers=admin).get_json()["hazards"]
    assert [h["description"] for h in listed] == [MASK]
    # The planner's inbox message does not carry the held text either.
    bodies = list(db.session.scalars(select(Notification.body)))
    assert bodies and all("代开发票" not in body for body in bodies)
    listed = client.get(f"/api/v1/reviews?unit_id={unit_by_code('YQ101').id}", headers=admin)
    [held] = [r for r in listed.get_json()["reviews"] if r["kind"] == "text"]
    assert client.post(f"/api/v1/reviews/{held['id']}/release", headers=admin).status_code == 200
    seen = client.get(f"/api/v1/hazards/{hazard['id']}", headers=admin).get_json()
    assert seen["description"] == "门口有人代开发票,围墙破损"


def test_risky_description_is_refused(demo, login, report):
    response, _ = report(login("demo-teacher"), description="校门口有人赌博")
    assert (response.status_code, response.get_json()["error"]["code"]) == (422, "content_risky")
    assert db.session.scalars(select(Hazard)).all() == []


def test_held_close_reason_is_masked_in_the_history(demo, client, login, report, fake_wechat):
    teacher, admin = login("demo-teacher"), login("demo-school_admin")
    hazard = report(teacher)[0].get_json()
    fake_wechat.set_words({"代开发票": "review"})
    closed = client.post(
        f"/api/v1/hazards/{hazard['id']}/close", json={"reason": "不是隐患,代开发票"}, headers=admin
    )
    assert closed.status_code == 200 and closed.get_json()["close_reason"] == "不是隐患,代开发票"
    seen = client.get(f"/api/v1/hazards/{hazard['id']}", headers=teacher).get_json()
    assert seen["close_reason"] == MASK
    events = client.get(f"/api/v1/hazards/{hazard['id']}/events", headers=teacher).get_json()
    closing = next(e for e in events["events"] if e["kind"] == "closed")
    assert closing["note"] == MASK and closing["changes"]["reason"] == MASK
    mine = client.get(f"/api/v1/hazards/{hazard['id']}/events", headers=admin).get_json()
    assert next(e for e in mine["events"] if e["kind"] == "closed")["note"] == "不是隐患,代开发票"


def test_risky_reason_refuses_the_step(demo, client, login, report):
    teacher, admin = login("demo-teacher"), login("demo-school_admin")
    hazard = report(teacher)[0].get_json()
    closed = client.post(
        f"/api/v1/hazards/{hazard['id']}/close", json={"reason": "他们在赌博"}, headers=admin
    )
    assert (closed.status_code, closed.get_json()["error"]["code"]) == (422, "content_risky")
    assert (
        client.get(f"/api/v1/hazards/{hazard['id']}", headers=admin).get_json()["status"]
        == "reported"
    )


def test_hazard_photos_wait_for_the_media_verdict(demo, client, login, report, fake_wechat):
    teacher, admin = login("demo-teacher"), login("demo-school_admin")
    hazard = report(teacher)[0].get_json()
    assert hazard["photos"][0]["url"] and not hazard["photos"][0]["under_review"]  # its uploader
    seen = client.get(f"/api/v1/hazards/{hazard['id']}", headers=admin).get_json()
    assert (seen["photos"][0]["url"], seen["photos"][0]["under_review"]) == (None, True)
    assert (
        client.get("/api/v1/hazards", headers=admin).get_json()["hazards"][0]["thumb_url"] is None
    )
    pass_media(client, fake_wechat, "review")  # WeChat is unsure: the admin decides
    [held] = client.get(
        f"/api/v1/reviews?unit_id={unit_by_code('YQ101').id}", headers=admin
    ).get_json()["reviews"]
    assert (held["subject"], held["kind"], held["status"]) == ("hazard_photo", "media", "review")
    assert (
        client.get(f"/api/v1/hazards/{hazard['id']}", headers=admin).get_json()["photos"][0]["url"]
        is None
    )
    assert client.post(f"/api/v1/reviews/{held['id']}/release", headers=admin).status_code == 200
    seen = client.get(f"/api/v1/hazards/{hazard['id']}", headers=admin).get_json()
    assert seen["photos"][0]["url"] and seen["photos"][0]["under_review"] is False
    assert client.get("/api/v1/hazards", headers=admin).get_json()["hazards"][0]["thumb_url"]


def test_a_risky_photo_stays_hidden(demo, client, login, report, fake_wechat):
    teacher, admin = login("demo-teacher"), login("demo-school_admin")
    hazard = report(teacher)[0].get_json()
    pass_media(client, fake_wechat, "risky")
    seen = client.get(f"/api/v1/hazards/{hazard['id']}", headers=admin).get_json()
    assert seen["photos"][0]["url"] is None
