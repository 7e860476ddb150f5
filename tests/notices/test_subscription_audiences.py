"""Which templates apply to whom (by what they may do, or being a parent or a responsible
person), and which one-time grants are used up so the phone asks again."""

from __future__ import annotations

from sqlalchemy import select

from server.extensions import db
from server.models import Delivery
from server.services import delivery
from tests.hazards.conftest import report, upload  # noqa: F401  (fixtures)
from tests.notices.conftest import give_grant
from tests.support.plans import PLAN

HAZARD_ADMIN = {
    "hazard_reported",
    "hazard_overdue",
    "hazard_fix_submitted",
    "hazard_assigned",
    "hazard_rejected",
    "hazard_verified",
    "task_reminder",
}
# Everyone on duty patrols (patrol.do): a round due, a round missed.
PATROL = {"patrol_due", "patrol_missed"}
# The safety officers and those above them (hazard.plan): a bus failed its inspection.
BUS = {"bus_failed"}


def _applying(client, headers) -> dict[str, dict]:
    response = client.get("/api/v1/subscriptions/templates", headers=headers)
    assert response.status_code == 200
    return {t["key"]: t for t in response.get_json()["templates"] if t["applies"]}


def test_each_person_gets_the_templates_they_will_receive(demo, client, login):
    assert set(_applying(client, login("demo-school_admin"))) == HAZARD_ADMIN | PATROL | BUS
    assert set(_applying(client, login("demo-supervisor"))) == HAZARD_ADMIN | PATROL | BUS
    assert (
        set(_applying(client, login("demo-bureau_staff")))
        == {
            "hazard_overdue",
            "hazard_verified",
            "task_reminder",
        }
        | PATROL
    )
    assert (
        set(_applying(client, login("demo-teacher")))
        == {
            "hazard_verified",
            "task_reminder",
        }
        | PATROL
    )
    assert set(_applying(client, login("demo-parent"))) == {"notice", "reminder"}
    assert set(_applying(client, login("someone-new"))) == set()


def test_a_named_responsible_person_is_asked_for_assignments(
    demo,
    client,
    login,
    report,  # noqa: F811
):
    teacher = login("demo-teacher")
    hid = report(teacher)[0].get_json()["id"]
    me = client.get("/api/v1/me", headers=teacher).get_json()["user"]["id"]
    plan = {**PLAN, "responsible_user_id": me}
    planned = client.post(
        f"/api/v1/hazards/{hid}/plan", json=plan, headers=login("demo-school_admin")
    )
    assert planned.status_code == 200
    assert {"hazard_assigned", "hazard_rejected"} <= set(_applying(client, teacher))


def test_a_spent_one_time_grant_is_used_up(demo, client, login, templates, fake_wechat):
    parent = login("demo-parent")
    notice = _applying(client, parent)["notice"]
    assert (notice["remaining"], notice["used_up"]) == (0, False)  # never asked yet
    give_grant("demo-parent", templates["notice"])
    notice = _applying(client, parent)["notice"]
    assert (notice["remaining"], notice["used_up"]) == (1, False)

    from tests.notices.test_push import _notify

    did = _notify("demo-parent")
    assert db.session.get(Delivery, did).status in ("pending", "sent")
    delivery.dispatch([did])
    assert db.session.scalars(select(Delivery.status).where(Delivery.id == did)).one() == "sent"
    notice = _applying(client, parent)["notice"]
    assert (notice["remaining"], notice["used_up"]) == (0, True)
    accepted = client.post(
        "/api/v1/subscriptions", headers=parent, json={"results": {templates["notice"]: "accept"}}
    )
    again = {t["key"]: t for t in accepted.get_json()["templates"]}["notice"]
    assert (again["remaining"], again["used_up"], again["applies"]) == (1, False, True)
