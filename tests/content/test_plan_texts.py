"""A rectification plan's texts under WeChat's content rules, as hazard notes are: risky text
refuses the plan (422, nothing stored); held text is masked for others in the plan, the history
and the news, while its writer sees it, until an admin releases it."""

from __future__ import annotations

from sqlalchemy import func, select

from server.extensions import db
from server.models import ContentCheck, Notification
from server.services.content import MASK
from tests.hazards.conftest import unit_by_code
from tests.support.plans import PLAN, plan_for


def plan(client, headers, hazard_id, **changes):
    """Assign the plan (a valid one naming the school's staff, with ``changes``)."""
    return client.post(
        f"/api/v1/hazards/{hazard_id}/plan", json=plan_for(hazard_id, **changes), headers=headers
    )


def test_risky_plan_text_refuses_the_plan(demo, client, login, report):
    teacher, admin = login("demo-teacher"), login("demo-school_admin")
    hazard = report(teacher)[0].get_json()
    for field in ("measures", "contingency"):
        refused = plan(client, admin, hazard["id"], **{field: "组织赌博活动"})
        assert (refused.status_code, refused.get_json()["error"]["code"]) == (422, "content_risky")
        assert field in refused.get_json()["error"]["details"]
    seen = client.get(f"/api/v1/hazards/{hazard['id']}", headers=admin).get_json()
    assert (seen["status"], seen["plan"]["measures"]) == ("reported", None)
    count = select(func.count()).select_from(ContentCheck).where(ContentCheck.kind == "text")
    assert db.session.scalar(count) == 0


def test_held_plan_texts_are_masked_for_others_until_released(
    demo, client, login, report, fake_wechat
):
    teacher, admin = login("demo-teacher"), login("demo-school_admin")
    hazard = report(teacher)[0].get_json()
    fake_wechat.set_words({"代开发票": "review"})
    planned = plan(client, admin, hazard["id"], measures="联系代开发票后更换配电箱门")
    assert planned.status_code == 200
    assert planned.get_json()["plan"]["measures"] == "联系代开发票后更换配电箱门"  # its writer
    picked = planned.get_json()["plan"]["responsible_person"]
    seen = client.get(f"/api/v1/hazards/{hazard['id']}", headers=teacher).get_json()["plan"]
    assert (seen["measures"], seen["responsible_person"], seen["contingency"]) == (
        MASK,
        picked,  # the picked person's own name, checked when they gave it
        PLAN["contingency"],
    )
    events = client.get(f"/api/v1/hazards/{hazard['id']}/events", headers=teacher).get_json()
    changes = next(e for e in events["events"] if e["kind"] == "planned")["changes"]
    assert (changes["measures"], changes["responsible_person"]) == (MASK, picked)
    assert changes["contingency"] == PLAN["contingency"]
    bodies = db.session.scalars(select(Notification.body)).all()
    assert bodies and all("代开发票" not in body for body in bodies)
    url = f"/api/v1/reviews?unit_id={unit_by_code('YQ101').id}"
    held = client.get(url, headers=admin).get_json()["reviews"]
    assert sorted((r["subject"], r["field"]) for r in held if r["kind"] == "text") == [
        ("hazard", "measures"),
        ("hazard_event", "measures"),
    ]
    for check in held:
        released = client.post(f"/api/v1/reviews/{check['id']}/release", headers=admin)
        assert released.status_code == 200
    seen = client.get(f"/api/v1/hazards/{hazard['id']}", headers=teacher).get_json()["plan"]
    assert seen["measures"] == "联系代开发票后更换配电箱门"
    events = client.get(f"/api/v1/hazards/{hazard['id']}/events", headers=teacher).get_json()
    changes = next(e for e in events["events"] if e["kind"] == "planned")["changes"]
    assert changes["measures"] == "联系代开发票后更换配电箱门"


def test_a_revised_plan_drops_the_hold_of_the_text_it_replaces(
    demo, client, login, report, fake_wechat
):
    teacher, admin = login("demo-teacher"), login("demo-school_admin")
    hazard = report(teacher)[0].get_json()
    fake_wechat.set_words({"代开发票": "review"})
    assert plan(client, admin, hazard["id"], measures="代开发票后再修").status_code == 200
    assert plan(client, admin, hazard["id"], measures="立即更换配电箱门").status_code == 200
    seen = client.get(f"/api/v1/hazards/{hazard['id']}", headers=teacher).get_json()["plan"]
    assert seen["measures"] == "立即更换配电箱门"


def test_the_picked_persons_own_name_is_not_sent_again(demo, client, login, report, fake_wechat):
    teacher, admin = login("demo-teacher"), login("demo-school_admin")
    hazard = report(teacher)[0].get_json()
    me = client.get("/api/v1/me", headers=teacher).get_json()["user"]
    # Their name passed WeChat's check when they gave it; the plan repeats it, unchecked.
    fake_wechat.set_words({me["display_name"]: "risky"})
    picked = plan(client, admin, hazard["id"], responsible_user_id=me["id"])
    assert picked.status_code == 200, picked.get_json()
    assert picked.get_json()["plan"]["responsible_person"] == me["display_name"]
    # A name cannot be typed instead: the plan names a person picked from the staff.
    typed = plan(client, admin, hazard["id"], responsible_person=f"{me['display_name']}之外")
    assert typed.status_code == 422, typed.get_json()
