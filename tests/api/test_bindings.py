"""Parents' bindings: a pupil on the roster, pending until the class teacher decides or a family
code approves it; a pending binding sees nothing; guessing is rate limited."""

from __future__ import annotations

from datetime import timedelta

import pytest
import redis
from sqlalchemy import select, update

from server.extensions import db
from server.models import Child, FamilyCode, User, utcnow
from server.services import guessing
from tests.hazards.conftest import unit_by_code
from tests.support.concurrency import answer, together
from tests.support.families import link_status, request_binding


def first_class(code="YQ101"):
    return unit_by_code(code).classes[0]


def pupil_id(school_class, name) -> int:
    query = select(Child.id).where(Child.class_id == school_class.id, Child.name == name)
    return db.session.scalar(query)


def family_code(client, headers, school_class, name) -> str:
    url = f"/api/v1/classes/{school_class.id}/roster/{pupil_id(school_class, name)}/family-code"
    response = client.post(url, headers=headers)
    assert response.status_code == 201, response.get_json()
    return response.get_json()["code"]


def decide(client, headers, school_class, link_id, verb):
    url = f"/api/v1/classes/{school_class.id}/bindings/{link_id}/{verb}"
    return client.post(url, headers=headers)


def test_binding_needs_a_pupil_on_the_roster(demo, client, login):
    parent = login("p-new")
    missing = request_binding(client, parent, first_class(), "不在册")
    assert (missing.status_code, missing.get_json()["error"]["code"]) == (
        422,
        "child_not_on_roster",
    )
    assert pupil_id(first_class(), "不在册") is None  # parents create no child


def test_pending_binding_sees_no_notice_until_approved(demo, client, login):
    school_class = first_class()
    parent, teacher = login("p-wait"), login("demo-class_teacher")
    school = login("demo-school_admin")
    link = request_binding(client, parent, school_class, "李小红").get_json()
    assert link["status"] == "pending"
    waiting = client.get(f"/api/v1/classes/{school_class.id}/bindings", headers=teacher)
    assert [(b["child"]["name"], b["relation"]) for b in waiting.get_json()["bindings"]] == [
        ("李小红", "mother")
    ]
    notice = client.post(
        "/api/v1/notices",
        json={
            "unit_id": unit_by_code("YQ101").id,
            "title": "通知一",
            "body": "内容",
            "class_ids": [school_class.id],
        },
        headers=school,
    ).get_json()
    preview = client.get(f"/api/v1/notices/{notice['id']}/preview", headers=school).get_json()
    assert preview["parents"] == 1  # only the demo parent, approved
    client.post(f"/api/v1/notices/{notice['id']}/send", headers=school)
    assert client.get("/api/v1/notices/mine", headers=parent).get_json()["notices"] == []
    assert client.get("/api/v1/inbox", headers=parent).get_json()["messages"] == []
    approved = decide(client, teacher, school_class, link["id"], "approve")
    assert approved.status_code == 200 and approved.get_json()["status"] == "approved"
    second = client.post(
        "/api/v1/notices",
        json={
            "unit_id": unit_by_code("YQ101").id,
            "title": "通知二",
            "body": "内容",
            "class_ids": [school_class.id],
        },
        headers=school,
    ).get_json()
    client.post(f"/api/v1/notices/{second['id']}/send", headers=school)
    mine = client.get("/api/v1/notices/mine", headers=parent).get_json()["notices"]
    assert [n["title"] for n in mine] == ["通知二"]


def test_reject_and_decided_twice(demo, client, login):
    school_class = first_class()
    teacher = login("demo-class_teacher")
    link = request_binding(client, login("p-rej"), school_class, "王小刚").get_json()
    other_class = unit_by_code("YQ101").classes[1]
    officer = login("demo-school_admin")
    assert decide(client, officer, other_class, link["id"], "reject").status_code == 404
    rejected = decide(client, teacher, school_class, link["id"], "reject")
    assert rejected.get_json()["status"] == "rejected"
    again = decide(client, teacher, school_class, link["id"], "approve")
    assert (again.status_code, again.get_json()["error"]["code"]) == (409, "already_decided")
    assert link_status(link["id"]) == "rejected"
    # Another class's teacher, a patrol teacher: no decisions here.
    assert (
        decide(client, login("demo-teacher"), school_class, link["id"], "approve").status_code
        == 403
    )


def test_two_taps_approve_once(demo, login):
    school_class = first_class()
    teacher, officer = login("demo-class_teacher"), login("demo-school_admin")
    client = demo.test_client()
    link = request_binding(client, login("p-race"), school_class, "赵小燕").get_json()

    def tap(headers, verb):
        url = f"/api/v1/classes/{school_class.id}/bindings/{link['id']}/{verb}"
        return lambda c: answer(c.post(url, headers=headers))

    results = together(
        demo, [tap(teacher, "approve"), tap(officer, "reject"), tap(teacher, "approve")]
    )
    statuses = sorted(status for status, _ in results)
    assert statuses == [200, 409, 409], results
    winner = next(body for status, body in results if status == 200)
    assert link_status(link["id"]) == winner["status"]


def test_family_code_approves_once(demo, client, login):
    school_class = first_class()
    teacher = login("demo-class_teacher")
    code = family_code(client, teacher, school_class, "陈小雨")
    parent = login("p-code")
    link = request_binding(client, parent, school_class, "陈小雨", "father").get_json()
    entered = client.post(
        f"/api/v1/children/{link['id']}/family-code",
        json={"family_code": code.lower()},
        headers=parent,
    )
    assert entered.status_code == 200 and entered.get_json()["status"] == "approved"
    # Single use: the other guardian cannot use it again.
    other = request_binding(
        client, login("p-code2"), school_class, "陈小雨", "mother", family_code=code
    )
    assert (other.status_code, other.get_json()["error"]["code"]) == (422, "family_code_invalid")


def test_family_code_at_binding_time_and_its_limits(demo, client, login):
    school_class = first_class()
    teacher = login("demo-class_teacher")
    code = family_code(client, teacher, school_class, "陈小雪")
    # For another pupil (or another class) it approves nothing.
    wrong = request_binding(client, login("p-x"), school_class, "刘小华", family_code=code)
    assert wrong.status_code == 422
    other_class = unit_by_code("YQ101").classes[1]
    elsewhere = request_binding(client, login("p-y"), other_class, "陈小雪", family_code=code)
    assert elsewhere.status_code == 422
    assert client.get("/api/v1/children", headers=login("p-y")).get_json()["children"] == []
    # Expired.
    db.session.execute(update(FamilyCode).values(expires_at=utcnow() - timedelta(minutes=1)))
    db.session.commit()
    late = request_binding(client, login("p-z"), school_class, "陈小雪", family_code=code)
    assert late.status_code == 422
    # A fresh one works at once, and replaces the earlier one.
    fresh = family_code(client, teacher, school_class, "陈小雪")
    older = family_code(client, teacher, school_class, "陈小雪")
    stale = request_binding(client, login("p-z"), school_class, "陈小雪", family_code=fresh)
    assert stale.status_code == 422
    made = request_binding(client, login("p-z"), school_class, "陈小雪", family_code=older)
    assert made.status_code == 201 and made.get_json()["status"] == "approved"


def test_guessing_is_rate_limited(demo, client, login):
    parent = login("p-guess")
    for attempt in range(10):
        body = {
            "class_code": f"ZZZZZ{attempt}",
            "child_name": "李小红",
            "relation": "mother",
            "display_name": "郭家长",
        }
        assert client.post("/api/v1/children", json=body, headers=parent).status_code in (404, 422)
    limited = request_binding(client, parent, first_class(), "李小红")
    assert limited.status_code == 429
    assert limited.get_json()["error"]["code"] == "too_many_attempts"
    # Another person is not affected.
    assert request_binding(client, login("p-honest"), first_class(), "李小红").status_code == 201


def test_wrong_names_and_family_codes_count_too(demo, client, login):
    parent = login("p-names")
    for attempt in range(5):
        assert request_binding(client, parent, first_class(), f"猜名字{attempt}").status_code == 422
    link = request_binding(client, parent, first_class(), "李小明").get_json()
    for _attempt in range(5):
        wrong = client.post(
            f"/api/v1/children/{link['id']}/family-code",
            json={"family_code": "AAAAAA"},
            headers=parent,
        )
        assert wrong.status_code == 422
    final = client.post(
        f"/api/v1/children/{link['id']}/family-code", json={"family_code": "AAAAAA"}, headers=parent
    )
    assert final.status_code == 429


def test_parent_unbinds_a_pending_binding(demo, client, login):
    parent = login("p-undo")
    link = request_binding(client, parent, first_class(), "刘小华").get_json()
    assert client.delete(f"/api/v1/children/{link['id']}", headers=parent).status_code == 204
    assert link_status(link["id"]) is None
    waiting = client.get(
        f"/api/v1/classes/{first_class().id}/bindings", headers=login("demo-class_teacher")
    )
    assert waiting.get_json()["bindings"] == []


def test_failed_attempts_are_shared_through_redis(demo, client, login):
    """With REDIS_URL the counts live in Redis: what one process counted, another sees."""
    url = "redis://127.0.0.1:6379/15"
    try:
        redis.Redis.from_url(url).ping()
    except redis.RedisError:
        pytest.skip("Redis at 127.0.0.1:6379 does not answer")
    demo.config["REDIS_URL"] = url
    parent = login("p-redis")
    user = db.session.scalars(select(User).where(User.openid == "p-redis")).one()
    key = f"LIMITS:LIMITER/{guessing._key(user)}*"
    store = redis.Redis.from_url(url)
    try:
        for _attempt in range(10):
            assert request_binding(client, parent, first_class(), "不在册").status_code == 422
        guessing.forget_all()  # another process: no memory of its own
        assert request_binding(client, parent, first_class(), "李小红").status_code == 429
    finally:
        for found in store.scan_iter(key):
            store.delete(found)


def test_two_guardians_enter_one_family_code_at_once(demo, login):
    school_class = first_class()
    client = demo.test_client()
    code = family_code(client, login("demo-class_teacher"), school_class, "王小刚")
    heads = [login("p-twin-a"), login("p-twin-b")]
    links = [request_binding(client, h, school_class, "王小刚").get_json() for h in heads]

    def enter(headers, link):
        url = f"/api/v1/children/{link['id']}/family-code"
        return lambda c: answer(c.post(url, json={"family_code": code}, headers=headers))

    results = together(demo, [enter(h, link) for h, link in zip(heads, links, strict=True)])
    assert sorted(status for status, _ in results) == [200, 422], results
    assert sorted(link_status(link["id"]) for link in links) == ["approved", "pending"]
