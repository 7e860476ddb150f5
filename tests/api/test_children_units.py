"""Parents binding children; browsing units and classes within scope."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from server.extensions import db
from server.models import Child, SchoolClass, Unit
from tests.support.families import PARENT_NAME


def first_class(unit_code: str) -> SchoolClass:
    unit = db.session.scalars(select(Unit).where(Unit.code == unit_code)).one()
    return unit.classes[0]


def bind(client, headers, class_code, name="李小红", relation="father"):
    body = {
        "class_code": class_code,
        "child_name": name,
        "relation": relation,
        "display_name": PARENT_NAME,
    }
    return client.post("/api/v1/children", json=body, headers=headers)


def test_two_parents_bind_the_same_child_and_wait(demo, client, login):
    code = first_class("YQ201").class_code
    father, mother = login("o-father"), login("o-mother")
    made = bind(client, father, code.lower())
    assert made.status_code == 201
    assert made.get_json()["school"]["name"] == "栏杆中心小学"
    assert (made.get_json()["status"], made.get_json()["status_name"]) == (
        "pending",
        "待确认",
    )
    assert bind(client, mother, code, relation="mother").status_code == 201
    school_class = first_class("YQ201")
    named = select(Child).where(Child.name == "李小红", Child.class_id == school_class.id)
    assert len(db.session.scalars(named).all()) == 1  # the roster's one pupil, both parents
    again = bind(client, father, code)
    assert (again.status_code, again.get_json()["error"]["code"]) == (409, "child_already_bound")
    me = client.get("/api/v1/me", headers=father).get_json()
    assert [(c["name"], c["status"]) for c in me["children"]] == [("李小红", "pending")]


def test_unbind_keeps_the_pupil_on_the_roster(demo, client, login):
    code = first_class("YQ201").class_code
    parent = login("o-parent")
    link = bind(client, parent, code).get_json()
    assert (
        client.delete(f"/api/v1/children/{link['id']}", headers=login("o-other")).status_code == 404
    )
    assert client.delete(f"/api/v1/children/{link['id']}", headers=parent).status_code == 204
    assert client.get("/api/v1/children", headers=parent).get_json()["children"] == []
    school_class = first_class("YQ201")
    named = select(Child).where(Child.name == "李小红", Child.class_id == school_class.id)
    assert db.session.scalars(named).first() is not None  # the school keeps its roster


@pytest.mark.parametrize(
    "body",
    [
        {"class_code": "ABCDEF", "child_name": "李", "relation": "father"},
        {"class_code": "ABCDEF", "child_name": "李" * 21, "relation": "father"},
        {"class_code": "ABCDEF", "child_name": "<script>", "relation": "father"},
        {"class_code": "ABCDEF", "child_name": "李小红", "relation": "uncle"},
        {"class_code": "AB", "child_name": "李小红", "relation": "father"},
        {"child_name": "李小红", "relation": "father"},
        {"class_code": 123456, "child_name": "李小红", "relation": "father"},
    ],
)
def test_bind_rejects_bad_bodies(demo, client, login, body):
    response = client.post("/api/v1/children", json=body, headers=login())
    assert response.status_code == 422


def test_unknown_class_code(demo, client, login):
    response = bind(client, login(), "ZZZZZZ")
    assert (response.status_code, response.get_json()["error"]["code"]) == (404, "class_not_found")


def test_units_tree_follows_scope(demo, client, login):
    supervisor = login("demo-supervisor")
    roots = client.get("/api/v1/units", headers=supervisor).get_json()["units"]
    assert [u["code"] for u in roots] == ["YQ100"]
    below = client.get(f"/api/v1/units?parent_id={roots[0]['id']}", headers=supervisor).get_json()
    assert sorted(u["code"] for u in below["units"]) == ["YQ101", "YQ102"]
    sibling = db.session.scalars(select(Unit).where(Unit.code == "YQ200")).one()
    assert (
        client.get(f"/api/v1/units?parent_id={sibling.id}", headers=supervisor).status_code == 404
    )
    assert client.get(f"/api/v1/units/{sibling.id}", headers=supervisor).status_code == 404
    assert client.get("/api/v1/units?parent_id=abc", headers=supervisor).status_code == 422
    parent = login("demo-parent")
    assert client.get("/api/v1/units", headers=parent).get_json()["units"] == []


def test_class_codes_only_for_the_schools_managers_and_the_class_teacher(demo, client, login):
    school = db.session.scalars(select(Unit).where(Unit.code == "YQ101")).one()
    url = f"/api/v1/units/{school.id}/classes"
    own = client.get(url, headers=login("demo-school_admin")).get_json()
    assert all(c["class_code"] for c in own["classes"]) and len(own["classes"]) == 3
    mine = client.get(url, headers=login("demo-class_teacher")).get_json()["classes"]
    assert [bool(c["class_code"]) for c in mine].count(True) == 1  # their own class only
    patrol = client.get(url, headers=login("demo-teacher")).get_json()["classes"]
    assert [c["class_code"] for c in patrol] == [None, None, None]
    above = client.get(
        f"/api/v1/units/{school.id}/classes", headers=login("demo-supervisor")
    ).get_json()
    assert [c["class_code"] for c in above["classes"]] == [None, None, None]
    center = db.session.scalars(select(Unit).where(Unit.code == "YQ100")).one()
    not_school = client.get(f"/api/v1/units/{center.id}/classes", headers=login("demo-supervisor"))
    assert not_school.status_code == 409


def test_roles_list(demo, client, login):
    roles = client.get("/api/v1/roles", headers=login()).get_json()["roles"]
    by_code = {r["code"]: r for r in roles}
    assert by_code["class_teacher"]["needs_class"] is True
    assert by_code["supervisor"]["unit_kinds"] == ["center_school", "school_group"]


def test_administered_units_only(demo, client, login):
    from tests.hazards.conftest import grant_role

    headers = login("two-hats")
    grant_role("two-hats", "teacher", "YQ201")
    grant_role("two-hats", "school_admin", "YQ101")
    everything = client.get("/api/v1/units", headers=headers).get_json()["units"]
    assert sorted(u["code"] for u in everything) == ["YQ101", "YQ201"]
    admin = client.get("/api/v1/units?administered=true", headers=headers).get_json()["units"]
    assert [u["code"] for u in admin] == ["YQ101"]
    roles = client.get("/api/v1/roles", headers=headers).get_json()["roles"]
    assert {r["code"] for r in roles if r["is_admin"]} == {
        "bureau_admin",
        "supervisor",
        "school_admin",
    }
