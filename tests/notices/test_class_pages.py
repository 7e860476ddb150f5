"""What the class teacher's pages show: the notice named on the pending list, each notice with
the class's own figures, and every targeted class in the school's breakdown (reached or not)."""

from __future__ import annotations

import pytest

from server.extensions import db
from server.models import SchoolClass
from tests.hazards.conftest import grant_role, unit_by_code
from tests.notices.test_notices import write
from tests.support.families import bind
from tests.support.statements import counted


@pytest.fixture
def school_classes(demo, client, login):
    """符离中心小学's classes: the first with 张小明 (mother and father) and 李小红, the second
    with 王小刚; the third has no parent bound. Returns (headers, class ids)."""
    first, second, third = unit_by_code("YQ101").classes[:3]
    people = {
        "school": login("demo-school_admin"),
        "teacher": login("demo-class_teacher"),  # 一年级1班
        "mother": login("demo-parent"),
        "father": login("p-father"),
        "li": login("p-li"),
        "wang": login("p-wang"),
    }
    bind(client, people["father"], first, "张小明", "father")
    bind(client, people["li"], first, "李小红")
    bind(client, people["wang"], second, "王小刚")
    return people, (first.id, second.id, third.id)


def _send(client, headers, **targets) -> int:
    notice = write(client, headers, "YQ101", **targets)
    assert notice.status_code == 201, notice.get_json()
    notice_id = notice.get_json()["id"]
    assert client.post(f"/api/v1/notices/{notice_id}/send", headers=headers).status_code == 200
    return notice_id


def _ack(client, headers, notice_id) -> None:
    """Acknowledge for the caller's first child."""
    child = client.get(f"/api/v1/notices/{notice_id}", headers=headers).get_json()["children"][0]
    response = client.post(
        f"/api/v1/notices/{notice_id}/acknowledge",
        json={"child_id": child["child_id"]},
        headers=headers,
    )
    assert response.status_code == 200


def test_the_pending_list_names_its_notice(school_classes, client, login):
    people, (first, _second, _third) = school_classes
    notice_id = _send(client, people["school"], class_ids=[first])
    url = f"/api/v1/notices/{notice_id}/classes/{first}/pending"
    pending = client.get(url, headers=people["teacher"]).get_json()
    assert pending["notice"] == {"id": notice_id, "title": "暑期防溺水致家长的一封信"}
    assert pending["children"] == 2
    # A draft, a notice unknown, or one of another school: not found, and no title learnt.
    draft = write(client, people["school"], "YQ101", class_ids=[first]).get_json()["id"]
    sibling = login("sibling-school-admin")
    grant_role("sibling-school-admin", "school_admin", "YQ201")
    their_class = unit_by_code("YQ201").classes[0]
    bind(client, login("p-zhao"), their_class, "赵小燕")
    theirs = write(client, sibling, "YQ201", class_ids=[their_class.id], title="栏杆小学的通知")
    theirs = theirs.get_json()
    assert client.post(f"/api/v1/notices/{theirs['id']}/send", headers=sibling).status_code == 200
    for other in (draft, 999_999, theirs["id"]):
        response = client.get(
            f"/api/v1/notices/{other}/classes/{first}/pending", headers=people["teacher"]
        )
        assert response.status_code == 404, other
        assert theirs["title"] not in response.get_data(as_text=True)
        remind = client.post(
            f"/api/v1/notices/{other}/classes/{first}/remind", headers=people["teacher"]
        )
        assert remind.status_code == 404


def test_each_notice_of_a_class_carries_the_class_figures(school_classes, client):
    people, (first, second, _third) = school_classes
    whole_school = _send(client, people["school"], unit_ids=[unit_by_code("YQ101").id])
    only_first = _send(client, people["school"], class_ids=[first])
    # The father acknowledges 张小明 for the whole-school notice: the child counts once.
    _ack(client, people["father"], whole_school)
    listed = client.get(f"/api/v1/notices/for-class?class_id={first}", headers=people["teacher"])
    figures = [
        (n["id"], n["class_children"], n["class_acknowledged"])
        for n in listed.get_json()["notices"]
    ]
    assert figures == [(only_first, 2, 0), (whole_school, 2, 1)]
    _ack(client, people["mother"], whole_school)  # already acknowledged: nothing changes
    _ack(client, people["li"], whole_school)
    listed = client.get(f"/api/v1/notices/for-class?class_id={first}", headers=people["school"])
    assert [
        (n["class_children"], n["class_acknowledged"]) for n in listed.get_json()["notices"]
    ] == [
        (2, 0),
        (2, 2),
    ]
    seconds = client.get(f"/api/v1/notices/for-class?class_id={second}", headers=people["school"])
    assert [
        (n["id"], n["class_children"], n["class_acknowledged"])
        for n in seconds.get_json()["notices"]
    ] == [(whole_school, 1, 0)]


def _statements(client, headers, class_id) -> tuple[int, int]:
    db.session.remove()  # a cold session, as a new request has
    with counted() as seen:
        response = client.get(f"/api/v1/notices/for-class?class_id={class_id}", headers=headers)
    assert response.status_code == 200
    return len(response.get_json()["notices"]), len(seen)


def test_the_class_list_costs_a_fixed_number_of_statements(school_classes, client):
    people, (first, _second, _third) = school_classes
    _send(client, people["school"], class_ids=[first])
    shown_one, one = _statements(client, people["teacher"], first)
    for _ in range(3):
        _send(client, people["school"], class_ids=[first])
    shown_four, four = _statements(client, people["teacher"], first)
    assert (shown_one, shown_four) == (1, 4)
    assert four == one, f"{one} statements for one notice but {four} for four"


def test_a_targeted_class_without_parents_shows_as_not_reached(school_classes, client, login):
    people, (first, _second, third) = school_classes
    notice_id = _send(client, people["school"], class_ids=[first, third])
    school_id = unit_by_code("YQ101").id
    completion = client.get(
        f"/api/v1/notices/{notice_id}/completion?unit_id={school_id}", headers=people["school"]
    ).get_json()
    rows = {row["id"]: row for row in completion["breakdown"]}
    assert set(rows) == {first, third}  # the second class was not targeted
    assert (rows[first]["children"], rows[first]["reached"], rows[first]["reached_any"]) == (
        2,
        2,
        True,
    )
    empty = rows[third]
    assert (empty["children"], empty["reached"], empty["reached_any"]) == (0, 0, False)
    assert empty["read_rate"] is None and empty["ack_rate"] is None
    assert completion["totals"]["reached"] == 2
    # Above the school, units are listed as before, with the same two fields.
    centre = client.get(f"/api/v1/notices/{notice_id}/completion", headers=login("demo-supervisor"))
    units = {row["name"]: row for row in centre.get_json()["breakdown"]}
    assert (units["符离中心小学"]["children"], units["符离中心小学"]["reached_any"]) == (2, True)
    assert all(row["kind"] == "unit" for row in units.values())


def _pending_statements(client, headers, notice_id, class_id) -> tuple[int, int]:
    """(parents listed, statements run) for a class's pending list, from a cold session."""
    db.session.remove()  # a cold session, as a new request has
    with counted() as seen:
        response = client.get(
            f"/api/v1/notices/{notice_id}/classes/{class_id}/pending", headers=headers
        )
    assert response.status_code == 200
    return response.get_json()["parents"], len(seen)


def test_the_pending_list_costs_a_fixed_number_of_statements(school_classes, client, login):
    people, (_first, _second, third) = school_classes
    school_class = db.session.get(SchoolClass, third)
    for n in range(2):
        bind(client, login(f"p-few-{n}"), school_class, f"学生{n}")
    few_notice = _send(client, people["school"], class_ids=[third])
    for n in range(2, 10):
        bind(client, login(f"p-many-{n}"), school_class, f"学生{n}")
    many_notice = _send(client, people["school"], class_ids=[third])
    listed_few, few = _pending_statements(client, people["school"], few_notice, third)
    listed_many, many = _pending_statements(client, people["school"], many_notice, third)
    assert (listed_few, listed_many) == (2, 10)
    assert many == few, f"{few} statements for 2 parents but {many} for 10"
