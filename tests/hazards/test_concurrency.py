"""Two people acting on the same hazard at once: one wins, the other gets a clear 409, and the
hazard's state, closing time and history agree."""

from __future__ import annotations

from sqlalchemy import select

from server.extensions import db
from server.models import Hazard, HazardEvent
from tests.hazards.conftest import advance
from tests.support.concurrency import answer, together
from tests.support.plans import plan_for


def _posts(calls):
    """POSTs as the race helper takes them: (headers, path, body) -> a call answering
    (status, JSON)."""

    def post(headers, path, body):
        return lambda client: answer(client.post(path, json=body, headers=headers))

    return [post(*call) for call in calls]


def test_verify_and_reject_at_once(app, people, client, report, upload):
    school, supervisor, bureau = (
        people[k] for k in ("school_admin@own", "supervisor@above", "bureau_admin@above")
    )
    for _round in range(3):
        hid = report(people["teacher@own"])[0].get_json()["id"]
        advance(client, school, hid, upload, "fix_submitted")
        results = together(
            app,
            _posts(
                [
                    (supervisor, f"/api/v1/hazards/{hid}/verify", {"note": "合格"}),
                    (bureau, f"/api/v1/hazards/{hid}/reject", {"reason": "未整改到位"}),
                ]
            ),
        )
        statuses = sorted(status for status, _ in results)
        assert statuses == [200, 409], results
        loser = next(body for status, body in results if status == 409)
        assert loser["error"]["code"] == "invalid_transition"
        db.session.expire_all()
        row = db.session.get(Hazard, hid)
        kinds = db.session.scalars(
            select(HazardEvent.kind).where(
                HazardEvent.hazard_id == hid, HazardEvent.kind.in_(("verified", "rejected"))
            )
        ).all()
        assert len(kinds) == 1
        assert (row.status, row.closed_at is not None) in (
            ("verified", True),
            ("rectifying", False),
        )
        assert (kinds[0] == "verified") == (row.status == "verified")


def test_two_plans_and_a_start_at_once(app, people, client, report, upload):
    school, supervisor = people["school_admin@own"], people["supervisor@above"]
    hid = report(people["teacher@own"])[0].get_json()["id"]
    advance(client, school, hid, upload, "planned")
    results = together(
        app,
        _posts(
            [
                (school, f"/api/v1/hazards/{hid}/start", {}),
                (supervisor, f"/api/v1/hazards/{hid}/start", {}),
                (supervisor, f"/api/v1/hazards/{hid}/plan", plan_for(hid)),
            ]
        ),
    )
    assert all(status in (200, 409) for status, _ in results), results
    starts = [status for status, _ in results[:2]]
    assert sorted(starts) == [200, 409] or starts == [409, 409]
    db.session.expire_all()
    started = db.session.scalars(
        select(HazardEvent).where(HazardEvent.hazard_id == hid, HazardEvent.kind == "started")
    ).all()
    assert len(started) == 1 and db.session.get(Hazard, hid).status == "rectifying"
