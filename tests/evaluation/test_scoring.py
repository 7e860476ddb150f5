"""Scoring hand items: who may (scope 404, capability 403), what is refused (4xx, never 5xx),
re-scoring overwrites and records who and when, and two inspectors at once leave one row."""

from __future__ import annotations

import pytest
from sqlalchemy import func, select

from server.extensions import db
from server.models import EvaluationScore, User
from tests.evaluation.scenario import YEAR
from tests.hazards.conftest import unit_by_code
from tests.support.concurrency import answer, together


def _put(client, headers, code="drills", school="YQ101", **body):
    """PUT a hand item's score."""
    school_id = unit_by_code(school).id
    payload = {"year": YEAR, "score": "5.5", **body}
    return client.put(
        f"/api/v1/evaluation/schools/{school_id}/items/{code}", json=payload, headers=headers
    )


def test_an_inspector_scores_and_rescores(demo, client, people):
    first = _put(client, people["inspector@above"], score=5, note="演练记录完整")
    assert first.status_code == 200, first.get_json()
    body = first.get_json()
    assert (body["code"], body["kind"], body["score"], body["lost"]) == (
        "drills",
        "hand",
        "5.00",
        "1.00",
    )
    inspector = db.session.scalars(select(User).where(User.openid == "demo-inspector")).one()
    assert body["hand"]["scored_by"] == {"id": inspector.id, "name": inspector.display_name}
    assert body["hand"]["note"] == "演练记录完整"
    again = _put(client, people["bureau_admin@above"], score="6", note=None)
    assert again.status_code == 200, again.get_json()
    row = db.session.scalars(select(EvaluationScore)).one()
    assert (row.score, row.note, row.year, row.code) == (6, None, YEAR, "drills")
    admin = again.get_json()["hand"]["scored_by"]
    assert row.scored_by_id == admin["id"] and admin["name"] == "王主任(区安全办)"
    assert again.get_json()["hand"]["scored_at"] is not None


def test_scope_and_capability(demo, client, people):
    school = unit_by_code("YQ101").id
    # Another center school's supervisor: out of scope.
    assert _put(client, people["supervisor@sibling"]).status_code == 404
    r = client.get(
        f"/api/v1/evaluation/schools/{school}?year={YEAR}", headers=people["supervisor@sibling"]
    )
    assert r.status_code == 404
    r = client.get(
        f"/api/v1/evaluation?unit_id={unit_by_code('YQ100').id}&year={YEAR}",
        headers=people["supervisor@sibling"],
    )
    assert r.status_code == 404
    # In scope without evaluation.score: the school's admin and its center school's supervisor.
    assert _put(client, people["school_admin@own"]).status_code == 403
    assert _put(client, people["supervisor@above"]).status_code == 403
    # A teacher has no figures.view.
    r = client.get(
        f"/api/v1/evaluation/schools/{school}?year={YEAR}", headers=people["teacher@own"]
    )
    assert r.status_code == 403
    # A center school is no school to evaluate.
    center = unit_by_code("YQ100").id
    r = client.get(
        f"/api/v1/evaluation/schools/{center}?year={YEAR}", headers=people["bureau_admin@above"]
    )
    assert r.status_code == 404
    assert db.session.scalar(select(func.count()).select_from(EvaluationScore)) == 0


@pytest.mark.parametrize(
    "score",
    ["9.3", 9.3, -1, "-1", "6.5", 7, "abc", "NaN", "Infinity", True, None, [], {"a": 1}, "1e400"],
)
def test_bad_scores_are_refused(demo, client, people, score):
    response = _put(client, people["inspector@above"], score=score)
    assert response.status_code == 422, (score, response.get_json())
    assert response.get_json()["error"]["code"] == "validation_error"


def test_a_nan_number_is_refused(demo, client, people):
    school = unit_by_code("YQ101").id
    response = client.put(
        f"/api/v1/evaluation/schools/{school}/items/drills",
        data='{"year": 2026, "score": NaN}',
        content_type="application/json",
        headers=people["inspector@above"],
    )
    assert response.status_code in (400, 422)
    assert db.session.scalar(select(func.count()).select_from(EvaluationScore)) == 0


def test_bad_input(demo, client, people):
    inspector = people["inspector@above"]
    bureau = unit_by_code("YQ000").id
    r = client.get(f"/api/v1/evaluation?unit_id={bureau}&year=1800", headers=inspector)
    assert r.status_code == 422
    r = client.get(f"/api/v1/evaluation?unit_id={bureau}&year=2030", headers=inspector)
    assert (r.status_code, r.get_json()["error"]["code"]) == (404, "no_evaluation")
    for code in ("unknown", "rectification"):
        r = _put(client, inspector, code=code)
        assert (r.status_code, r.get_json()["error"]["code"]) == (404, "no_such_item"), code
    assert _put(client, inspector, year=1800).status_code == 422
    assert _put(client, inspector, year=2030).get_json()["error"]["code"] == "no_evaluation"
    assert _put(client, inspector, note="第一行\x01").status_code == 422
    assert _put(client, inspector, note="长" * 501).status_code == 422
    assert db.session.scalar(select(func.count()).select_from(EvaluationScore)) == 0
    assert _put(client, inspector, note="长" * 500, score=0).status_code == 200


def test_two_inspectors_at_once_leave_one_score(demo, client, people):
    school = unit_by_code("YQ101").id
    url = f"/api/v1/evaluation/schools/{school}/items/records"

    def put(headers, score):
        """A request scoring the item, for ``together``."""

        def call(c):
            """The PUT, answered inside its thread."""
            return answer(c.put(url, json={"year": YEAR, "score": score}, headers=headers))

        return call

    results = together(
        demo, [put(people["inspector@above"], "7"), put(people["bureau_admin@above"], "7.5")]
    )
    assert [status for status, _ in results] == [200, 200], results
    rows = db.session.scalars(select(EvaluationScore)).all()
    assert len(rows) == 1
    assert str(rows[0].score) in ("7.00", "7.50")
