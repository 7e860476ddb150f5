"""Every figure of a known set of hazards, slots and acknowledgments (``data.py``), compared with
numbers counted by hand, and the children adding up to their parents."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from server.extensions import db
from server.models import User
from server.services import figures
from tests.figures.data import FIRST, LAST, NOW, build, unit

ADDITIVE = (
    "found",
    "fixed_on_spot",
    "fixed",
    "verified",
    "open",
    "overdue",
    "closed_not_hazard",
)


@pytest.fixture
def known(demo):
    """The demo district with the known set; the bureau's admin."""
    build()
    return db.session.scalars(select(User).where(User.openid == "demo-bureau_admin")).one()


def _of(result, code):
    """A child's figures by unit code."""
    wanted = unit(code).id
    return next(child for child in result["children"] if child["unit"].id == wanted)


def _hazards(figures_row):
    """The hazard counts of a row."""
    return {name: figures_row[name] for name in (*ADDITIVE, "funds_planned")}


def test_district_totals_by_hand(known):
    result = figures.figures(known, unit("YQ000").id, FIRST, LAST, NOW)
    totals = result["totals"]
    # Reported in the period, duplicates left out: hazards 1-8 of data.build.
    assert _hazards(totals) == {
        "found": 8,
        "fixed_on_spot": 1,
        "fixed": 3,
        "verified": 2,
        "open": 4,
        "overdue": 1,  # the planned one past 2023-06-01; a submitted fix is not overdue
        "closed_not_hazard": 1,
        "funds_planned": "2650.74",  # 1200.50 + 300 + 50.25 + 100 + 999.99
    }
    # Fixes took 4, 0.25 and 10 days: median 4, p90 4 + 0.8 * 6 = 8.8.
    assert totals["median_days_to_fix"] == 4.0
    assert totals["p90_days_to_fix"] == 8.8
    # Open for 61.08, 66.17, 254.17 and 291.08 days on 2024-01-10 12:00.
    assert totals["open_age_days"] == {"median": 160.17, "max": 291.08}
    assert totals["patrols"] == {"due": 5, "done": 2, "late": 1, "missed": 2, "rate": 0.4}
    assert totals["water"] == {"due": 3, "done": 1, "late": 1, "missed": 1, "rate": 0.6667}
    assert totals["buses"] == {
        "trips_due": 4,
        "cleared": 2,
        "failed": 1,
        "missed": 1,
        "rate": 0.5,
    }
    # Notice A: children 1, 2, 3 (1 and 3 acknowledged); notice B: children 1 and 4 (4).
    assert totals["notices"] == {"children_targeted": 5, "children_acknowledged": 3, "rate": 0.6}
    assert (result["date_from"], result["date_to"]) == (FIRST, LAST)


def test_children_by_hand(known):
    result = figures.figures(known, unit("YQ000").id, FIRST, LAST, NOW)
    assert {child["unit"].code for child in result["children"]} == {"YQ100", "YQ200", "YQ301"}
    fuli, langan, city = _of(result, "YQ100"), _of(result, "YQ200"), _of(result, "YQ301")
    assert _hazards(fuli) == {
        "found": 4,
        "fixed_on_spot": 1,
        "fixed": 2,
        "verified": 1,
        "open": 2,
        "overdue": 1,
        "closed_not_hazard": 0,
        "funds_planned": "1550.75",
    }
    assert (fuli["median_days_to_fix"], fuli["p90_days_to_fix"]) == (2.12, 3.62)
    assert fuli["open_age_days"] == {"median": 160.17, "max": 254.17}
    assert fuli["patrols"] == {"due": 5, "done": 2, "late": 1, "missed": 2, "rate": 0.4}
    assert fuli["notices"] == {"children_targeted": 3, "children_acknowledged": 1, "rate": 0.3333}
    assert fuli["buses"]["trips_due"] == 0 and fuli["buses"]["rate"] is None
    assert _hazards(langan) == {
        "found": 3,
        "fixed_on_spot": 0,
        "fixed": 0,
        "verified": 0,
        "open": 2,
        "overdue": 0,
        "closed_not_hazard": 1,
        "funds_planned": "100.00",
    }
    assert langan["median_days_to_fix"] is None and langan["p90_days_to_fix"] is None
    assert langan["open_age_days"] == {"median": 176.08, "max": 291.08}
    assert langan["water"]["rate"] == 0.6667 and langan["patrols"]["due"] == 0
    assert _hazards(city)["found"] == 1 and city["funds_planned"] == "999.99"
    assert (city["median_days_to_fix"], city["p90_days_to_fix"]) == (10.0, 10.0)
    assert city["open_age_days"] == {"median": None, "max": None}
    assert city["buses"]["cleared"] == 2 and city["notices"]["children_acknowledged"] == 1


def test_areas_focus_problems_and_phases_by_hand(known):
    result = figures.figures(known, unit("YQ000").id, FIRST, LAST, NOW)
    areas = {row["area"].code: row for row in result["by_area"]}
    assert [row["area"].code for row in result["by_area"]] == [
        "fire",
        "food",
        "bus",
        "drowning",
        "bullying",
        "surroundings",
    ]
    assert _hazards(areas["fire"]) == {
        "found": 4,
        "fixed_on_spot": 1,
        "fixed": 2,
        "verified": 1,
        "open": 2,
        "overdue": 1,
        "closed_not_hazard": 0,
        "funds_planned": "1600.50",
    }
    assert areas["food"]["found"] == 1 and areas["food"]["funds_planned"] == "50.25"
    assert (areas["bus"]["found"], areas["bus"]["closed_not_hazard"]) == (2, 1)
    assert areas["drowning"]["found"] == 0 and areas["drowning"]["median_days_to_fix"] is None
    focus = {row["focus_problem"].code: row for row in result["by_focus"]}
    assert len(focus) == 30
    assert focus["fire.utilities"]["found"] == 3 and focus["fire.utilities"]["area_code"] == "fire"
    assert (focus["fire.patrol"]["found"], focus["fire.patrol"]["overdue"]) == (1, 1)
    phases = {row["phase"].code: row for row in result["by_phase"]}
    assert [row["phase"].code for row in result["by_phase"]] == [
        "self_inspection",
        "full_inspection",
        "evaluation",
    ]
    assert (phases["self_inspection"]["found"], phases["self_inspection"]["open"]) == (1, 1)
    assert _hazards(phases["full_inspection"]) == {
        "found": 5,
        "fixed_on_spot": 1,
        "fixed": 3,
        "verified": 2,
        "open": 1,
        "overdue": 1,
        "closed_not_hazard": 1,
        "funds_planned": "2500.49",
    }
    assert phases["full_inspection"]["p90_days_to_fix"] == 8.8
    assert phases["evaluation"]["found"] == 2 and phases["evaluation"]["funds_planned"] == "150.25"
    assert phases["evaluation"]["open_age_days"]["median"] == pytest.approx(63.62, abs=0.01)


def _additive(row) -> dict:
    """Every figure that adds up (counts and funds), flattened."""
    flat = {name: row[name] for name in ADDITIVE}
    flat["funds_planned"] = float(row["funds_planned"])
    for part in ("patrols", "water", "buses", "notices"):
        for name, value in row[part].items():
            if name != "rate":
                flat[f"{part}.{name}"] = value
    return flat


def _sum(rows) -> dict:
    """The additive figures of several rows, summed."""
    rows = [_additive(row) for row in rows]
    return {name: round(sum(row[name] for row in rows), 2) for name in rows[0]}


@pytest.mark.parametrize("code", ["YQ000", "YQ100", "YQ200"])
def test_children_add_up_to_the_parent(known, code):
    result = figures.figures(known, unit(code).id, FIRST, LAST, NOW)
    assert result["children"]
    totals = _additive(result["totals"])
    assert totals["found"] > 0
    assert _sum(result["children"]) == {k: round(v, 2) for k, v in totals.items()}


def test_drill_down_to_a_school_is_its_row_in_the_parent(known):
    parent = figures.figures(known, unit("YQ100").id, FIRST, LAST, NOW)
    school = figures.figures(known, unit("YQ101").id, FIRST, LAST, NOW)
    assert school["children"] == []
    row = _of(parent, "YQ101")
    del row["unit"]
    assert school["totals"] == row
    assert school["totals"]["found"] == 3 and school["totals"]["overdue"] == 1


def test_the_areas_and_phases_add_up_to_the_classified_totals(known):
    result = figures.figures(known, unit("YQ000").id, FIRST, LAST, NOW)
    # One report is not yet filed under a focus problem: it counts in the totals only.
    assert sum(row["found"] for row in result["by_area"]) == result["totals"]["found"] - 1
    assert sum(row["found"] for row in result["by_focus"]) == result["totals"]["found"] - 1
    assert sum(row["found"] for row in result["by_phase"]) == result["totals"]["found"]
