"""The reports a hazard may be folded into, for the safety officer to pick from: open hazards of
the same school within 200 m, any focus problem, nearest first."""

from __future__ import annotations

from server.extensions import db
from server.services import hazard_duplicates
from tests.hazards.conftest import CAMPUS, unit_by_code
from tests.support.statements import counted

# About 100 m and 300 m north of the campus point.
NEAR = CAMPUS["lat"] + 0.0009
FAR = CAMPUS["lat"] + 0.0027


def _url(hazard_id: int) -> str:
    return f"/api/v1/hazards/{hazard_id}/duplicate-candidates"


def test_candidates_are_open_hazards_of_the_school_nearby(people, client, report):
    teacher, school = people["teacher@own"], people["school_admin@own"]
    target = report(teacher)[0].get_json()["id"]
    same_place = report(teacher, focus_problem="fire.patrol")[0].get_json()["id"]
    unsure_near = report(teacher, focus_problem=None, lat=NEAR)[0].get_json()["id"]
    report(teacher, lat=FAR)  # too far
    closed = report(teacher)[0].get_json()["id"]
    folded = report(teacher)[0].get_json()["id"]
    assert (
        client.post(
            f"/api/v1/hazards/{closed}/close", json={"reason": "不是隐患"}, headers=school
        ).status_code
        == 200
    )
    assert (
        client.post(
            f"/api/v1/hazards/{folded}/duplicate", json={"original_id": same_place}, headers=school
        ).status_code
        == 200
    )
    # Another school's report at the same spot is never offered.
    sibling = people["school_admin@sibling"]
    other = report(sibling, school_id=unit_by_code("YQ102").id)[0]
    assert other.status_code == 201, other.get_json()

    response = client.get(_url(target), headers=school)
    assert response.status_code == 200, response.get_json()
    found = response.get_json()["hazards"]
    assert [h["id"] for h in found] == [same_place, unsure_near]
    assert found[0]["distance_m"] < 1 and 90 < found[1]["distance_m"] < 110
    assert found[1]["focus_problem"] is None and found[0]["focus_problem"]["code"] == "fire.patrol"
    # The supervisor above may fold reports too; picking one from the list works.
    assert client.get(_url(target), headers=people["supervisor@above"]).status_code == 200
    marked = client.post(
        f"/api/v1/hazards/{target}/duplicate", json={"original_id": unsure_near}, headers=school
    )
    assert marked.status_code == 200
    remaining = client.get(_url(same_place), headers=school).get_json()["hazards"]
    assert [h["id"] for h in remaining] == [unsure_near]


def test_candidates_need_the_duplicate_capability(people, client, report):
    hazard_id = report(people["teacher@own"])[0].get_json()["id"]
    assert client.get(_url(hazard_id), headers=people["teacher@own"]).status_code == 403
    assert client.get(_url(hazard_id), headers=people["school_admin@sibling"]).status_code == 404
    assert client.get(_url(hazard_id), headers=people["supervisor@sibling"]).status_code == 404
    assert client.get(_url(hazard_id), headers=people["parent"]).status_code == 404
    missing = client.get(_url(hazard_id + 1000), headers=people["school_admin@own"])
    assert missing.status_code == 404


def test_at_most_twenty_nearest_first(people, client, report, monkeypatch):
    teacher, school = people["teacher@own"], people["school_admin@own"]
    target = report(teacher)[0].get_json()["id"]
    ids = [
        report(teacher, lat=CAMPUS["lat"] + step * 0.0002)[0].get_json()["id"] for step in (3, 1, 2)
    ]
    monkeypatch.setattr(hazard_duplicates, "CANDIDATE_LIMIT", 2)
    found = client.get(_url(target), headers=school).get_json()["hazards"]
    assert [h["id"] for h in found] == [ids[1], ids[2]]


def _statements(client, headers, hazard_id):
    db.session.remove()  # a cold session, as a new request has
    with counted() as seen:
        response = client.get(_url(hazard_id), headers=headers)
    assert response.status_code == 200
    return len(response.get_json()["hazards"]), len(seen)


def test_candidates_cost_a_bounded_number_of_statements(people, client, report):
    teacher, school = people["teacher@own"], people["school_admin@own"]
    target = report(teacher)[0].get_json()["id"]
    report(teacher, focus_problem="fire.patrol")
    shown_one, one = _statements(client, school, target)
    for focus in ("fire.patrol", "fire.utilities", None, None, "food.rules"):
        report(teacher, focus_problem=focus)
    shown_many, many = _statements(client, school, target)
    assert (shown_one, shown_many) == (1, 6)
    assert many == one, f"{one} statements for 1 candidate but {many} for 6"
