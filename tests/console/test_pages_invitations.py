"""The console's invitations: made for a role at a unit (a class for a class teacher), shown
with their QR code (the service's PNG, through a console route), withdrawn; within the scope."""

from __future__ import annotations

from sqlalchemy import select

from server.extensions import db
from server.models import Invitation, SchoolClass
from tests.console.forms import attr_values, post_form, text_of
from tests.hazards.conftest import unit_by_code


def test_an_invitation_is_made_shown_as_qr_and_withdrawn(demo, people, browser_as):
    school = browser_as(people["school_admin@own"])
    yq101 = unit_by_code("YQ101").id
    page = school.get("/console/invitations")
    assert page.status_code == 200
    assert "巡查教师" in text_of(page) and "安全办管理员" not in text_of(page)  # roles of a school
    made = post_form(school, "/console/invitations", {"unit_id": yq101, "role": "teacher"})
    assert made.status_code == 302
    invitation = db.session.scalars(select(Invitation)).one()
    assert (invitation.role, invitation.unit_id, invitation.max_uses) == ("teacher", yq101, 1)
    listed = school.get(made.headers["Location"])
    assert attr_values(listed, "data-invitation-id") == [str(invitation.id)]
    assert invitation.code in text_of(listed) and "data-live" in text_of(listed)
    qr = school.get(f"/console/invitations/{invitation.id}/qr.png")
    assert qr.status_code == 200 and qr.mimetype == "image/png"
    assert qr.data.startswith(b"\x89PNG")
    gone = post_form(school, f"/console/invitations/{invitation.id}/revoke")
    assert gone.status_code == 302
    db.session.refresh(invitation)
    assert invitation.revoked_at is not None
    assert "已撤销" in text_of(school.get(gone.headers["Location"]))


def test_a_class_teacher_needs_a_class_of_the_school(demo, people, browser_as):
    school = browser_as(people["school_admin@own"])
    yq101 = unit_by_code("YQ101").id
    form = {"unit_id": yq101, "role": "class_teacher"}
    refused = post_form(school, "/console/invitations", form)
    assert refused.status_code == 422 and "班主任须选择本校的班级" in text_of(refused)
    bad = post_form(school, "/console/invitations", {**form, "max_uses": "0"})
    assert bad.status_code == 422 and "可用人数" in text_of(bad)
    wrong = post_form(school, "/console/invitations", {"unit_id": yq101, "role": "supervisor"})
    assert wrong.status_code == 422 and "不能设在该单位" in text_of(wrong)
    assert db.session.scalars(select(Invitation)).first() is None
    first = db.session.scalars(
        select(SchoolClass).where(SchoolClass.school_id == yq101).order_by(SchoolClass.id)
    ).first()
    made = post_form(school, "/console/invitations", {**form, "class_id": first.id})
    assert made.status_code == 302
    assert db.session.scalars(select(Invitation.class_id)).one() == first.id


def test_invitations_keep_to_the_scope(demo, people, browser_as):
    sibling = browser_as(people["school_admin@sibling"])
    yq102 = unit_by_code("YQ102").id
    post_form(sibling, "/console/invitations", {"unit_id": yq102, "role": "guard"})
    theirs = db.session.scalars(select(Invitation)).one()
    school = browser_as(people["school_admin@own"])
    assert school.get(f"/console/invitations?unit_id={yq102}").status_code == 404
    assert school.get(f"/console/invitations/{theirs.id}/qr.png").status_code == 404
    assert post_form(school, f"/console/invitations/{theirs.id}/revoke").status_code == 404
    made = post_form(school, "/console/invitations", {"unit_id": yq102, "role": "guard"})
    assert made.status_code == 404
    assert browser_as(people["teacher@own"]).get("/console/invitations").status_code == 403
