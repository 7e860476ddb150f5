"""Visit and accountability texts under WeChat's content rules: a held text is masked for
everyone but its writer, never pushed, and a risky one refuses the request."""

from __future__ import annotations

from sqlalchemy import func, select

from server.extensions import db
from server.models import Notification, SupervisionVisit
from server.services.content import MASK
from tests.visits.conftest import TEAM, unit_by_code


def test_held_team_and_report_are_masked_for_the_school(client, people, record, fake_wechat):
    fake_wechat.set_words({"代开发票": "review"})
    team = [*TEAM, {"name": "代开发票", "organisation": "其他", "role": None}]
    supervisor, school = people["supervisor@above"], people["school_admin@own"]
    visit = record(supervisor, team=team, report="发现代开发票广告").get_json()
    assert visit["team"][-1]["name"] == "代开发票" and visit["report"] == "发现代开发票广告"
    seen = client.get(f"/api/v1/visits/{visit['id']}", headers=school).get_json()
    assert {m["name"] for m in seen["team"]} == {MASK}
    assert seen["report"] == MASK
    assert seen["title"] == visit["title"]  # a passed text is shown
    listed = client.get("/api/v1/visits", headers=school).get_json()["visits"]
    assert listed[0]["report"] == MASK
    # Rewritten without the words: shown again.
    clean = client.patch(
        f"/api/v1/visits/{visit['id']}", json={"report": "食堂整改到位"}, headers=supervisor
    )
    assert clean.status_code == 200
    seen = client.get(f"/api/v1/visits/{visit['id']}", headers=school).get_json()
    assert seen["report"] == "食堂整改到位"


def test_risky_title_records_nothing(people, record):
    response = record(people["supervisor@above"], title="校门口有人赌博")
    assert (response.status_code, response.get_json()["error"]["code"]) == (422, "content_risky")
    assert db.session.scalar(select(func.count()).select_from(SupervisionVisit)) == 0


def test_held_reason_is_not_pushed(client, people, fake_wechat):
    fake_wechat.set_words({"代开发票": "review"})
    url = f"/api/v1/units/{unit_by_code('YQ101').id}/accountability"
    body = {"kind": "notice", "reason": "校门口代开发票小广告未清理"}
    made = client.post(url, json=body, headers=people["supervisor@above"])
    assert made.status_code == 201 and made.get_json()["reason"] == body["reason"]
    bodies = list(db.session.scalars(select(Notification.body)))
    assert bodies and all("代开发票" not in text for text in bodies)
    listed = client.get(url, headers=people["school_admin@own"]).get_json()["actions"]
    assert listed[0]["reason"] == MASK
