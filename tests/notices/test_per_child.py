"""A child counts once: two guardians of one child, one acknowledgment for both; completion
counts children; the class's pending list and reminders cover only unacknowledged children."""

from __future__ import annotations

import pytest

from tests.hazards.conftest import unit_by_code
from tests.notices.conftest import give_grant
from tests.notices.test_notices import write
from tests.support.families import bind, request_binding


@pytest.fixture
def guardians(demo, client, login):
    """张小明 (一年级1班) has two guardians: the demo mother and a father; 李小红 has one."""
    first = unit_by_code("YQ101").classes[0]
    people = {"mother": login("demo-parent"), "father": login("p-father"), "li": login("p-li")}
    bind(client, people["father"], first, "张小明", "father")
    bind(client, people["li"], first, "李小红")
    school = login("demo-school_admin")
    notice = write(client, school, "YQ101", class_ids=[first.id]).get_json()
    sent = client.post(f"/api/v1/notices/{notice['id']}/send", headers=school)
    assert sent.status_code == 200
    return people, notice["id"], first


def ack(client, headers, notice_id):
    """Acknowledge the notice for the caller's (only) child."""
    children = client.get(f"/api/v1/notices/{notice_id}", headers=headers).get_json()["children"]
    response = client.post(
        f"/api/v1/notices/{notice_id}/acknowledge",
        headers=headers,
        json={"child_id": children[0]["child_id"]},
    )
    assert response.status_code == 200
    return children[0]["child_id"]


def test_one_guardian_acknowledges_for_the_child(guardians, client, login):
    people, notice_id, _first = guardians
    school = login("demo-school_admin")
    url = f"/api/v1/notices/{notice_id}/completion?unit_id={unit_by_code('YQ101').id}"
    before = client.get(url, headers=school).get_json()["totals"]
    assert (before["reached"], before["acknowledged"]) == (2, 0)  # children, not parents
    ack(client, people["father"], notice_id)
    after = client.get(url, headers=school).get_json()
    assert (after["totals"]["reached"], after["totals"]["acknowledged"]) == (2, 1)
    assert after["totals"]["ack_rate"] == 0.5
    assert [(r["reached"], r["acknowledged"]) for r in after["breakdown"]] == [(2, 1)]
    # The mother sees her child acknowledged (by the father) without doing anything.
    mine = client.get("/api/v1/notices/mine", headers=people["mother"]).get_json()["notices"]
    assert mine[0]["children"][0]["acknowledged"] is True
    bureau = login("demo-bureau_admin")
    district = client.get(f"/api/v1/notices/{notice_id}/completion", headers=bureau).get_json()
    assert (district["totals"]["reached"], district["totals"]["acknowledged"]) == (2, 1)


def test_pending_and_reminders_only_for_unacknowledged_children(
    guardians, client, login, templates, fake_wechat
):
    people, notice_id, first = guardians
    teacher = login("demo-class_teacher")
    url = f"/api/v1/notices/{notice_id}/classes/{first.id}"
    listed = client.get(url + "/pending", headers=teacher).get_json()
    assert (listed["children"], listed["parents"]) == (2, 3)
    # One entry per child, with its guardians under it.
    assert [(p["child_name"], len(p["guardians"])) for p in listed["pending"]] == [
        ("张小明", 2),
        ("李小红", 1),
    ]
    ack(client, people["mother"], notice_id)
    listed = client.get(url + "/pending", headers=teacher).get_json()
    assert [p["child_name"] for p in listed["pending"]] == ["李小红"]
    assert (listed["children"], listed["parents"]) == (1, 1)
    for openid in ("demo-parent", "p-father", "p-li"):
        give_grant(openid, templates["reminder"])
    reminded = client.post(url + "/remind", headers=teacher)
    assert reminded.get_json() == {"reminded": 1}
    assert [m["touser"] for m in fake_wechat.messages()] == ["p-li"]  # not the father


def test_a_guardian_who_asks_again_is_not_reminded_while_waiting(guardians, client, login):
    people, notice_id, first = guardians
    links = client.get("/api/v1/children", headers=people["li"]).get_json()["children"]
    assert (
        client.delete(f"/api/v1/children/{links[0]['id']}", headers=people["li"]).status_code == 204
    )
    again = request_binding(client, people["li"], first, "李小红")
    assert again.get_json()["status"] == "pending"
    teacher = login("demo-class_teacher")
    url = f"/api/v1/notices/{notice_id}/classes/{first.id}/pending"
    listed = client.get(url, headers=teacher).get_json()
    assert [(p["child_name"], len(p["guardians"])) for p in listed["pending"]] == [("张小明", 2)]
