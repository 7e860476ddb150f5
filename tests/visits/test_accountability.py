"""Accountability actions: strictly below the recorder's unit, the unit's admins told, the
evidence kept, and the actions shown to the unit and in the laggards list."""

from __future__ import annotations

from sqlalchemy import select

from server.extensions import db
from server.models import AccountabilityAction, Notification, User
from tests.visits.conftest import unit_by_code

REASON = "连续三周未按要求开展防火巡查,多项隐患逾期未整改"


def user_id(openid: str) -> int:
    return db.session.scalars(select(User.id).where(User.openid == openid)).one()


def act(client, headers, unit_code, **changes):
    body = {"kind": "interview", "reason": REASON, **changes}
    url = f"/api/v1/units/{unit_by_code(unit_code).id}/accountability"
    return client.post(url, json=body, headers=headers)


def test_strictly_below_the_recorders_unit(client, people):
    supervisor = people["supervisor@above"]
    assert act(client, supervisor, "YQ100").status_code == 403
    assert act(client, supervisor, "YQ201").status_code == 404
    assert act(client, people["school_admin@own"], "YQ101").status_code == 403
    below = act(client, supervisor, "YQ101")
    assert below.status_code == 201, below.get_json()
    action = below.get_json()
    assert action["kind"] == "interview" and action["kind_name"] == "约谈"
    assert action["unit"]["id"] == unit_by_code("YQ101").id
    # The bureau holds the center school to account.
    assert act(client, people["bureau_admin@above"], "YQ100", kind="notice").status_code == 201


def test_the_units_admins_are_told(client, people):
    action = act(client, people["supervisor@above"], "YQ101").get_json()
    told = db.session.scalars(
        select(Notification).where(Notification.kind == "accountability")
    ).all()
    assert {n.user_id for n in told} == {user_id("demo-school_admin")}
    assert told[0].data == {"unit_id": unit_by_code("YQ101").id, "action_id": action["id"]}
    assert REASON in told[0].body and "约谈" in told[0].title


def test_evidence_given_or_computed(client, people):
    supervisor = people["supervisor@above"]
    given = {
        "from": "2025-03-01",
        "to": "2025-03-31",
        "overdue": {"count": 4, "hazard_ids": [1, 2, 3, 4]},
        "missed_patrols": {"count": 6, "slot_ids": [7, 8]},
    }
    kept = act(client, supervisor, "YQ101", evidence=given).get_json()
    assert kept["evidence"] == given
    computed = act(client, supervisor, "YQ102").get_json()["evidence"]
    assert set(computed) == {"from", "to", "overdue", "missed_patrols"}
    assert computed["overdue"]["count"] == len(computed["overdue"]["hazard_ids"])
    stored = db.session.get(AccountabilityAction, kept["id"])
    assert stored.evidence == given
    too_many = {**given, "overdue": {"count": 30, "hazard_ids": list(range(1, 30))}}
    assert act(client, supervisor, "YQ101", evidence=too_many).status_code == 422
    assert act(client, supervisor, "YQ101", reason="约谈\x07").status_code in (400, 422)
    assert act(client, supervisor, "YQ101", kind="fine").status_code == 422


def test_a_visit_named_must_be_the_recorders_sides(client, people, record):
    own_visit = record(people["supervisor@above"]).get_json()["id"]
    linked = act(client, people["supervisor@above"], "YQ101", visit_id=own_visit)
    assert linked.status_code == 201 and linked.get_json()["visit_id"] == own_visit
    other = record(
        people["supervisor@sibling"],
        unit_id=unit_by_code("YQ200").id,
        school_ids=[unit_by_code("YQ201").id],
    ).get_json()["id"]
    assert act(client, people["supervisor@above"], "YQ101", visit_id=other).status_code == 404
    assert act(client, people["supervisor@above"], "YQ101", visit_id=2**31).status_code == 422


def test_who_reads_a_units_actions(client, people):
    action = act(client, people["supervisor@above"], "YQ101").get_json()
    url = f"/api/v1/units/{unit_by_code('YQ101').id}/accountability"
    own = client.get(url, headers=people["school_admin@own"])
    assert own.status_code == 200
    assert [a["id"] for a in own.get_json()["actions"]] == [action["id"]]
    assert client.get(url, headers=people["supervisor@above"]).status_code == 200
    assert client.get(url, headers=people["teacher@own"]).status_code == 403
    assert client.get(url, headers=people["school_admin@sibling"]).status_code == 404
    assert client.get(url, headers=people["supervisor@sibling"]).status_code == 404


def test_the_laggards_list_shows_earlier_actions(client, people):
    from tests.visits.test_laggards import IN_PERIOD, PERIOD, hazard

    for _ in range(3):
        hazard("YQ101", IN_PERIOD)
    action = act(client, people["supervisor@above"], "YQ101", kind="notice").get_json()
    query = {"unit_id": unit_by_code("YQ100").id, **PERIOD}
    rows = client.get(
        "/api/v1/supervision/laggards", query_string=query, headers=people["supervisor@above"]
    ).get_json()["laggards"]
    assert [(a["id"], a["kind"]) for a in rows[0]["accountability"]] == [(action["id"], "notice")]
