"""GET /api/v1/figures: who may see which unit's figures, the period, and the answer."""

from __future__ import annotations

from datetime import date, timedelta

import pytest

from server.clock import local_today
from tests.figures.data import build, unit

URL = "/api/v1/figures"


def _get(client, headers, **query):
    """The figures as ``headers``."""
    return client.get(URL, query_string=query, headers=headers)


@pytest.mark.parametrize(
    "persona", ["bureau_admin@above", "bureau_staff@above", "inspector@above", "supervisor@above"]
)
def test_who_sees_the_district_school_figures(client, people, persona):
    response = _get(client, people[persona], unit_id=unit("YQ101").id)
    assert response.status_code == 200, response.get_json()


def test_out_of_scope_is_not_found_and_without_the_capability_forbidden(client, people):
    fuli = unit("YQ100").id
    assert _get(client, people["supervisor@sibling"], unit_id=fuli).status_code == 404
    assert _get(client, people["school_admin@sibling"], unit_id=unit("YQ101").id).status_code == 404
    assert _get(client, people["parent"], unit_id=fuli).status_code == 404
    # The teacher sees the school but may not see its figures.
    response = _get(client, people["teacher@own"], unit_id=unit("YQ101").id)
    assert response.status_code == 403
    assert response.get_json()["error"]["code"] == "forbidden"
    # Above the supervisor's unit: out of scope.
    assert _get(client, people["supervisor@above"], unit_id=unit("YQ000").id).status_code == 404
    assert _get(client, people["bureau_admin@above"], unit_id=999_999).status_code == 404


@pytest.mark.parametrize(
    "query",
    [
        {"from": "2023-05-02", "to": "2023-05-01"},
        {"from": "2022-01-01", "to": "2023-05-01"},
        {"from": "2023-02-30"},
        {"to": "1999-12-31"},
        {"unit_id": 2**31},
        {"unit_id": "1\x00"},
        {"unit_id": "x"},
    ],
)
def test_bad_queries_are_refused(client, people, query):
    full = {"unit_id": unit("YQ000").id, **query}
    response = _get(client, people["bureau_admin@above"], **full)
    assert response.status_code == 422, response.get_json()
    assert response.get_json()["error"]["code"] == "validation_error"


def test_the_period_defaults_to_this_year_between_campaigns(client, people):
    # The demo's campaign is 2023's; today it is over, so the year so far is the default.
    body = _get(client, people["bureau_admin@above"], unit_id=unit("YQ000").id).get_json()
    today = local_today()
    assert (body["from"], body["to"]) == (date(today.year, 1, 1).isoformat(), today.isoformat())
    assert body["by_phase"] == []
    earlier = _get(client, people["bureau_admin@above"], unit_id=unit("YQ000").id, to="2023-06-30")
    # On a day of the 2023 campaign the default start is the campaign's.
    assert earlier.get_json()["from"] == "2023-03-22"
    assert len(earlier.get_json()["by_phase"]) == 2


def test_four_hundred_days_at_most(client, people):
    last = date(2023, 12, 31)
    ok = {"unit_id": unit("YQ000").id, "to": last.isoformat()}
    headers = people["bureau_admin@above"]
    assert _get(client, headers, **ok, **{"from": str(last - timedelta(400))}).status_code == 200
    assert _get(client, headers, **ok, **{"from": str(last - timedelta(401))}).status_code == 422


def test_the_answer(client, people):
    build()
    response = _get(
        client,
        people["bureau_admin@above"],
        unit_id=unit("YQ000").id,
        **{"from": "2023-03-22", "to": "2023-12-31"},
    )
    body = response.get_json()
    assert body["unit"] == {"id": unit("YQ000").id, "name": unit("YQ000").name}
    assert body["totals"]["found"] == 8 and body["totals"]["funds_planned"] == "2650.74"
    assert body["totals"]["notices"] == {
        "children_targeted": 5,
        "children_acknowledged": 3,
        "rate": 0.6,
    }
    children = {child["unit"]["id"]: child for child in body["children"]}
    assert children[unit("YQ100").id]["unit"]["kind"] == "center_school"
    assert children[unit("YQ301").id]["buses"]["failed"] == 1
    assert body["by_phase"][0]["phase"] == {
        "code": "self_inspection",
        "name": body["by_phase"][0]["phase"]["name"],
        "starts_on": "2023-03-22",
        "ends_on": "2023-03-31",
    }
    assert body["by_focus"][0]["focus_problem"]["code"] == "fire.responsibility"
    assert body["by_area"][0]["area"]["code"] == "fire"
