"""The admins' lists (staff of a unit, items held for review, waiting bindings, the audit) load
what they show in a bounded number of statements, however many rows they hold."""

from __future__ import annotations

from sqlalchemy import select

from server.extensions import db
from server.models import RoleGrant, SchoolClass, User
from server.services.units import add_class
from tests.content.test_content_checks import write
from tests.hazards.conftest import grant_role, unit_by_code
from tests.support.families import on_roster, request_binding
from tests.support.statements import counted


def _statements(client, url, headers, key):
    db.session.remove()  # a cold session, as a new request has
    with counted() as seen:
        response = client.get(url, headers=headers)
    assert response.status_code == 200, response.get_json()
    return len(response.get_json()[key]), len(seen)


def _add_class_teachers(count: int) -> None:
    """Class teachers of as many new classes: each row shows a class of its own."""
    school = unit_by_code("YQ101")
    for index in range(count):
        klass = add_class(school, f"五年级{index + 1}班", "五年级")
        user = User(openid=f"extra-teacher-{index}", display_name=f"老师{index}")
        db.session.add(user)
        db.session.flush()
        db.session.add(
            RoleGrant(user_id=user.id, role="class_teacher", unit_id=school.id, class_id=klass.id)
        )
    db.session.commit()


def test_the_staff_list_is_a_bounded_number_of_statements(demo, client, login):
    admin = login("demo-school_admin")
    url = f"/api/v1/units/{unit_by_code('YQ101').id}/staff"
    shown_few, few = _statements(client, url, admin, "staff")
    _add_class_teachers(12)
    shown_many, many = _statements(client, url, admin, "staff")
    assert shown_many == shown_few + 12
    assert many == few, f"{few} statements for {shown_few} people but {many} for {shown_many}"


def _held_notices(client, login, first: int, count: int) -> None:
    """Notices held for review, each written by a different safety officer (each row shows its
    writer)."""
    for index in range(first, first + count):
        writer = login(f"extra-writer-{index}")
        grant_role(f"extra-writer-{index}", "school_admin", "YQ101")
        assert write(client, writer, body="家长可联系代开发票").status_code == 201


def test_the_review_list_is_a_bounded_number_of_statements(demo, client, login, fake_wechat):
    admin = login("demo-school_admin")
    fake_wechat.set_words({"代开发票": "review"})
    url = f"/api/v1/reviews?unit_id={unit_by_code('YQ101').id}"
    _held_notices(client, login, 0, 2)
    shown_few, few = _statements(client, url, admin, "reviews")
    _held_notices(client, login, 2, 8)
    shown_many, many = _statements(client, url, admin, "reviews")
    assert (shown_few, shown_many) == (2, 10)
    assert many == few, f"{few} statements for 2 held items but {many} for 10"


def _waiting_parents(client, login, school_class, first: int, count: int) -> None:
    """Bindings waiting for the class teacher, each a different parent and pupil."""
    for index in range(first, first + count):
        on_roster(school_class, f"学生{index}")
        parent = login(f"waiting-parent-{index}")
        assert request_binding(client, parent, school_class, f"学生{index}").status_code == 201


def test_the_waiting_bindings_list_is_a_bounded_number_of_statements(demo, client, login):
    teacher = login("demo-class_teacher")
    school_class = db.session.scalars(
        select(SchoolClass).where(SchoolClass.school_id == unit_by_code("YQ101").id)
    ).first()
    url = f"/api/v1/classes/{school_class.id}/bindings"
    _waiting_parents(client, login, school_class, 0, 2)
    shown_few, few = _statements(client, url, teacher, "bindings")
    _waiting_parents(client, login, school_class, 2, 8)
    shown_many, many = _statements(client, url, teacher, "bindings")
    assert (shown_few, shown_many) == (2, 10)
    assert many == few, f"{few} statements for 2 bindings but {many} for 10"


def test_the_audit_list_is_a_bounded_number_of_statements(demo, client, login):
    admin = login("demo-school_admin")
    url = f"/api/v1/audit?unit_id={unit_by_code('YQ101').id}"

    def disable_new_teachers(first: int, count: int) -> None:
        for index in range(first, first + count):
            login(f"audited-{index}")
            user = grant_role(f"audited-{index}", "teacher", "YQ101")
            assert client.post(f"/api/v1/users/{user.id}/disable", headers=admin).status_code == 200

    disable_new_teachers(0, 2)
    shown_few, few = _statements(client, url, admin, "records")
    disable_new_teachers(2, 8)
    shown_many, many = _statements(client, url, admin, "records")
    assert (shown_few, shown_many) == (2, 10)
    assert many == few, f"{few} statements for 2 records but {many} for 10"
