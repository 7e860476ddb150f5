"""Binding children at the same moment: two parents of one child, or one parent tapping twice.
Each ends in a clear answer (201, or a 409 that says why), never a 500."""

from __future__ import annotations

from sqlalchemy import func, select

from server.extensions import db
from server.models import Child, ParentLink
from tests.hazards.conftest import unit_by_code
from tests.support.concurrency import answer, together
from tests.support.families import PARENT_NAME, on_roster


def _bind(headers, class_code, name, relation):
    """A request binding ``name`` in the class, as ``headers``."""

    def call(client):
        body = {
            "class_code": class_code,
            "child_name": name,
            "relation": relation,
            "display_name": PARENT_NAME,
        }
        return answer(client.post("/api/v1/children", json=body, headers=headers))

    return call


def _count(model, *where) -> int:
    return db.session.scalar(select(func.count()).select_from(model).where(*where))


def test_two_parents_bind_the_same_child_at_once(demo, login):
    code = unit_by_code("YQ101").classes[0].class_code
    mother, father = login("race-mother"), login("race-father")
    results = together(
        demo, [_bind(mother, code, "陈小雨", "mother"), _bind(father, code, "陈小雨", "father")]
    )
    assert [status for status, _ in results] == [201, 201], results
    school_class = unit_by_code("YQ101").classes[0]
    child = db.session.scalars(
        select(Child).where(Child.name == "陈小雨", Child.class_id == school_class.id)
    ).one()
    assert _count(ParentLink, ParentLink.child_id == child.id) == 2


def test_one_parent_binding_twice_at_once_gets_one_link(demo, login):
    code = unit_by_code("YQ101").classes[0].class_code
    parent = login("race-parent")
    results = together(demo, [_bind(parent, code, "陈小雪", "mother")] * 3)
    statuses = sorted(status for status, _ in results)
    assert statuses == [201, 409, 409], results
    assert {r["error"]["code"] for s, r in results if s == 409} == {"child_already_bound"}
    assert _count(ParentLink) == 2  # the demo parent's seeded link, and this one


def test_two_binds_at_once_do_not_pass_the_limit(demo, client, login):
    school_class = unit_by_code("YQ101").classes[0]
    code = school_class.class_code
    on_roster(school_class, *(f"孩子{index}" for index in range(9)), "孩子甲", "孩子乙")
    parent = login("race-many")
    for index in range(9):
        body = {
            "class_code": code,
            "child_name": f"孩子{index}",
            "relation": "mother",
            "display_name": PARENT_NAME,
        }
        assert client.post("/api/v1/children", json=body, headers=parent).status_code == 201
    results = together(
        demo, [_bind(parent, code, "孩子甲", "mother"), _bind(parent, code, "孩子乙", "mother")]
    )
    assert sorted(status for status, _ in results) == [201, 409], results
    assert {r["error"]["code"] for s, r in results if s == 409} == {"too_many_children"}
    assert _count(ParentLink) == 11  # the demo parent's seeded link, and this parent's ten
