"""The year-end evaluation's weights (pure, no Flask): one file per year,
``server/data/evaluation/<year>.json``::

    {"year": 2026, "from": "2026-01-01", "to": "2026-12-31",
     "criteria": [{"code": "rectification", "name": "隐患按期整改", "points": 25,
                   "measure": "rectification_on_time"}, ...],
     "hand_items": [{"code": "records", "name": "安全制度与台账资料", "points": 8}, ...]}

Measured criteria are computed from the records of the period; hand items are scored by an
inspector (0 .. points, in steps of 0.5). The points of both add up to 100. A bureau changes
the weights by editing the year's file (next year's is a new file); a file that breaks a rule is
refused with the file's name and what is wrong, never half-used.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date
from decimal import Decimal, InvalidOperation
from functools import lru_cache
from pathlib import Path
from typing import Any

from server.year_files import read_year_file

EVALUATION_DIR = Path(__file__).resolve().parent / "data" / "evaluation"
TOTAL = Decimal(100)
HALF = Decimal("0.5")
CODE_PATTERN = re.compile(r"^[a-z][a-z0-9_]{0,19}$")
# What a measured criterion may measure (server/services/evaluation_measures.py computes them).
MEASURES = (
    "rectification_on_time",
    "patrol_compliance",
    "water_coverage",
    "bus_clearance",
    "notice_acknowledgment",
    "visit_findings",
)
# Measures that lose a fixed number of points per item found ("per_item" required).
PER_ITEM_MEASURES = ("visit_findings",)
MAX_ITEMS = 20


class WeightsError(ValueError):
    """An evaluation file that cannot be used, with what is wrong in it."""


@dataclass(frozen=True)
class Criterion:
    """A measured criterion: points x the rate of its measure."""

    code: str
    name: str
    points: Decimal
    measure: str
    per_item: Decimal | None = None


@dataclass(frozen=True)
class HandItem:
    """An item an inspector scores by hand, 0 .. points in steps of 0.5."""

    code: str
    name: str
    points: Decimal


@dataclass(frozen=True)
class Evaluation:
    """One year's evaluation: the period measured, the criteria and the hand items."""

    year: int
    first: date
    last: date
    criteria: tuple[Criterion, ...]
    hand_items: tuple[HandItem, ...]

    def hand_item(self, code: str) -> HandItem | None:
        """The hand item with this code, if any."""
        return next((item for item in self.hand_items if item.code == code), None)

    @property
    def codes(self) -> list[str]:
        """Every code in file order, measured first."""
        return [c.code for c in self.criteria] + [h.code for h in self.hand_items]


def _points(value: Any, where: str, name: str = "points") -> Decimal:
    """A positive number of points, a multiple of 0.5, at most 100."""
    if isinstance(value, bool) or not isinstance(value, int | float | str):
        raise WeightsError(f"{where}: {name} must be a number")
    try:
        points = Decimal(str(value))
    except InvalidOperation:
        raise WeightsError(f"{where}: {name} must be a number") from None
    if not points.is_finite() or not 0 < points <= TOTAL or points % HALF != 0:
        raise WeightsError(f"{where}: {name} must be more than 0, at most 100, in steps of 0.5")
    return points


def _text(raw: dict, key: str, where: str) -> str:
    """A non-empty name of at most 30 characters."""
    value = raw.get(key)
    if not isinstance(value, str) or not value.strip() or len(value.strip()) > 30:
        raise WeightsError(f"{where}: {key} must be text of 1 to 30 characters")
    return value.strip()


def _code(raw: dict, where: str, seen: set[str]) -> str:
    """A unique lower-case code."""
    code = raw.get("code")
    if not isinstance(code, str) or not CODE_PATTERN.match(code):
        raise WeightsError(f"{where}: code must be lower-case letters, digits or _")
    if code in seen:
        raise WeightsError(f"{where}: code {code!r} repeats")
    seen.add(code)
    return code


def _object(raw: Any, where: str, allowed: set[str]) -> dict:
    """A JSON object with only the allowed keys."""
    if not isinstance(raw, dict):
        raise WeightsError(f"{where}: must be an object")
    unknown = sorted(set(raw) - allowed)
    if unknown:
        raise WeightsError(f"{where}: unknown keys {', '.join(unknown)}")
    return raw


def _criterion(raw: Any, index: int, seen: set[str], measures: set[str]) -> Criterion:
    """One measured criterion, checked."""
    where = f"criteria[{index}]"
    raw = _object(raw, where, {"code", "name", "points", "measure", "per_item"})
    code = _code(raw, where, seen)
    measure = raw.get("measure")
    if measure not in MEASURES:
        raise WeightsError(f"{where}: measure must be one of {', '.join(MEASURES)}")
    if measure in measures:
        raise WeightsError(f"{where}: measure {measure} is used twice")
    measures.add(measure)
    per_item = None
    if measure in PER_ITEM_MEASURES:
        per_item = _points(raw.get("per_item"), where, "per_item")
    elif "per_item" in raw:
        raise WeightsError(f"{where}: per_item applies to {', '.join(PER_ITEM_MEASURES)} only")
    return Criterion(
        code, _text(raw, "name", where), _points(raw.get("points"), where), measure, per_item
    )


def _hand_item(raw: Any, index: int, seen: set[str]) -> HandItem:
    """One hand item, checked."""
    where = f"hand_items[{index}]"
    raw = _object(raw, where, {"code", "name", "points"})
    code = _code(raw, where, seen)
    return HandItem(code, _text(raw, "name", where), _points(raw.get("points"), where))


def _day(value: Any, key: str, year: int) -> date:
    """A date of the file's year, YYYY-MM-DD."""
    try:
        day = date.fromisoformat(value) if isinstance(value, str) and len(value) == 10 else None
    except ValueError:
        day = None
    if day is None or day.year != year:
        raise WeightsError(f"{key} must be a date (YYYY-MM-DD) in {year}")
    return day


def _list(raw: dict, key: str) -> list:
    """A list of 1 .. MAX_ITEMS entries."""
    value = raw.get(key)
    if not isinstance(value, list) or not 1 <= len(value) <= MAX_ITEMS:
        raise WeightsError(f"{key} must be a list of 1 to {MAX_ITEMS} entries")
    return value


def parse_evaluation(raw: Any, year: int | None = None) -> Evaluation:
    """An evaluation from a file's JSON, every rule checked (``WeightsError`` naming the
    problem); ``year``, when given, must be the file's."""
    raw = _object(raw, "the file", {"year", "from", "to", "criteria", "hand_items"})
    file_year = raw.get("year")
    if (
        isinstance(file_year, bool)
        or not isinstance(file_year, int)
        or not 2000 <= file_year <= 2100
    ):
        raise WeightsError("year must be a year from 2000 to 2100")
    if year is not None and file_year != year:
        raise WeightsError(f"year {file_year} does not match the file's name ({year})")
    first, last = _day(raw.get("from"), "from", file_year), _day(raw.get("to"), "to", file_year)
    if last < first:
        raise WeightsError("to is before from")
    seen: set[str] = set()
    measures: set[str] = set()
    criteria = tuple(_criterion(c, i, seen, measures) for i, c in enumerate(_list(raw, "criteria")))
    hand_items = tuple(_hand_item(h, i, seen) for i, h in enumerate(_list(raw, "hand_items")))
    total = sum((c.points for c in criteria), Decimal(0)) + sum(
        (h.points for h in hand_items), Decimal(0)
    )
    if total != TOTAL:
        raise WeightsError(f"the points add up to {total}, not 100")
    for criterion in criteria:
        if criterion.per_item is not None and criterion.per_item > criterion.points:
            raise WeightsError(f"{criterion.code}: per_item is more than its points")
    return Evaluation(file_year, first, last, criteria, hand_items)


def read_evaluation(path: Path) -> Evaluation:
    """The evaluation in a file named ``<year>.json``; ``WeightsError`` with the file's name."""
    return read_year_file(path, parse_evaluation, WeightsError)


@lru_cache(maxsize=16)
def evaluation_for(year: int, directory: Path = EVALUATION_DIR) -> Evaluation | None:
    """The year's evaluation from its file; None when the year has none."""
    path = directory / f"{year}.json"
    if not path.exists():
        return None
    return read_evaluation(path)
