"""Class rosters kept by the school: the class teacher adds, renames and removes pupils; only
they and the school's own staff see the roster; removal keeps the records that refer to a child."""

from __future__ import annotations

from sqlalchemy import select

from server.extensions import db
from server.models import Child, ParentLink
from tests.hazards.conftest import unit_by_code
from tests.support.families import bind


def roster_url(school_class) -> str:
    return f"/api/v1/classes/{school_class.id}/roster"


def names(client, headers, school_class) -> list[str]:
    response = client.get(roster_url(school_class), headers=headers)
    assert response.status_code == 200, response.get_json()
    return [p["name"] for p in response.get_json()["pupils"]]


def test_class_teacher_keeps_the_roster(demo, client, login):
    mine = unit_by_code("YQ101").classes[0]
    teacher = login("demo-class_teacher")
    assert "张小明" in names(client, teacher, mine)
    added = client.post(roster_url(mine), json={"name": "阿依古丽·买买提"}, headers=teacher)
    assert added.status_code == 201 and added.get_json()["guardians"] == 0
    again = client.post(roster_url(mine), json={"name": "阿依古丽·买买提"}, headers=teacher)
    assert (again.status_code, again.get_json()["error"]["code"]) == (409, "pupil_exists")
    pupil = added.get_json()["id"]
    renamed = client.patch(f"{roster_url(mine)}/{pupil}", json={"name": "古丽"}, headers=teacher)
    assert renamed.status_code == 200 and renamed.get_json()["name"] == "古丽"
    clash = client.patch(f"{roster_url(mine)}/{pupil}", json={"name": "张小明"}, headers=teacher)
    assert (clash.status_code, clash.get_json()["error"]["code"]) == (409, "pupil_exists")
    assert client.delete(f"{roster_url(mine)}/{pupil}", headers=teacher).status_code == 204
    assert "古丽" not in names(client, teacher, mine)
    assert db.session.get(Child, pupil) is None  # nothing referred to it: gone
    bad = client.post(roster_url(mine), json={"name": "<b>"}, headers=teacher)
    assert bad.status_code == 422


def test_roster_only_for_the_class_teacher_and_the_school(demo, client, login):
    school = unit_by_code("YQ101")
    mine, other = school.classes[0], school.classes[1]
    teacher = login("demo-class_teacher")
    assert client.get(roster_url(other), headers=teacher).status_code == 403  # not their class
    assert names(client, login("demo-school_admin"), other)  # the school's safety officer
    assert client.get(roster_url(mine), headers=login("demo-teacher")).status_code == 403
    assert client.get(roster_url(mine), headers=login("demo-supervisor")).status_code == 403
    assert client.get(roster_url(mine), headers=login("demo-parent")).status_code == 404
    sibling = unit_by_code("YQ201").classes[0]
    assert client.get(roster_url(sibling), headers=teacher).status_code == 404
    add = client.post(roster_url(other), json={"name": "钱小多"}, headers=teacher)
    assert add.status_code == 403


def test_removing_a_pupil_ends_bindings_and_keeps_records(demo, client, login):
    mine = unit_by_code("YQ101").classes[0]
    teacher, school = login("demo-class_teacher"), login("demo-school_admin")
    parent = login("p-roster")
    link = bind(client, parent, mine, "李小红")
    notice = client.post(
        "/api/v1/notices",
        json={
            "unit_id": unit_by_code("YQ101").id,
            "title": "通知",
            "body": "内容",
            "class_ids": [mine.id],
        },
        headers=school,
    ).get_json()
    assert client.post(f"/api/v1/notices/{notice['id']}/send", headers=school).status_code == 200
    child_id = db.session.scalar(select(ParentLink.child_id).where(ParentLink.id == link["id"]))
    assert client.delete(f"{roster_url(mine)}/{child_id}", headers=teacher).status_code == 204
    db.session.expire_all()
    child = db.session.get(Child, child_id)
    assert child is not None and child.removed_at is not None  # the notice's record refers to it
    assert client.get("/api/v1/children", headers=parent).get_json()["children"] == []
    assert "李小红" not in names(client, teacher, mine)
    # Added again, the pupil comes back as the same child with their record.
    back = client.post(roster_url(mine), json={"name": "李小红"}, headers=teacher)
    assert back.status_code == 201 and back.get_json()["id"] == child_id
