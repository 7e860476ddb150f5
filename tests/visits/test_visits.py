"""Supervision visits: recorded by the visiting side, its schools below it, findings that become
the visited school's hazards, unannounced visits hidden from the school until their date."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import func, select

from server.clock import local_today
from server.extensions import db
from server.models import Hazard, Notification, SupervisionFinding, User
from tests.support.concurrency import together
from tests.support.statements import counted
from tests.visits.conftest import TEAM, unit_by_code


def user_id(openid: str) -> int:
    return db.session.scalars(select(User.id).where(User.openid == openid)).one()


def test_supervisor_records_a_joint_visit_of_two_schools(people, record):
    response = record(people["supervisor@above"])
    assert response.status_code == 201, response.get_json()
    visit = response.get_json()
    assert visit["unit"]["id"] == unit_by_code("YQ100").id
    assert [m["organisation"] for m in visit["team"]] == ["教育局", "公安", "市场监管"]
    assert [s["id"] for s in visit["schools"]] == sorted(
        [unit_by_code("YQ101").id, unit_by_code("YQ102").id]
    )
    assert visit["status"] == "planned" and visit["can_edit"] is True
    assert visit["findings"] == [] and visit["findings_count"] == 0


def test_a_school_admin_may_not_record_a_visit(people, record):
    # In scope at its own school, but visit.record is not a school's capability.
    own = record(people["school_admin@own"], unit_id=unit_by_code("YQ101").id)
    assert own.status_code == 403
    # The center school above it is outside a school admin's scope.
    assert record(people["school_admin@own"]).status_code == 404


def test_schools_must_lie_below_the_visiting_unit(people, record):
    sibling_school = unit_by_code("YQ201").id
    response = record(people["supervisor@above"], school_ids=[sibling_school])
    assert response.status_code == 404
    # The sibling center school's supervisor does not see this center school at all.
    assert record(people["supervisor@sibling"]).status_code == 404
    # A center school is not a school to visit.
    bureau = people["bureau_admin@above"]
    body = {"unit_id": unit_by_code("YQ000").id, "school_ids": [unit_by_code("YQ100").id]}
    assert record(bureau, **body).status_code == 422


def test_team_size_and_hostile_input(people, record):
    headers = people["supervisor@above"]
    assert record(headers, team=[]).status_code == 422
    assert record(headers, team=TEAM * 7).status_code == 422
    assert record(headers, title="检查\x00").status_code in (400, 422)
    assert record(headers, school_ids=[2**31]).status_code == 422
    assert record(headers, unit_id=2**31).status_code == 422


def test_sibling_supervisor_gets_404(client, people, record):
    visit_id = record(people["supervisor@above"]).get_json()["id"]
    sibling = people["supervisor@sibling"]
    assert client.get(f"/api/v1/visits/{visit_id}", headers=sibling).status_code == 404
    patch = client.patch(f"/api/v1/visits/{visit_id}", json={"report": "x" * 5}, headers=sibling)
    assert patch.status_code == 404
    listed = client.get("/api/v1/visits", headers=sibling).get_json()["visits"]
    assert visit_id not in [v["id"] for v in listed]
    assert client.get("/api/v1/visits/2147483648", headers=sibling).status_code == 404


def test_only_the_visiting_side_edits(client, people, record):
    visit_id = record(people["supervisor@above"]).get_json()["id"]
    body = {"report": "检查发现食堂燃气隐患一处,已责令整改。", "status": "done"}
    school = client.patch(
        f"/api/v1/visits/{visit_id}", json=body, headers=people["school_admin@own"]
    )
    assert school.status_code == 403
    done = client.patch(f"/api/v1/visits/{visit_id}", json=body, headers=people["supervisor@above"])
    assert done.status_code == 200
    assert done.get_json()["report"] == body["report"] and done.get_json()["status"] == "done"
    # The bureau above the center school is on the visiting side too.
    bureau = client.get(f"/api/v1/visits/{visit_id}", headers=people["bureau_admin@above"])
    assert bureau.status_code == 200 and bureau.get_json()["can_edit"] is True


def test_unannounced_visit_is_hidden_from_the_school_until_its_date(client, people, record):
    tomorrow = (local_today() + timedelta(days=1)).isoformat()
    visit = record(people["supervisor@above"], announced=False, visit_date=tomorrow).get_json()
    school = people["school_admin@own"]
    assert client.get(f"/api/v1/visits/{visit['id']}", headers=school).status_code == 404
    listed = client.get("/api/v1/visits", headers=school).get_json()["visits"]
    assert visit["id"] not in [v["id"] for v in listed]
    # The visiting side sees it all along.
    own_side = client.get(f"/api/v1/visits/{visit['id']}", headers=people["supervisor@above"])
    assert own_side.status_code == 200
    # On its date the school sees it, and only its own school of it.
    today = local_today().isoformat()
    moved = client.patch(
        f"/api/v1/visits/{visit['id']}",
        json={"visit_date": today},
        headers=people["supervisor@above"],
    )
    assert moved.status_code == 200
    seen = client.get(f"/api/v1/visits/{visit['id']}", headers=school)
    assert seen.status_code == 200
    assert [s["id"] for s in seen.get_json()["schools"]] == [unit_by_code("YQ101").id]
    assert seen.get_json()["can_edit"] is False
    listed = client.get("/api/v1/visits", headers=school).get_json()["visits"]
    assert visit["id"] in [v["id"] for v in listed]


def test_announced_future_visit_is_shown_at_once(client, people, record):
    later = (local_today() + timedelta(days=5)).isoformat()
    visit = record(people["supervisor@above"], visit_date=later).get_json()
    school = people["school_admin@own"]
    assert client.get(f"/api/v1/visits/{visit['id']}", headers=school).status_code == 200


def test_a_finding_becomes_the_schools_hazard(client, people, record, finding_body):
    supervisor = people["supervisor@above"]
    visit_id = record(supervisor).get_json()["id"]
    body = finding_body(supervisor)
    response = client.post(f"/api/v1/visits/{visit_id}/findings", json=body, headers=supervisor)
    assert response.status_code == 201, response.get_json()
    hazard = response.get_json()
    assert hazard["school"]["id"] == unit_by_code("YQ101").id
    assert hazard["status"] == "reported" and hazard["severity"] == "major"
    # In the school's hazard list, in the normal lifecycle.
    school = people["school_admin@own"]
    listed = client.get("/api/v1/hazards", headers=school).get_json()["hazards"]
    assert hazard["id"] in [h["id"] for h in listed]
    # The safety officer was told.
    told = db.session.scalars(
        select(Notification.user_id).where(Notification.hazard_id == hazard["id"])
    ).all()
    assert user_id("demo-school_admin") in told
    # The visit lists it, for both sides.
    detail = client.get(f"/api/v1/visits/{visit_id}", headers=school).get_json()
    assert [h["id"] for h in detail["findings"]] == [hazard["id"]]
    assert detail["findings_count"] == 1
    # A retry answers the same hazard.
    again = client.post(f"/api/v1/visits/{visit_id}/findings", json=body, headers=supervisor)
    assert again.status_code == 200 and again.get_json()["id"] == hazard["id"]


def test_the_sibling_school_does_not_see_the_other_schools_findings(
    client, people, record, finding_body
):
    supervisor = people["supervisor@above"]
    visit_id = record(supervisor).get_json()["id"]
    body = finding_body(supervisor)
    client.post(f"/api/v1/visits/{visit_id}/findings", json=body, headers=supervisor)
    sibling = client.get(f"/api/v1/visits/{visit_id}", headers=people["school_admin@sibling"])
    assert sibling.status_code == 200
    assert sibling.get_json()["findings"] == [] and sibling.get_json()["findings_count"] == 0
    assert [s["id"] for s in sibling.get_json()["schools"]] == [unit_by_code("YQ102").id]


def test_findings_only_by_the_visiting_side_at_its_schools(client, people, record, finding_body):
    supervisor = people["supervisor@above"]
    visit_id = record(supervisor, school_ids=[unit_by_code("YQ102").id]).get_json()["id"]
    elsewhere = finding_body(supervisor)  # at YQ101, not visited
    url = f"/api/v1/visits/{visit_id}/findings"
    assert client.post(url, json=elsewhere, headers=supervisor).status_code == 422
    school = people["school_admin@sibling"]
    own = finding_body(school, school_id=unit_by_code("YQ102").id)
    assert client.post(url, json=own, headers=school).status_code == 403
    # A UUID already used for an ordinary report is not taken over.
    assert db.session.scalar(select(func.count()).select_from(SupervisionFinding)) == 0


def test_two_findings_with_one_uuid_at_once_make_one_hazard(
    app, client, people, record, finding_body
):
    supervisor = people["supervisor@above"]
    visit_id = record(supervisor).get_json()["id"]
    body = finding_body(supervisor)
    url = f"/api/v1/visits/{visit_id}/findings"
    responses = together(app, [lambda c: c.post(url, json=body, headers=supervisor)] * 2)
    assert sorted(r.status_code for r in responses) == [200, 201]
    assert len({r.get_json()["id"] for r in responses}) == 1
    made = select(func.count()).select_from(Hazard).where(Hazard.client_uuid == body["client_uuid"])
    assert db.session.scalar(made) == 1
    assert db.session.scalar(select(func.count()).select_from(SupervisionFinding)) == 1


def test_the_list_costs_a_fixed_number_of_statements(client, people, record, finding_body):
    supervisor = people["supervisor@above"]
    first = record(supervisor).get_json()["id"]
    url = f"/api/v1/visits/{first}/findings"
    client.post(url, json=finding_body(supervisor), headers=supervisor)
    with counted() as few:
        assert client.get("/api/v1/visits", headers=supervisor).status_code == 200
    for _ in range(4):
        record(supervisor)
    with counted() as many:
        listed = client.get("/api/v1/visits", headers=supervisor).get_json()["visits"]
    assert len(listed) == 5
    assert len(many) == len(few)
