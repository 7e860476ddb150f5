"""The lifecycle's rule as SQL (``takeable_where``, used by the to-do list) agrees with the rule
the phone's buttons come from (``allowed_actions``), for every step, person and hazard state."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from server.extensions import db
from server.models import Hazard
from server.services.hazard_lifecycle import STEPS, allowed_actions, takeable_where
from server.services.tokens import resolve_token
from tests.hazards.conftest import advance
from tests.support.plans import PLAN

PERSONAS = (
    "school_admin@own",
    "teacher@own",
    "supervisor@above",
    "bureau_admin@above",
    "bureau_staff@above",
    "school_admin@sibling",
    "parent",
)


def _user(headers):
    """The signed-in user behind the headers."""
    return resolve_token(headers["Authorization"].removeprefix("Bearer ")).user


@pytest.fixture
def hazards(people, client, report, upload):
    """Hazards in every state, general and major, classified or not, one named to the
    teacher, fixes by the school admin and by the supervisor, one folded as a duplicate."""
    teacher, school, supervisor = (
        people["teacher@own"],
        people["school_admin@own"],
        people["supervisor@above"],
    )
    for severity in ("general", "major"):
        for state, driver in (
            ("reported", school),
            ("planned", school),
            ("rectifying", school),
            ("fix_submitted", school),
            ("fix_submitted", supervisor),
        ):
            hazard_id = report(teacher, severity=severity)[0].get_json()["id"]
            advance(client, driver, hazard_id, upload, state)
    report(teacher, focus_problem=None)
    named = report(teacher)[0].get_json()["id"]
    teacher_id = _user(teacher).id
    plan = {**PLAN, "responsible_user_id": teacher_id}
    assert (
        client.post(f"/api/v1/hazards/{named}/plan", json=plan, headers=school).status_code == 200
    )
    first = report(teacher)[0].get_json()["id"]
    folded = report(teacher)[0].get_json()["id"]
    marked = client.post(
        f"/api/v1/hazards/{folded}/duplicate", json={"original_id": first}, headers=school
    )
    assert marked.status_code == 200


def test_the_sql_rule_matches_allowed_actions(hazards, people):
    # One world for every persona: building it is the slow part.
    everything = list(db.session.scalars(select(Hazard)))
    offered = set()
    for persona in PERSONAS:
        user = _user(people[persona])
        for action in STEPS:
            query = select(Hazard.id).where(takeable_where(user, action))
            by_sql = set(db.session.scalars(query))
            by_buttons = {h.id for h in everything if action in allowed_actions(user, h)}
            assert by_sql == by_buttons, (persona, action)
            if by_sql:
                offered.add((persona, action))
    # The world gives every step to someone, and some steps to several people.
    assert {action for _persona, action in offered} == set(STEPS)
    assert ("teacher@own", "start") in offered  # the plan names the teacher
    assert ("school_admin@own", "verify") in offered and ("parent", "plan") not in offered
