"""The year's weights file: the shipped years load, and a file that breaks a rule is refused
with what is wrong (never half-used)."""

from __future__ import annotations

import copy
import json
from decimal import Decimal

import pytest

from server.evaluation_weights import (
    EVALUATION_DIR,
    WeightsError,
    evaluation_for,
    parse_evaluation,
    read_evaluation,
)

GOOD = json.loads((EVALUATION_DIR / "2026.json").read_text(encoding="utf-8"))


@pytest.mark.parametrize("year", [2026, 2027])
def test_the_shipped_years_load_with_the_same_weights(year):
    evaluation = read_evaluation(EVALUATION_DIR / f"{year}.json")
    assert evaluation.year == year
    assert (evaluation.first.isoformat(), evaluation.last.isoformat()) == (
        f"{year}-01-01",
        f"{year}-12-31",
    )
    assert evaluation.codes == [
        "rectification",
        "patrols",
        "water",
        "buses",
        "notices",
        "findings",
        "records",
        "drills",
        "education",
    ]
    points = [c.points for c in evaluation.criteria] + [h.points for h in evaluation.hand_items]
    assert points == [25, 20, 10, 10, 10, 5, 8, 6, 6] and sum(points) == Decimal(100)
    assert evaluation.criteria[5].per_item == 1


def test_a_year_without_a_file_has_no_evaluation():
    assert evaluation_for(1999) is None


def _broken(change) -> dict:
    raw = copy.deepcopy(GOOD)
    change(raw)
    return raw


CASES = {
    "repeats": lambda r: r["hand_items"][0].update(code="patrols"),
    "points must be more than 0": lambda r: r["criteria"][0].update(points=0),
    "add up to 99": lambda r: r["criteria"][0].update(points=24),
    "add up to 101": lambda r: r["hand_items"][0].update(points=9),
    "measure must be one of": lambda r: r["criteria"][0].update(measure="guesswork"),
    "used twice": lambda r: r["criteria"][1].update(measure="rectification_on_time"),
    "per_item must be": lambda r: r["criteria"][5].pop("per_item"),
    "per_item applies": lambda r: r["criteria"][0].update(per_item=1),
    "unknown keys": lambda r: r.update(extra=1),
    "must be a number": lambda r: r["criteria"][0].update(points="lots"),
    "steps of 0.5": lambda r: r["criteria"][0].update(points=24.3),
    "to must be a date": lambda r: r.update(to="2027-01-01"),
    "code must be": lambda r: r["criteria"][0].update(code="Bad Code"),
}


@pytest.mark.parametrize("message", sorted(CASES))
def test_a_broken_file_is_refused(message):
    with pytest.raises(WeightsError) as caught:
        parse_evaluation(_broken(CASES[message]), 2026)
    assert message in str(caught.value)


def test_the_year_must_match_the_name(tmp_path):
    path = tmp_path / "2028.json"
    path.write_text(json.dumps(GOOD), encoding="utf-8")
    with pytest.raises(WeightsError) as caught:
        read_evaluation(path)
    assert "2028.json: year 2026 does not match" in str(caught.value)
    (tmp_path / "2029.json").write_text("{not json", encoding="utf-8")
    with pytest.raises(WeightsError) as caught:
        evaluation_for(2029, tmp_path)
    assert "2029.json: cannot read JSON" in str(caught.value)
