"""A district started by its own people, the whole way: an empty deployment, the bureau made by
``flask setup first-admin --name``, its first admin joining from the printed code, importing the
centre school, schools, classes and the roster in the web console, inviting the centre school's
supervisor, the schools' safety officers and the bureau's staff; staff and parents joining with
names; bindings approved by the class teacher or a family code; a notice counted per child and
reminded only to guardians of children not yet acknowledged; and every step of a hazard, to its
escalation to the bureau, reaching the person who must act."""

from __future__ import annotations

import re
import uuid
from datetime import timedelta

from sqlalchemy import select

from server.extensions import db
from server.models import Child, Hazard, SchoolClass, Unit
from server.services.escalation import escalate_overdue
from tests.console.conftest import browser_as  # noqa: F401  (fixture)
from tests.console.test_pages_imports import UNIT_HEADER, csv_bytes
from tests.console.test_pages_imports import upload as import_file
from tests.hazards.conftest import upload  # noqa: F401  (fixture)
from tests.support.joining import cli, invite, join, sign_in
from tests.support.plans import PLAN
from tests.test_day_one import school_notice

SPOT = {"lat": 33.77, "lng": 116.96, "accuracy": 10, "coord_system": "gcj02"}


def _unit(code: str) -> Unit:
    """The unit with this code."""
    return db.session.scalars(select(Unit).where(Unit.code == code)).one()


def _told(client, headers, kind: str, hazard_id: int) -> bool:
    """Whether the person's inbox holds a message of ``kind`` about the hazard."""
    messages = client.get("/api/v1/inbox", headers=headers).get_json()["messages"]
    return any(m["kind"] == kind and m["data"].get("hazard_id") == hazard_id for m in messages)


def _step(client, headers, hazard_id: int, verb: str, body: dict | None = None) -> dict:
    """One lifecycle step on the phone; it must succeed."""
    done = client.post(f"/api/v1/hazards/{hazard_id}/{verb}", json=body or {}, headers=headers)
    assert done.status_code == 200, (verb, done.get_json())
    return done.get_json()


def _start_the_district(client, runner, fake_wechat, browser_as, tmp_path):  # noqa: F811
    """From nothing to a bureau with a centre school, two schools, a class and its roster, each
    made by the people who run them; returns everyone's headers."""
    cli(runner, "setup", "storage")
    cli(runner, "campaign", "load")
    cli(runner, "calendar", "load")
    assert db.session.scalars(select(Unit)).first() is None  # an empty deployment
    printed = cli(
        runner, "setup", "first-admin", "--unit-code", "B1", "--name", "示范区教体局",
        "--out", str(tmp_path / "qr.png"),
    )  # fmt: skip
    code = re.search(r"invitation code: (\S+)", printed).group(1)
    people = {"bureau": join(client, fake_wechat, "b1-admin", code, "王主任")}
    bureau = _unit("B1")

    # The bureau's admin imports the units and the roster in the console, as the README says.
    console = browser_as(people["bureau"])
    units = [
        UNIT_HEADER,
        ["C1", "东城中心校", "中心校", "公办", "B1", "", ""],
        ["S1", "东城小学", "学校", "公办", "C1", "一年级", "一年级1班"],
        ["S2", "西城小学", "学校", "公办", "B1", "", ""],
    ]
    done = import_file(console, "units", "units.csv", csv_bytes(units), bureau.id)
    assert done.status_code == 200, done.get_data(as_text=True)
    roster = [["单位代码", "班级", "学生姓名"]] + [
        ["S1", "一年级1班", name] for name in ("林小雨", "陈小树")
    ]
    done = import_file(console, "roster", "roster.csv", csv_bytes(roster), bureau.id)
    assert done.status_code == 200, done.get_data(as_text=True)

    center, school = _unit("C1"), _unit("S1")
    klass = db.session.scalars(select(SchoolClass).where(SchoolClass.school_id == school.id)).one()
    invites = {
        "staff": ("b1-staff", bureau, "bureau_staff", "赵干事"),
        "supervisor": ("c1-supervisor", center, "supervisor", "钱校长"),
        "officer": ("s1-officer", school, "school_admin", "刘老师"),
        "west": ("s2-officer", _unit("S2"), "school_admin", "吴老师"),
    }
    for who, (openid, unit, role, name) in invites.items():
        people[who] = join(
            client, fake_wechat, openid, invite(client, people["bureau"], unit.id, role), name
        )
    officer = people["officer"]
    people["class_teacher"] = join(
        client,
        fake_wechat,
        "s1-class",
        invite(client, officer, school.id, "class_teacher", klass.id),
        "周老师",
    )
    people["patrol"] = join(
        client, fake_wechat, "s1-patrol", invite(client, officer, school.id, "teacher"), "孙老师"
    )
    return people, school, klass


def _bind_the_parents(client, fake_wechat, people, klass):
    """Three guardians of two pupils: two asked and approved by the class teacher, one with the
    family code the teacher gave that family. A pending binding sees nothing."""
    teacher = people["class_teacher"]
    parents = {}
    for who, child, relation, name in (
        ("lin_mother", "林小雨", "mother", "林妈妈"),
        ("lin_father", "林小雨", "father", "林爸爸"),
        ("chen_mother", "陈小树", "mother", "陈妈妈"),
    ):
        parents[who] = sign_in(client, fake_wechat, who)
        body = {"class_code": klass.class_code, "child_name": child, "relation": relation}
        asked = client.post(
            "/api/v1/children", json={**body, "display_name": name}, headers=parents[who]
        )
        assert asked.status_code == 201 and asked.get_json()["status"] == "pending"
        seen = client.get("/api/v1/children", headers=parents[who]).get_json()["children"]
        assert all(c["status"] == "pending" for c in seen)
        assert client.get("/api/v1/notices/mine", headers=parents[who]).get_json()["notices"] == []

    waiting = client.get(f"/api/v1/classes/{klass.id}/bindings", headers=teacher).get_json()
    rows = {b["parent_name"]: b for b in waiting["bindings"]}
    assert set(rows) == {"林妈妈", "林爸爸", "陈妈妈"}  # the teacher knows who asks
    for name in ("林妈妈", "陈妈妈"):
        url = f"/api/v1/classes/{klass.id}/bindings/{rows[name]['id']}/approve"
        assert client.post(url, headers=teacher).status_code == 200
    lin = db.session.scalars(select(Child).where(Child.name == "林小雨")).one()
    code = client.post(
        f"/api/v1/classes/{klass.id}/roster/{lin.id}/family-code", headers=teacher
    ).get_json()["code"]
    entered = client.post(
        f"/api/v1/children/{rows['林爸爸']['id']}/family-code",
        json={"family_code": code},
        headers=parents["lin_father"],
    )
    assert entered.status_code == 200 and entered.get_json()["status"] == "approved"
    return parents


def _a_notice_counts_children(client, people, parents, school, klass):
    """Two guardians of one child and one of another: the mother's acknowledgment counts her
    child once, and the reminder goes only to the other child's guardian."""
    officer = people["officer"]
    notice = school_notice(client, officer, school.id)
    sent = client.post(f"/api/v1/notices/{notice['id']}/send", headers=officer)
    assert sent.status_code == 200, sent.get_json()
    mine = client.get("/api/v1/notices/mine", headers=parents["lin_mother"]).get_json()
    [child] = mine["notices"][0]["children"]
    acked = client.post(
        f"/api/v1/notices/{notice['id']}/acknowledge",
        json={"child_id": child["child_id"]},
        headers=parents["lin_mother"],
    )
    assert acked.status_code == 200, acked.get_json()
    totals = client.get(
        f"/api/v1/notices/{notice['id']}/completion", headers=people["bureau"]
    ).get_json()["totals"]
    assert (totals["reached"], totals["acknowledged"]) == (2, 1)  # children, not parents
    url = f"/api/v1/notices/{notice['id']}/classes/{klass.id}"
    pending = client.get(url + "/pending", headers=people["class_teacher"]).get_json()
    assert [p["child_name"] for p in pending["pending"]] == ["陈小树"]
    client.post(url + "/remind", headers=people["class_teacher"])
    reminded = {
        who
        for who, headers in parents.items()
        for m in client.get("/api/v1/inbox", headers=headers).get_json()["messages"]
        if m["kind"] == "notice_reminder"
    }
    assert reminded == {"chen_mother"}  # not 林小雨's father: his child is acknowledged


def _each_step_reaches_who_must_act(client, upload, people, school):  # noqa: F811
    """Report -> the school's safety officer; plan -> the responsible person picked from the
    staff; fix -> the signer; rejection -> the fixer; overdue -> the school's admin, then the
    centre school's supervisor, then the bureau's admin and staff. Nobody else is told."""
    officer, patrol = people["officer"], people["patrol"]
    # The hazards suite's report body names the demo district's school: this one is written out.
    reported = client.post(
        "/api/v1/hazards",
        json={
            **SPOT,
            "client_uuid": str(uuid.uuid4()),
            "school_id": school.id,
            "focus_problem": "fire.utilities",
            "description": "配电箱门损坏",
            "severity": "general",
            "photo_ids": [upload(patrol)["id"]],
        },
        headers=patrol,
    )
    assert reported.status_code == 201, reported.get_json()
    hazard_id = reported.get_json()["id"]
    assert _told(client, officer, "hazard_reported", hazard_id)
    assert not _told(client, people["west"], "hazard_reported", hazard_id)  # a sibling school

    candidates = client.get(
        f"/api/v1/hazards/{hazard_id}/responsible-candidates", headers=officer
    ).get_json()["people"]
    picked = next(c for c in candidates if c["display_name"] == "孙老师")
    _step(client, officer, hazard_id, "plan", {**PLAN, "responsible_user_id": picked["id"]})
    assert _told(client, patrol, "hazard_assigned", hazard_id)
    seen = client.get(f"/api/v1/hazards/{hazard_id}", headers=patrol).get_json()
    assert "start" in seen["allowed_actions"]  # the responsible person now has its steps

    _step(client, patrol, hazard_id, "start")
    fix = {**SPOT, "photo_ids": [upload(patrol)["id"]], "note": "已更换"}
    _step(client, patrol, hazard_id, "fix", fix)
    assert _told(client, officer, "hazard_fix_submitted", hazard_id)
    _step(client, officer, hazard_id, "reject", {"reason": "门锁未装"})
    assert _told(client, patrol, "hazard_rejected", hazard_id)

    deadline = db.session.get(Hazard, hazard_id).deadline
    for days, who in ((1, ("officer",)), (3, ("supervisor",)), (7, ("bureau", "staff"))):
        assert escalate_overdue(today=deadline + timedelta(days=days)) == 1
        assert all(_told(client, people[w], "hazard_overdue", hazard_id) for w in who)
    assert not _told(client, people["west"], "hazard_overdue", hazard_id)


def test_a_district_starts_and_runs_on_its_own(
    app,
    client,
    runner,
    fake_wechat,
    browser_as,  # noqa: F811
    upload,  # noqa: F811
    tmp_path,
):
    people, school, klass = _start_the_district(client, runner, fake_wechat, browser_as, tmp_path)
    me = client.get("/api/v1/me", headers=people["supervisor"]).get_json()
    assert me["user"]["display_name"] == "钱校长"
    assert [(g["role"], g["unit"]["code"]) for g in me["grants"]] == [("supervisor", "C1")]
    parents = _bind_the_parents(client, fake_wechat, people, klass)
    _a_notice_counts_children(client, people, parents, school, klass)
    _each_step_reaches_who_must_act(client, upload, people, school)
