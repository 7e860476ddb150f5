"""The console's people pages: the staff of a unit with their roles, revoking a role,
disabling and enabling an account (the API's services, CSRF-checked), and the audit."""

from __future__ import annotations

from sqlalchemy import select

from server.extensions import db
from server.models import AuditRecord, RoleGrant, SchoolClass, User
from tests.console.forms import attr_values, post_form, text_of
from tests.hazards.conftest import unit_by_code
from tests.support.statements import counted


def person(openid: str) -> User:
    """A demo person by openid."""
    return db.session.scalars(select(User).where(User.openid == openid)).one()


def test_the_staff_of_a_unit_within_the_scope(demo, people, browser_as):
    school = browser_as(people["school_admin@own"])
    page = school.get("/console/people")
    assert page.status_code == 200
    names = text_of(page)
    assert "孙老师(值周巡查)" in names and "学校安全负责人 · 符离中心小学" in names
    assert "王主任(区安全办)" not in names  # above the school
    bureau = browser_as(people["bureau_admin@above"])
    everyone = attr_values(bureau.get("/console/people"), "data-user-id")
    mine = attr_values(page, "data-user-id")
    assert set(mine) < set(everyone)
    yq100 = unit_by_code("YQ100").id
    assert school.get(f"/console/people?unit_id={yq100}").status_code == 404
    assert browser_as(people["teacher@own"]).get("/console/people").status_code == 403
    tabs = text_of(page)
    assert "邀请码" in tabs and "表格导入" in tabs  # water.manage: the water points' import


def test_revoking_a_role_and_its_audit(demo, people, browser_as):
    school = browser_as(people["school_admin@own"])
    teacher = person("demo-teacher")
    grant_id = teacher.grants[0].id
    yq101 = unit_by_code("YQ101").id
    url = f"/console/people/grants/{grant_id}/revoke"
    assert school.post(url, data={"unit_id": yq101}).status_code == 400  # no CSRF token
    done = post_form(school, url, {"unit_id": yq101})
    assert done.status_code == 302 and "done=revoked" in done.headers["Location"]
    db.session.expire_all()
    assert db.session.get(RoleGrant, grant_id) is None
    page = text_of(school.get(done.headers["Location"]))
    assert "已撤销该角色" in page and "撤销角色" in page
    record = db.session.scalars(select(AuditRecord)).one()
    assert (record.action, record.target_user_id) == ("grant_revoked", teacher.id)
    # One's own role: refused, saying why.
    own = person("demo-school_admin").grants[0]
    refused = post_form(school, f"/console/people/grants/{own.id}/revoke", {"unit_id": yq101})
    assert refused.status_code == 403 and "不能修改自己的账号" in text_of(refused)
    # A grant outside the scope: not found.
    above = person("demo-supervisor").grants[0]
    assert post_form(school, f"/console/people/grants/{above.id}/revoke").status_code == 404


def test_disabling_and_enabling_an_account(demo, people, browser_as, client):
    school = browser_as(people["school_admin@own"])
    guard = person("demo-guard")
    yq101 = unit_by_code("YQ101").id
    off = post_form(school, f"/console/people/users/{guard.id}/disable", {"unit_id": yq101})
    assert off.status_code == 302
    db.session.refresh(guard)
    assert guard.is_active is False
    page = school.get(off.headers["Location"])
    assert "已停用该账号" in text_of(page) and "data-disabled" in text_of(page)
    on = post_form(school, f"/console/people/users/{guard.id}/enable", {"unit_id": yq101})
    assert on.status_code == 302
    db.session.refresh(guard)
    assert guard.is_active is True
    actions = db.session.scalars(select(AuditRecord.action).order_by(AuditRecord.id)).all()
    assert actions == ["user_disabled", "user_enabled"]
    # Someone with a role above the school: beyond this admin.
    bureau = person("demo-bureau_admin")
    assert post_form(school, f"/console/people/users/{bureau.id}/disable").status_code == 404


def test_the_people_pages_run_a_bounded_number_of_statements(demo, people, browser_as):
    bureau = browser_as(people["bureau_admin@above"])
    yq101 = unit_by_code("YQ101").id
    first = db.session.scalars(select(SchoolClass).where(SchoolClass.school_id == yq101)).first()
    form = {"unit_id": yq101, "role": "class_teacher", "class_id": first.id}
    post_form(bureau, "/console/invitations", form)
    post_form(bureau, f"/console/people/users/{person('demo-guard').id}/disable")
    with counted() as few:
        bureau.get("/console/people")
        bureau.get(f"/console/invitations?unit_id={yq101}")
    for role in ("guard", "bus_inspector"):
        post_form(bureau, "/console/invitations", {"unit_id": yq101, "role": role})
    post_form(bureau, "/console/invitations", form)
    for openid in ("demo-teacher", "demo-bus_inspector"):
        post_form(bureau, f"/console/people/users/{person(openid).id}/disable")
    post_form(bureau, f"/console/people/users/{person('demo-guard').id}/enable")
    with counted() as many:
        bureau.get("/console/people")
        bureau.get(f"/console/invitations?unit_id={yq101}")
    assert len(many) == len(few)
