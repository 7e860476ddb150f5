"""The careless or slow schools: counted by hand, with their evidence, worst first, in a fixed
number of statements. The period is in March 2025, before anything the demo seeds."""

from __future__ import annotations

import uuid
from datetime import date

from sqlalchemy import select

from server.extensions import db
from server.models import Hazard, User
from server.models.patrols import SLOT_DONE, SLOT_MISSED
from server.services.laggards import EVIDENCE_IDS
from tests.patrols.support_plans import make_plan, make_slot
from tests.support.statements import counted
from tests.visits.conftest import CAMPUS, unit_by_code

PERIOD = {"from": "2025-03-01", "to": "2025-03-31"}
IN_PERIOD = date(2025, 3, 10)


def hazard(school_code: str, deadline: date, status: str = "planned") -> int:
    """A hazard with a plan's deadline, written directly; its id."""
    reporter = db.session.scalars(select(User.id).where(User.openid == "demo-teacher")).one()
    row = Hazard(
        client_uuid=str(uuid.uuid4()),
        content_digest="0" * 64,
        school_id=unit_by_code(school_code).id,
        reporter_id=reporter,
        description="灭火器过期",
        severity="general",
        status=status,
        lat=CAMPUS["lat"],
        lng=CAMPUS["lng"],
        accuracy_m=10,
        coord_system="gcj02",
        deadline=deadline,
        responsible_person="王强",
    )
    db.session.add(row)
    db.session.commit()
    return row.id


def slots(point, status: str, count: int, day: date = IN_PERIOD) -> list[int]:
    """``count`` slots of a fresh plan at ``point`` on ``day`` (consecutive days), written
    directly; their ids."""
    plan = make_plan([point])
    return [
        make_slot(plan, point, date.fromordinal(day.toordinal() + i), status).id
        for i in range(count)
    ]


def laggards(client, headers, unit_code: str, **period):
    query = {"unit_id": unit_by_code(unit_code).id, **(period or PERIOD)}
    return client.get("/api/v1/supervision/laggards", query_string=query, headers=headers)


def test_laggards_counted_by_hand_with_their_evidence(client, people, checkpoint):
    # 符离中心小学: 4 overdue in the period (planned or rectifying); not counted: a verified
    # one, one whose deadline is before the period, one fixed on the spot. 2 missed.
    own = [hazard("YQ101", IN_PERIOD), hazard("YQ101", date(2025, 3, 1))]
    own += [hazard("YQ101", date(2025, 3, 31), "rectifying"), hazard("YQ101", IN_PERIOD)]
    hazard("YQ101", IN_PERIOD, "verified")
    hazard("YQ101", date(2025, 2, 28))
    hazard("YQ101", IN_PERIOD, "fixed_on_spot")
    own_missed = slots(checkpoint(), SLOT_MISSED, 2)
    # 符离镇童心幼儿园: 3 overdue and 6 missed (not counted: done slots, a missed one in April).
    kinder = [hazard("YQ102", IN_PERIOD) for _ in range(3)]
    point = checkpoint(school_code="YQ102")
    kinder_missed = slots(point, SLOT_MISSED, 6)
    slots(point, SLOT_DONE, 3)
    slots(point, SLOT_MISSED, 1, date(2025, 4, 2))
    # A school of the other center school: not below 符离中心校.
    hazard("YQ201", IN_PERIOD)

    response = laggards(client, people["supervisor@above"], "YQ100")
    assert response.status_code == 200, response.get_json()
    answer = response.get_json()
    assert answer["thresholds"] == {"overdue": 3, "missed_patrols": 5}
    assert (answer["from"], answer["to"]) == (PERIOD["from"], PERIOD["to"])
    rows = answer["laggards"]
    # Over both thresholds first.
    assert [row["school"]["id"] for row in rows] == [
        unit_by_code("YQ102").id,
        unit_by_code("YQ101").id,
    ]
    assert rows[0]["overdue"] == {"count": 3, "hazard_ids": kinder}
    assert rows[0]["missed_patrols"] == {"count": 6, "slot_ids": kinder_missed}
    assert rows[1]["overdue"] == {"count": 4, "hazard_ids": sorted(own)}
    assert rows[1]["missed_patrols"] == {"count": 2, "slot_ids": own_missed}
    assert rows[1]["accountability"] == []


def test_below_the_thresholds_nobody_is_listed(client, people, checkpoint):
    hazard("YQ101", IN_PERIOD)
    hazard("YQ101", IN_PERIOD)
    slots(checkpoint(), SLOT_MISSED, 4)
    assert laggards(client, people["supervisor@above"], "YQ100").get_json()["laggards"] == []


def test_evidence_names_the_first_ids_and_the_exact_count(client, people):
    made = [hazard("YQ201", IN_PERIOD) for _ in range(EVIDENCE_IDS + 2)]
    rows = laggards(client, people["bureau_admin@above"], "YQ000").get_json()["laggards"]
    row = next(r for r in rows if r["school"]["id"] == unit_by_code("YQ201").id)
    assert row["overdue"] == {"count": EVIDENCE_IDS + 2, "hazard_ids": made[:EVIDENCE_IDS]}


def test_scope_and_capability(client, people):
    assert laggards(client, people["supervisor@sibling"], "YQ100").status_code == 404
    assert laggards(client, people["teacher@own"], "YQ101").status_code == 403
    assert laggards(client, people["school_admin@own"], "YQ101").status_code == 200
    reversed_period = {"from": "2025-03-31", "to": "2025-03-01"}
    assert (
        laggards(client, people["supervisor@above"], "YQ100", **reversed_period).status_code == 422
    )
    too_long = {"from": "2024-01-01", "to": "2025-03-01"}
    assert laggards(client, people["supervisor@above"], "YQ100", **too_long).status_code == 422
    huge = {"unit_id": 2**31, **PERIOD}
    response = client.get(
        "/api/v1/supervision/laggards", query_string=huge, headers=people["supervisor@above"]
    )
    assert response.status_code == 422


def test_a_fixed_number_of_statements_whatever_the_size(client, people, checkpoint):
    for _ in range(3):
        hazard("YQ101", IN_PERIOD)
    headers = people["bureau_admin@above"]
    with counted() as one:
        rows = laggards(client, headers, "YQ000").get_json()["laggards"]
    assert len(rows) == 1
    for code in ("YQ102", "YQ201", "YQ202"):
        for _ in range(3):
            hazard(code, IN_PERIOD)
    slots(checkpoint(school_code="YQ202"), SLOT_MISSED, 6)
    with counted() as four:
        rows = laggards(client, headers, "YQ000").get_json()["laggards"]
    assert len(rows) == 4
    assert rows[0]["school"]["id"] == unit_by_code("YQ202").id
    assert len(four) == len(one)
