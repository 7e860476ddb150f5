"""Notices to parents: targets, preview, send, read and acknowledge per child, completion,
the class teacher's list of who has not acknowledged, and reminders."""

from __future__ import annotations

import pytest
from sqlalchemy import func, select

from server.extensions import db
from server.models import Delivery, NoticeRecipient, Notification, SchoolClass
from tests.hazards.conftest import grant_role, unit_by_code
from tests.notices.conftest import give_grant, user_id
from tests.support.families import bind as bind_approved


def classes(code: str) -> list[SchoolClass]:
    return unit_by_code(code).classes


def bind(client, headers, school_class, name, relation="mother"):
    """Bind through the new flow: the pupil on the roster, the request, the teacher's approval."""
    return bind_approved(client, headers, school_class, name, relation)


@pytest.fixture
def families(demo, client, login):
    """Parents in 符离中心小学 (two classes) and 栏杆中心小学; one parent has two children."""
    yq101, yq201 = classes("YQ101"), classes("YQ201")
    people = {"demo-parent": login("demo-parent")}  # 张小明, 一年级1班 (seeded)
    for openid, school_class, child in (
        ("p-li", yq101[0], "李小红"),
        ("p-wang", yq101[1], "王小刚"),
        ("p-zhao", yq201[0], "赵小燕"),
    ):
        people[openid] = login(openid)
        bind(client, people[openid], school_class, child)
    bind(client, people["p-li"], yq101[1], "李小明", "father")  # a second child
    return people


def write(client, headers, unit_code, **targets):
    body = {
        "unit_id": unit_by_code(unit_code).id,
        "title": "暑期防溺水致家长的一封信",
        "body": "各位家长:暑假将至,请做到“六不一会”……",
        **targets,
    }
    return client.post("/api/v1/notices", json=body, headers=headers)


def test_school_notice_reaches_its_parents_per_child(
    families, client, login, templates, fake_wechat
):
    school = login("demo-school_admin")
    give_grant("p-li", templates["notice"])
    notice = write(client, school, "YQ101", unit_ids=[unit_by_code("YQ101").id]).get_json()
    preview = client.get(f"/api/v1/notices/{notice['id']}/preview", headers=school).get_json()
    assert preview == {"parents": 3, "children": 4, "classes": 2, "pairs": 4}
    sent = client.post(f"/api/v1/notices/{notice['id']}/send", headers=school)
    assert sent.status_code == 200 and sent.get_json()["reached"] == 4
    again = client.post(f"/api/v1/notices/{notice['id']}/send", headers=school)
    assert (again.status_code, again.get_json()["error"]["code"]) == (409, "already_sent")
    # One inbox message per parent (not per child); a push only where a grant was left.
    inbox = db.session.scalar(
        select(func.count()).select_from(Notification).where(Notification.kind == "notice")
    )
    assert inbox == 3
    statuses = sorted(db.session.scalars(select(Delivery.status)))
    assert statuses == ["no_grant", "no_grant", "sent"]
    assert [m["touser"] for m in fake_wechat.messages()] == ["p-li"]
    from datetime import datetime

    from server.clock import local_time

    sent_at = datetime.fromisoformat(sent.get_json()["notice"]["sent_at"])
    assert fake_wechat.messages()[0]["data"]["time3"]["value"] == local_time(sent_at)  # CST
    zhao = client.get("/api/v1/notices/mine", headers=families["p-zhao"]).get_json()
    assert zhao["notices"] == []  # another school


def test_parent_reads_and_acknowledges_each_child(families, client, login):
    school = login("demo-school_admin")
    notice = write(client, school, "YQ101", unit_ids=[unit_by_code("YQ101").id]).get_json()
    client.post(f"/api/v1/notices/{notice['id']}/send", headers=school)
    li = families["p-li"]
    mine = client.get("/api/v1/notices/mine", headers=li).get_json()["notices"]
    assert [c["child_name"] for c in mine[0]["children"]] == ["李小红", "李小明"]
    opened = client.get(f"/api/v1/notices/{notice['id']}", headers=li).get_json()
    assert all(c["read"] and not c["acknowledged"] for c in opened["children"])
    first_child = opened["children"][0]["child_id"]
    ack = client.post(
        f"/api/v1/notices/{notice['id']}/acknowledge", headers=li, json={"child_id": first_child}
    ).get_json()
    again = client.post(
        f"/api/v1/notices/{notice['id']}/acknowledge", headers=li, json={"child_id": first_child}
    ).get_json()
    assert ack["acknowledged"] and again["acknowledged_at"] == ack["acknowledged_at"]
    rows = db.session.scalars(
        select(NoticeRecipient).where(NoticeRecipient.parent_id == user_id("p-li"))
    ).all()
    assert sorted(r.acknowledged_at is not None for r in rows) == [False, True]
    outsider = client.post(
        f"/api/v1/notices/{notice['id']}/acknowledge",
        headers=families["p-zhao"],
        json={"child_id": first_child},
    )
    assert outsider.status_code == 404
    assert (
        client.post(
            f"/api/v1/notices/{notice['id']}/acknowledge", headers=li, json={"child_id": "x"}
        ).status_code
        == 422
    )


def test_who_may_write_and_target(families, client, login):
    assert (
        write(
            client, login("demo-teacher"), "YQ101", unit_ids=[unit_by_code("YQ101").id]
        ).status_code
        == 403
    )
    school = login("demo-school_admin")
    outside = write(client, school, "YQ101", unit_ids=[unit_by_code("YQ201").id])
    assert outside.status_code == 422 and "unit_ids" in outside.get_json()["error"]["details"]
    other_class = write(client, school, "YQ101", class_ids=[classes("YQ201")[0].id])
    assert other_class.status_code == 422
    assert write(client, school, "YQ101").status_code == 422  # no target
    bureau = write(
        client,
        login("demo-bureau_admin"),
        "YQ000",
        unit_ids=[unit_by_code("YQ100").id],
        class_ids=[classes("YQ201")[0].id],
    )
    assert bureau.status_code == 201
    preview = client.get(
        f"/api/v1/notices/{bureau.get_json()['id']}/preview", headers=login("demo-bureau_admin")
    ).get_json()
    assert preview["parents"] == 4  # 符离 (3 parents) + 赵 in 栏杆's first class
    assert (
        client.get(f"/api/v1/notices/{bureau.get_json()['id']}/preview", headers=school).status_code
        == 404
    )


def test_completion_rolls_up_without_names(families, client, login):
    bureau = login("demo-bureau_admin")
    notice = write(client, bureau, "YQ000", unit_ids=[unit_by_code("YQ000").id]).get_json()
    client.post(f"/api/v1/notices/{notice['id']}/send", headers=bureau)
    li = families["p-li"]
    child = client.get(f"/api/v1/notices/{notice['id']}", headers=li).get_json()["children"][0]
    client.post(
        f"/api/v1/notices/{notice['id']}/acknowledge",
        headers=li,
        json={"child_id": child["child_id"]},
    )
    district = client.get(f"/api/v1/notices/{notice['id']}/completion", headers=bureau).get_json()
    assert district["totals"]["reached"] == 5 and district["totals"]["acknowledged"] == 1
    by_name = {row["name"]: row for row in district["breakdown"]}
    assert by_name["符离中心校"]["reached"] == 4 and by_name["符离中心校"]["read"] == 2
    assert by_name["符离中心校"]["ack_rate"] == 0.25
    assert by_name["栏杆中心校"]["reached"] == 1
    text = str(district)
    assert "李小红" not in text and "p-li" not in text  # no names above the school
    school_view = client.get(
        f"/api/v1/notices/{notice['id']}/completion?unit_id={unit_by_code('YQ101').id}",
        headers=login("demo-school_admin"),
    )
    # Every class of the school was targeted: the one where no parent is bound shows as not
    # reached (0 children) rather than vanishing.
    rows = school_view.get_json()["breakdown"]
    assert [(r["kind"], r["children"], r["reached_any"]) for r in rows] == [
        ("class", 2, True),
        ("class", 2, True),
        ("class", 0, False),
    ]
    assert rows[2]["reached"] == 0 and rows[2]["ack_rate"] is None
    sibling = client.get(
        f"/api/v1/notices/{notice['id']}/completion?unit_id={unit_by_code('YQ201').id}",
        headers=login("demo-supervisor"),
    )
    assert sibling.status_code == 404


def test_siblings_learn_nothing_of_a_notice_through_completion(families, client, login):
    school = login("demo-school_admin")  # 符离中心小学 (YQ101)
    draft = write(client, school, "YQ101", unit_ids=[unit_by_code("YQ101").id]).get_json()
    sent = write(client, school, "YQ101", unit_ids=[unit_by_code("YQ101").id]).get_json()
    client.post(f"/api/v1/notices/{sent['id']}/send", headers=school)
    sibling = login("sibling-school-admin")
    grant_role("sibling-school-admin", "school_admin", "YQ201")
    for notice in (draft, sent):
        response = client.get(f"/api/v1/notices/{notice['id']}/completion", headers=sibling)
        assert response.status_code == 404, response.get_json()
        assert notice["title"] not in response.get_data(as_text=True)
    # The school's own staff above it see the sent one; a draft only its writers.
    supervisor = login("demo-supervisor")
    ok = client.get(f"/api/v1/notices/{sent['id']}/completion", headers=supervisor)
    assert ok.status_code == 200 and ok.get_json()["notice"]["title"] == sent["title"]
    teacher = login("demo-class_teacher")
    assert (
        client.get(f"/api/v1/notices/{draft['id']}/completion", headers=teacher).status_code == 404
    )


def test_class_teacher_sees_and_reminds_only_their_class(
    families, client, login, templates, fake_wechat
):
    school = login("demo-school_admin")
    notice = write(client, school, "YQ101", unit_ids=[unit_by_code("YQ101").id]).get_json()
    client.post(f"/api/v1/notices/{notice['id']}/send", headers=school)
    first, second = classes("YQ101")[0], classes("YQ101")[1]
    teacher = login("demo-class_teacher")  # 一年级1班
    url = f"/api/v1/notices/{notice['id']}/classes/{first.id}"
    listed = client.get(url + "/pending", headers=teacher).get_json()
    assert sorted(p["child_name"] for p in listed["pending"]) == ["张小明", "李小红"]
    assert (
        client.get(
            f"/api/v1/notices/{notice['id']}/classes/{second.id}/pending", headers=teacher
        ).status_code
        == 403
    )
    assert client.get(url + "/pending", headers=login("demo-supervisor")).status_code == 403
    assert client.get(url + "/pending", headers=school).status_code == 200
    # 张小明's mother acknowledges; the reminder goes only to 李小红's parent.
    parent = families["demo-parent"]
    child = client.get(f"/api/v1/notices/{notice['id']}", headers=parent).get_json()["children"]
    client.post(
        f"/api/v1/notices/{notice['id']}/acknowledge",
        headers=parent,
        json={"child_id": child[0]["child_id"]},
    )
    give_grant("p-li", templates["reminder"])
    reminded = client.post(url + "/remind", headers=teacher)
    assert reminded.get_json() == {"reminded": 1}
    assert [m["touser"] for m in fake_wechat.messages()] == ["p-li"]
    twice = client.post(url + "/remind", headers=teacher)
    assert (twice.status_code, twice.get_json()["error"]["code"]) == (409, "already_reminded_today")
    assert client.get(url + "/pending", headers=teacher).get_json()["reminded_today"] is True


def test_another_class_teacher_is_refused(families, client, login):
    school = login("demo-school_admin")
    notice = write(client, school, "YQ101", unit_ids=[unit_by_code("YQ101").id]).get_json()
    client.post(f"/api/v1/notices/{notice['id']}/send", headers=school)
    other = login("other-class-teacher")
    from server.models import RoleGrant

    second = classes("YQ101")[1]
    db.session.add(
        RoleGrant(
            user_id=user_id("other-class-teacher"),
            role="class_teacher",
            unit_id=second.school_id,
            class_id=second.id,
        )
    )
    db.session.commit()
    first = classes("YQ101")[0]
    url = f"/api/v1/notices/{notice['id']}/classes/{first.id}"
    assert client.get(url + "/pending", headers=other).status_code == 403
    assert client.post(url + "/remind", headers=other).status_code == 403
    grant_role("other-class-teacher", "teacher", "YQ201")  # staff elsewhere changes nothing
    assert client.get(url + "/pending", headers=other).status_code == 403


def test_notices_for_a_class(families, client, login):
    school = login("demo-school_admin")
    notice = write(client, school, "YQ101", class_ids=[classes("YQ101")[0].id]).get_json()
    client.post(f"/api/v1/notices/{notice['id']}/send", headers=school)
    teacher = login("demo-class_teacher")
    first, second = classes("YQ101")[0], classes("YQ101")[1]
    listed = client.get(f"/api/v1/notices/for-class?class_id={first.id}", headers=teacher)
    assert [n["id"] for n in listed.get_json()["notices"]] == [notice["id"]]
    assert (
        client.get(f"/api/v1/notices/for-class?class_id={second.id}", headers=teacher).status_code
        == 403
    )
    assert (
        client.get(f"/api/v1/notices/for-class?class_id={second.id}", headers=school).get_json()[
            "notices"
        ]
        == []
    )
    assert client.get("/api/v1/notices/for-class", headers=teacher).status_code == 422


def test_opening_reads_the_inbox_and_empty_targets_are_refused(families, client, login):
    school = login("demo-school_admin")
    notice = write(client, school, "YQ101", unit_ids=[unit_by_code("YQ101").id]).get_json()
    client.post(f"/api/v1/notices/{notice['id']}/send", headers=school)
    li = families["p-li"]
    assert client.get("/api/v1/inbox/unread-count", headers=li).get_json()["unread_count"] == 1
    client.get(f"/api/v1/notices/{notice['id']}", headers=li)
    assert client.get("/api/v1/inbox/unread-count", headers=li).get_json()["unread_count"] == 0
    completion = client.get(f"/api/v1/notices/{notice['id']}/completion", headers=school)
    assert completion.get_json()["notice"]["title"] == "暑期防溺水致家长的一封信"
    pending = client.get(
        f"/api/v1/notices/{notice['id']}/classes/{classes('YQ101')[1].id}/pending", headers=school
    ).get_json()
    assert pending["parents"] == 2 and len(pending["pending"]) == 2  # 王小刚's and 李小明's
    empty = write(client, school, "YQ101", class_ids=[classes("YQ101")[2].id]).get_json()
    refused = client.post(f"/api/v1/notices/{empty['id']}/send", headers=school)
    assert (refused.status_code, refused.get_json()["error"]["code"]) == (422, "no_recipients")
    assert (
        client.get(f"/api/v1/notices/{empty['id']}/preview", headers=school).get_json()["parents"]
        == 0
    )


def test_only_unsent_notices_can_be_deleted(families, client, login):
    school = login("demo-school_admin")
    draft = write(client, school, "YQ101", unit_ids=[unit_by_code("YQ101").id]).get_json()
    sent = write(client, school, "YQ101", unit_ids=[unit_by_code("YQ101").id]).get_json()
    client.post(f"/api/v1/notices/{sent['id']}/send", headers=school)
    assert (
        client.delete(f"/api/v1/notices/{draft['id']}", headers=login("demo-teacher")).status_code
        == 403
    )
    assert client.delete(f"/api/v1/notices/{draft['id']}", headers=school).status_code == 204
    refused = client.delete(f"/api/v1/notices/{sent['id']}", headers=school)
    assert (refused.status_code, refused.get_json()["error"]["code"]) == (409, "already_sent")
    listed = client.get("/api/v1/notices", headers=school).get_json()["notices"]
    assert [n["id"] for n in listed] == [sent["id"]]


def test_my_notices_page_by_page(families, client, login):
    school = login("demo-school_admin")
    ids = []
    for _ in range(3):
        notice = write(client, school, "YQ101", unit_ids=[unit_by_code("YQ101").id]).get_json()
        client.post(f"/api/v1/notices/{notice['id']}/send", headers=school)
        ids.append(notice["id"])
    li = families["p-li"]
    first = client.get("/api/v1/notices/mine?limit=2", headers=li).get_json()
    assert [n["id"] for n in first["notices"]] == ids[::-1][:2]
    assert all(len(n["children"]) == 2 for n in first["notices"])
    rest = client.get(
        f"/api/v1/notices/mine?limit=2&before_id={first['next_before_id']}", headers=li
    ).get_json()
    assert [n["id"] for n in rest["notices"]] == [ids[0]] and rest["next_before_id"] is None
    assert client.get("/api/v1/notices/mine?limit=500", headers=li).status_code == 422


@pytest.mark.parametrize(
    ("method", "path", "body", "status"),
    [
        ("post", "/api/v1/notices", {"unit_id": 1, "title": "短", "body": "正文"}, 422),
        ("post", "/api/v1/notices", {"unit_id": 1, "title": "标题", "unit_ids": "all"}, 422),
        ("post", "/api/v1/notices", {"title": "标题", "body": "正文正文"}, 422),
        ("get", "/api/v1/notices/999999/preview", None, 404),
        ("post", "/api/v1/notices/999999/send", None, 404),
        ("get", "/api/v1/notices/999999", None, 404),
        ("get", "/api/v1/notices/1/completion?unit_id=abc", None, 422),
        ("get", "/api/v1/notices/999999/completion", None, 404),
        ("get", "/api/v1/notices/1/classes/999999/pending", None, 404),
        ("post", "/api/v1/notices/1/classes/999999/remind", None, 404),
        ("post", "/api/v1/notices/1/acknowledge", {}, 422),
        ("delete", "/api/v1/notices/999999", None, 404),
    ],
)
def test_notice_endpoints_refuse_bad_input(demo, client, login, method, path, body, status):
    response = getattr(client, method)(path, json=body, headers=login("demo-school_admin"))
    assert response.status_code == status, response.get_json()
    assert set(response.get_json()["error"]) == {"code", "message", "details"}


def test_notice_endpoints_need_a_token(client):
    assert client.get("/api/v1/notices/mine").status_code == 401
    assert client.post("/api/v1/notices", json={}).status_code == 401


def test_unbinding_keeps_the_record_of_notices_that_reached_the_child(families, client, login):
    school = login("demo-school_admin")
    notice = write(client, school, "YQ101", unit_ids=[unit_by_code("YQ101").id]).get_json()
    client.post(f"/api/v1/notices/{notice['id']}/send", headers=school)
    li = families["p-li"]
    links = client.get("/api/v1/children", headers=li).get_json()["children"]
    before = client.get(f"/api/v1/notices/{notice['id']}/completion", headers=school).get_json()
    for link in links:
        response = client.delete(f"/api/v1/children/{link['id']}", headers=li)
        assert response.status_code == 204, response.get_json()
    assert client.get("/api/v1/children", headers=li).get_json()["children"] == []
    after = client.get(f"/api/v1/notices/{notice['id']}/completion", headers=school).get_json()
    assert after["totals"] == before["totals"]  # who was reached and acknowledged stays recorded
