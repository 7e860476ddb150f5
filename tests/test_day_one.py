"""A district on day one, from an empty deployment with nothing but the README's steps: the
first admin joins from the printed invitation, schools, classes and rosters are imported, staff
and parents join with names, a parent sees a notice only once the class teacher approved the
binding, a report reaches the school's safety officer, and completion counts children."""

from __future__ import annotations

import io
import re
import uuid

from sqlalchemy import select

from server.extensions import db
from server.models import SchoolClass, Unit
from tests.hazards.conftest import make_jpeg
from tests.support.joining import cli, invite, join, sign_in

UNITS_CSV = """单位代码,单位名称,单位类型,办学性质,上级单位代码,年级,班级
B1,示范区教体局,教育局,公办,,,
C1,东城中心校,中心校,公办,B1,,
S1,东城小学,学校,公办,C1,一年级,一年级1班
"""
ROSTER_CSV = """单位代码,班级,学生姓名
S1,一年级1班,林小雨
S1,一年级1班,陈小树
"""


def school_notice(client, headers, school_id: int) -> dict:
    """A drowning-prevention notice of the school to its own parents, written (not sent)."""
    made = client.post(
        "/api/v1/notices",
        json={
            "unit_id": school_id,
            "title": "防溺水告家长书",
            "body": "请家长做好监护。",
            "unit_ids": [school_id],
        },
        headers=headers,
    )
    assert made.status_code == 201, made.get_json()
    return made.get_json()


def test_a_district_runs_on_its_own_from_an_empty_deployment(
    app, client, runner, fake_wechat, tmp_path
):
    units, roster = tmp_path / "units.csv", tmp_path / "roster.csv"
    units.write_text(UNITS_CSV, encoding="utf-8")
    roster.write_text(ROSTER_CSV, encoding="utf-8")
    cli(runner, "setup", "storage")
    cli(runner, "campaign", "load")
    cli(runner, "calendar", "load")
    cli(runner, "units", "import", str(units))
    cli(runner, "units", "import-roster", str(roster))
    printed = cli(
        runner, "setup", "first-admin", "--unit-code", "B1", "--out", str(tmp_path / "qr.png")
    )
    code = re.search(r"invitation code: (\S+)", printed).group(1)
    assert (tmp_path / "qr.png").read_bytes().startswith(b"\x89PNG")

    bureau = join(client, fake_wechat, "bureau-first", code, "王主任")
    me = client.get("/api/v1/me", headers=bureau).get_json()
    assert me["user"]["display_name"] == "王主任" and me["grants"][0]["role"] == "bureau_admin"

    school = db.session.scalars(select(Unit).where(Unit.code == "S1")).one()
    klass = db.session.scalars(select(SchoolClass).where(SchoolClass.school_id == school.id)).one()
    officer = join(
        client,
        fake_wechat,
        "s1-officer",
        invite(client, bureau, school.id, "school_admin"),
        "刘老师",
    )
    teacher = join(
        client,
        fake_wechat,
        "s1-class-teacher",
        invite(client, officer, school.id, "class_teacher", klass.id),
        "周老师",
    )
    patrol = join(
        client, fake_wechat, "s1-patrol", invite(client, officer, school.id, "teacher"), "孙老师"
    )

    # A parent asks to bind a pupil on the roster; until the class teacher approves, nothing.
    parent = sign_in(client, fake_wechat, "parent-lin")
    bind = {"class_code": klass.class_code, "child_name": "林小雨", "relation": "mother"}
    nameless = client.post("/api/v1/children", json=bind, headers=parent)
    assert nameless.get_json()["error"]["code"] == "name_required"  # who asks must be known
    asked = client.post("/api/v1/children", json={**bind, "display_name": "林妈妈"}, headers=parent)
    assert asked.status_code == 201 and asked.get_json()["status"] == "pending"
    not_on_roster = client.post(
        "/api/v1/children",
        json={"class_code": klass.class_code, "child_name": "不存在", "relation": "mother"},
        headers=parent,
    )
    assert not_on_roster.status_code == 422

    notice = school_notice(client, officer, school.id)
    refused = client.post(f"/api/v1/notices/{notice['id']}/send", headers=officer)
    assert refused.status_code == 422  # nobody approved yet: the notice reaches no one
    assert client.get("/api/v1/notices/mine", headers=parent).get_json()["notices"] == []

    waiting = client.get(f"/api/v1/classes/{klass.id}/bindings", headers=teacher).get_json()
    assert [
        (b["child"]["name"], b["relation_name"], b["parent_name"]) for b in waiting["bindings"]
    ] == [("林小雨", "母亲", "林妈妈")]
    link_id = waiting["bindings"][0]["id"]
    approved = client.post(
        f"/api/v1/classes/{klass.id}/bindings/{link_id}/approve", headers=teacher
    )
    assert approved.status_code == 200, approved.get_json()
    sent = client.post(f"/api/v1/notices/{notice['id']}/send", headers=officer)
    assert sent.status_code == 200, sent.get_json()
    mine = client.get("/api/v1/notices/mine", headers=parent).get_json()["notices"]
    child_id = mine[0]["children"][0]["child_id"]
    client.post(
        f"/api/v1/notices/{notice['id']}/acknowledge", json={"child_id": child_id}, headers=parent
    )
    totals = client.get(f"/api/v1/notices/{notice['id']}/completion", headers=bureau).get_json()
    assert (totals["totals"]["reached"], totals["totals"]["acknowledged"]) == (1, 1)

    # A patrol teacher reports a hazard: the school's safety officer is told.
    photo = client.post(
        "/api/v1/photos",
        data={"file": (io.BytesIO(make_jpeg(7)), "p.jpg")},
        headers=patrol,
        content_type="multipart/form-data",
    ).get_json()
    reported = client.post(
        "/api/v1/hazards",
        json={
            "client_uuid": str(uuid.uuid4()),
            "school_id": school.id,
            "focus_problem": "fire.utilities",
            "description": "配电箱门损坏",
            "severity": "general",
            "lat": 33.77,
            "lng": 116.96,
            "accuracy": 10,
            "coord_system": "gcj02",
            "photo_ids": [photo["id"]],
        },
        headers=patrol,
    )
    assert reported.status_code == 201, reported.get_json()
    inbox = client.get("/api/v1/inbox", headers=officer).get_json()["messages"]
    assert any(m["data"].get("hazard_id") == reported.get_json()["id"] for m in inbox)
