"""Parents give their name when they bind a child, as staff do when joining: required from
people without one, text-checked, shown to the class teacher; a name WeChat holds for review is
released by the admins of a unit the person belongs to."""

from __future__ import annotations

import json

from sqlalchemy import func, select

from server import access
from server.extensions import db
from server.models import ContentCheck, ParentLink, Unit, User
from tests.hazards.conftest import grant_role, unit_by_code
from tests.support.families import request_binding

BIND_NAME = "陈小雨"


def the_class():
    """符离中心小学's first class: the demo class teacher's."""
    return unit_by_code("YQ101").classes[0]


def user(openid: str) -> User:
    """The stored user (read afresh)."""
    db.session.expire_all()
    return db.session.scalars(select(User).where(User.openid == openid)).one()


def waiting(client, headers) -> list[dict]:
    """The class teacher's list of waiting bindings."""
    response = client.get(f"/api/v1/classes/{the_class().id}/bindings", headers=headers)
    assert response.status_code == 200, response.get_json()
    return response.get_json()["bindings"]


def reviews(client, headers, code="YQ101") -> list[dict]:
    """The held items an admin sees at a unit."""
    url = f"/api/v1/reviews?unit_id={unit_by_code(code).id}"
    response = client.get(url, headers=headers)
    assert response.status_code == 200, response.get_json()
    return response.get_json()["reviews"]


def links() -> int:
    """How many bindings there are."""
    return db.session.scalar(select(func.count()).select_from(ParentLink))


def test_a_parent_without_a_name_must_give_one(demo, client, login):
    parent = login("p-nameless")
    before = links()
    response = request_binding(client, parent, the_class(), BIND_NAME, display_name=None)
    assert response.status_code == 422
    error = response.get_json()["error"]
    assert (error["code"], list(error["details"])) == ("name_required", ["display_name"])
    blank = request_binding(client, parent, the_class(), BIND_NAME, display_name="  ")
    assert blank.status_code == 422  # a blank name is no name
    assert links() == before


def test_hostile_names_and_phones_are_refused_and_nothing_bound(demo, client, login):
    parent = login("p-hostile")
    before = links()
    for field, value in (
        ("display_name", "林\x00妈妈"),
        ("display_name", "a\x07b"),
        ("display_name", "\ud800"),
        ("display_name", "名" * 200),
        ("phone", "1380013800\x00"),
        ("phone", "not a phone"),
    ):
        body = {
            "class_code": the_class().class_code,
            "child_name": BIND_NAME,
            "relation": "mother",
            "display_name": "林妈妈",
            field: value,
        }
        raw = json.dumps(body)  # ASCII escapes: a lone surrogate cannot be UTF-8
        response = client.post(
            "/api/v1/children", data=raw, content_type="application/json", headers=parent
        )
        assert response.status_code == 422, (field, value)
        assert field in response.get_json()["error"]["details"], (field, value)
    assert links() == before
    assert user("p-hostile").display_name is None


def test_the_name_is_stored_and_shown_to_the_class_teacher(demo, client, login):
    parent = login("p-lin")
    made = request_binding(
        client, parent, the_class(), BIND_NAME, display_name="林妈妈", phone="13800138000"
    )
    assert made.status_code == 201, made.get_json()
    me = client.get("/api/v1/me", headers=parent).get_json()["user"]
    assert (me["display_name"], me["phone"], me["name_under_review"]) == (
        "林妈妈",
        "13800138000",
        False,
    )
    [row] = waiting(client, login("demo-class_teacher"))
    assert (row["parent_name"], row["relation_name"], row["parent_name_under_review"]) == (
        "林妈妈",
        "母亲",
        False,
    )


def test_a_risky_name_is_refused_and_nothing_is_bound(demo, client, login):
    parent = login("p-risky")
    before = links()
    response = request_binding(client, parent, the_class(), BIND_NAME, display_name="赌博大王")
    assert (response.status_code, response.get_json()["error"]["code"]) == (422, "content_risky")
    assert links() == before
    assert user("p-risky").display_name is None


def test_a_held_name_waits_for_the_school_admin(demo, client, login, fake_wechat):
    fake_wechat.set_words({"代开发票": "review"})
    parent, teacher = login("p-held"), login("demo-class_teacher")
    made = request_binding(client, parent, the_class(), BIND_NAME, display_name="代开发票妈妈")
    assert made.status_code == 201, made.get_json()
    [row] = waiting(client, teacher)
    assert (row["parent_name"], row["parent_name_under_review"]) == (None, True)
    school = login("demo-school_admin")
    [held] = reviews(client, school)
    assert (held["subject"], held["content"], held["unit_name"]) == (
        "user",
        "代开发票妈妈",
        "符离中心小学",
    )
    # A sibling school's admin does not see it; a teacher may not release it.
    sibling = login("p-sibling")
    grant_role("p-sibling", "school_admin", "YQ102")
    assert reviews(client, sibling, "YQ102") == []
    assert client.post(f"/api/v1/reviews/{held['id']}/release", headers=sibling).status_code == 404
    assert client.post(f"/api/v1/reviews/{held['id']}/release", headers=teacher).status_code == 403
    released = client.post(f"/api/v1/reviews/{held['id']}/release", headers=school)
    assert released.status_code == 200, released.get_json()
    [row] = waiting(client, teacher)
    assert (row["parent_name"], row["parent_name_under_review"]) == ("代开发票妈妈", False)


def test_a_name_held_before_any_binding_is_released_by_the_school_bound_later(
    demo, client, login, fake_wechat
):
    fake_wechat.set_words({"代开发票": "review"})
    parent = login("p-early")
    changed = client.patch("/api/v1/me", json={"display_name": "代开发票爸爸"}, headers=parent)
    assert changed.get_json()["name_under_review"] is True
    check = db.session.scalars(select(ContentCheck)).one()
    assert check.unit_id is None  # nobody's unit yet
    school = login("demo-school_admin")
    assert reviews(client, school) == []
    assert client.post(f"/api/v1/reviews/{check.id}/release", headers=school).status_code == 404
    # The held name counts as a name; binding makes the parent one of the school's people.
    made = request_binding(client, parent, the_class(), BIND_NAME, display_name=None)
    assert made.status_code == 201, made.get_json()
    assert [r["id"] for r in reviews(client, school)] == [check.id]
    supervisor = login("demo-supervisor")
    assert [r["id"] for r in reviews(client, supervisor, "YQ100")] == [check.id]  # reach down
    released = client.post(f"/api/v1/reviews/{check.id}/release", headers=school)
    assert released.status_code == 200, released.get_json()
    assert user("p-early").display_name == "代开发票爸爸"


def test_a_rejected_parent_s_held_name_stays_with_the_school_it_was_given_at(
    demo, client, login, fake_wechat
):
    fake_wechat.set_words({"代开发票": "review"})
    parent, teacher = login("p-gone"), login("demo-class_teacher")
    made = request_binding(client, parent, the_class(), BIND_NAME, display_name="代开发票姑姑")
    url = f"/api/v1/classes/{the_class().id}/bindings/{made.get_json()['id']}/reject"
    assert client.post(url, headers=teacher).status_code == 200
    check = db.session.scalars(select(ContentCheck)).one()
    assert access.units_of_person(check.subject_id) == []
    # The school the name was given at still holds the check's own unit.
    school = login("demo-school_admin")
    assert [r["id"] for r in reviews(client, school)] == [check.id]


def test_a_person_belongs_to_their_grants_units_and_bound_schools(demo, client, login):
    request_binding(client, login("p-staff"), the_class(), BIND_NAME)
    grant_role("p-staff", "teacher", "YQ201")
    person = user("p-staff")
    assert sorted(u.code for u in access.units_of_person(person.id)) == ["YQ101", "YQ201"]

    def members(code: str) -> list[int]:
        return db.session.scalars(access.member_ids(select(Unit.id).where(Unit.code == code))).all()

    assert person.id in members("YQ201") and person.id in members("YQ101")
    assert person.id not in members("YQ102")


def test_a_parent_with_a_name_need_not_give_it_and_may_change_it(demo, client, login, fake_wechat):
    parent = login("demo-parent")  # 张小明家长
    # The same name again asks WeChat nothing: a check would fail here and hold the name.
    fake_wechat.inject_failure("wxa/msg_sec_check", errcode=-1)
    kept = request_binding(client, parent, the_class(), "李小红", display_name="张小明家长")
    assert kept.status_code == 201, kept.get_json()
    silent = request_binding(client, parent, the_class(), "王小刚", display_name=None)
    assert silent.status_code == 201, silent.get_json()
    assert db.session.scalar(select(func.count()).select_from(ContentCheck)) == 0
    assert user("demo-parent").display_name == "张小明家长"
    fake_wechat.reset()
    fake_wechat.set_words({"代开发票": "review"})
    changed = request_binding(client, parent, the_class(), "赵小燕", display_name="代开发票家长")
    assert changed.status_code == 201, changed.get_json()
    me = client.get("/api/v1/me", headers=parent).get_json()["user"]
    assert (me["display_name"], me["name_under_review"]) == ("代开发票家长", True)
    assert user("demo-parent").display_name == "张小明家长"  # others see the old name meanwhile
    renamed = request_binding(client, parent, the_class(), "刘小华", display_name="张爸爸")
    assert renamed.status_code == 201
    assert user("demo-parent").display_name == "张爸爸"
