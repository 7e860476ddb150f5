"""The evaluation of a known year (``scenario.py``) against scores counted by hand: every
criterion, the totals, the ranks (ties share one), and one school's lost lines with their
evidence links."""

from __future__ import annotations

import pytest

from server.services.evaluation import SchoolResult, competition_ranks
from tests.evaluation.scenario import YEAR, build
from tests.hazards.conftest import unit_by_code

CODES = ("rectification", "patrols", "water", "buses", "notices", "findings")
HAND = ("records", "drills", "education")
# By hand, per school: the measured criteria, then the hand items.
EXPECTED = {
    # 3 of 5 judged hazards on time (25 x 3/5); 2 of 4 patrols on time (20 x 2/4); no water
    # point, no bus: full; 1 of 2 children acknowledged (10 x 1/2); 2 findings (5 - 2).
    "YQ101": ("15.00", "10.00", "10.00", "10.00", "5.00", "3.00", "7.50", "6.00", "5.00"),
    "YQ102": ("25.00", "20.00", "10.00", "10.00", "10.00", "5.00", "0.00", "0.00", "0.00"),
    # Water: 2 of 3 visited (10 x 2/3 = 6.666..).
    "YQ201": ("25.00", "20.00", "6.67", "10.00", "10.00", "5.00", "8.00", "6.00", "6.00"),
    # Buses: 4 trips due, one failed and one missed: 2 cleared (10 x 2/4).
    "YQ202": ("25.00", "20.00", "10.00", "5.00", "10.00", "5.00", "5.00", "0.00", "0.00"),
    "YQ301": ("25.00", "20.00", "10.00", "10.00", "10.00", "5.00", "0.00", "0.00", "0.00"),
}
TOTALS = {"YQ101": "71.50", "YQ102": "80.00", "YQ201": "96.67", "YQ202": "80.00", "YQ301": "80.00"}


@pytest.fixture
def known(demo):
    """The demo district with the known year."""
    return build()


def _ranking(client, headers, code="YQ000", year=YEAR):
    """GET /evaluation for a unit by code."""
    unit_id = unit_by_code(code).id
    return client.get(f"/api/v1/evaluation?unit_id={unit_id}&year={year}", headers=headers)


def test_every_score_by_hand(known, client, people):
    response = _ranking(client, people["bureau_admin@above"])
    assert response.status_code == 200, response.get_json()
    body = response.get_json()
    assert [c["code"] for c in body["criteria"]] == [*CODES, *HAND]
    assert [c["kind"] for c in body["criteria"]] == ["measured"] * 6 + ["hand"] * 3
    assert (body["date_from"], body["date_to"]) == ("2026-01-01", "2026-12-31")
    rows = {row["school"]["id"]: row for row in body["schools"]}
    for code, expected in EXPECTED.items():
        row = rows[unit_by_code(code).id]
        assert tuple(row["scores"][c] for c in (*CODES, *HAND)) == expected, code
        assert row["score"] == TOTALS[code], code
    assert [rows[unit_by_code(c).id]["complete"] for c in ("YQ101", "YQ201", "YQ202")] == [
        True,
        True,
        False,
    ]


def test_ranks_in_the_district_and_the_group(known, client, people):
    body = _ranking(client, people["bureau_admin@above"]).get_json()
    ids = {unit_by_code(code).id: code for code in EXPECTED}
    order = [ids[row["school"]["id"]] for row in body["schools"]]
    tied = sorted(["YQ102", "YQ202", "YQ301"], key=lambda c: unit_by_code(c).name)
    # Best first; the three at 80.00 by name, sharing rank 2; the next is 5th.
    assert order == ["YQ201", *tied, "YQ101"]
    assert [row["rank_in_district"] for row in body["schools"]] == [1, 2, 2, 2, 5]
    ranks = {ids[row["school"]["id"]]: row["rank_in_group"] for row in body["schools"]}
    assert ranks == {"YQ201": 1, "YQ202": 2, "YQ102": 1, "YQ101": 2, "YQ301": None}
    groups = {ids[row["school"]["id"]]: row["group"] for row in body["schools"]}
    assert groups["YQ101"] == {"id": unit_by_code("YQ100").id, "name": "符离中心校"}
    assert groups["YQ301"] is None


def test_a_center_school_lists_its_schools_with_district_ranks(known, client, people):
    body = _ranking(client, people["supervisor@above"], "YQ100").get_json()
    assert body["unit"] == {
        "id": unit_by_code("YQ100").id,
        "name": "符离中心校",
        "kind": "center_school",
    }
    assert [(row["school"]["name"], row["rank_in_district"]) for row in body["schools"]] == [
        ("符离镇童心幼儿园", 2),
        ("符离中心小学", 5),
    ]


def test_competition_ranks():
    def results(*totals):
        """Results with these totals, best first."""
        return [SchoolResult(None, None, None, {}, {}, {}, total=t) for t in totals]

    assert competition_ranks(results(9, 8, 8, 7)) == [1, 2, 2, 4]
    assert competition_ranks(results(5, 5, 5)) == [1, 1, 1]
    assert competition_ranks([]) == []


def _criterion(body, code):
    """A criterion of the detail by code."""
    return next(c for c in body["criteria"] if c["code"] == code)


def test_a_school_detail_with_its_lost_lines(known, client, people):
    school = unit_by_code("YQ101").id
    response = client.get(
        f"/api/v1/evaluation/schools/{school}?year={YEAR}", headers=people["school_admin@own"]
    )
    assert response.status_code == 200, response.get_json()
    body = response.get_json()
    assert (body["score"], body["points"], body["complete"]) == ("71.50", "100.00", True)
    assert (body["rank_in_district"], body["district_size"]) == (5, 5)
    assert (body["rank_in_group"], body["group_size"]) == (2, 2)

    rectification = _criterion(body, "rectification")
    assert rectification["measure"] == "按期整改 3/5"
    assert (rectification["score"], rectification["lost"]) == ("15.00", "10.00")
    late, overdue = rectification["lines"]
    assert late["text"] == f"隐患#{known['late']} 超期3天完成整改(教学楼楼梯扶手松动)"
    assert late["points_lost"] == "5.00"
    assert late["evidence"] == {
        "kind": "hazard",
        "id": known["late"],
        "href": f"/console/hazards/{known['late']}",
    }
    assert "逾期" in overdue["text"] and "食堂灭火器过期" in overdue["text"]
    assert overdue["evidence"]["href"] == f"/console/hazards/{known['overdue']}"

    patrols = _criterion(body, "patrols")
    assert patrols["measure"] == "按时完成 2/4"
    assert patrols["lines"] == [
        {
            "text": "巡查点「教学楼一层」漏巡 1 次、超时 1 次",
            "points_lost": "10.00",
            "evidence": {
                "kind": "patrol",
                "id": None,
                "href": f"/console/patrols?unit_id={school}&from=2026-01-01&to=2026-12-31"
                "&missed=true",
            },
        }
    ]
    water = _criterion(body, "water")
    assert water["not_applicable"] is True and water["score"] == "10.00" and water["lines"] == []

    notices = _criterion(body, "notices")
    assert notices["lines"] == [
        {
            "text": "通知「致家长的一封信(防溺水)」1 名学生家长未确认",
            "points_lost": "5.00",
            "evidence": {
                "kind": "notice",
                "id": known["notice"],
                "href": f"/console/notices/{known['notice']}?unit_id={school}",
            },
        }
    ]
    findings = _criterion(body, "findings")
    assert findings["measure"] == "发现问题 2 项" and findings["score"] == "3.00"
    assert [line["points_lost"] for line in findings["lines"]] == ["1.00", "1.00"]
    assert {line["evidence"]["href"] for line in findings["lines"]} == {
        f"/console/visits/{known['visit']}"
    }
    assert "消防通道堵塞" in findings["lines"][0]["text"]

    records = _criterion(body, "records")
    assert records["hand"]["score"] == "7.50" and records["hand"]["note"] == "资料齐全"
    assert records["lines"][0]["points_lost"] == "0.50"
    assert records["lines"][0]["evidence"]["href"] == (
        f"/console/evaluation/schools/{school}?year={YEAR}#item-records"
    )
    assert _criterion(body, "drills")["lines"] == []


def test_an_unscored_hand_item_costs_its_points(known, client, people):
    school = unit_by_code("YQ102").id
    body = client.get(
        f"/api/v1/evaluation/schools/{school}?year={YEAR}", headers=people["bureau_admin@above"]
    ).get_json()
    drills = _criterion(body, "drills")
    assert drills["hand"] == {"score": None, "note": None, "scored_by": None, "scored_at": None}
    assert drills["measure"] == "未评分" and drills["score"] == "0.00"
    assert drills["lines"][0]["text"] == "未评分" and drills["lines"][0]["points_lost"] == "6.00"
    assert body["complete"] is False
