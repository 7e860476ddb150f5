"""Adding up the grouped rows of ``figures_sql`` into the figures of the answer.

The counts (and funds) are additive: the database groups them by (child unit, focus problem,
phase) and these helpers sum them into the totals, each child, area, focus problem and phase,
so a parent's figures are by construction the sum of its groups. Percentiles are not additive:
they come per grouping, from PostgreSQL's ``percentile_cont`` or, on SQLite, from the fetched
durations ranked here with the same linear interpolation.
"""

from __future__ import annotations

from collections import defaultdict
from decimal import Decimal
from math import floor
from typing import Any

from server.services.figures_sql import HAZARD_COUNTS

CENTS = Decimal("0.01")


def percentile(values: list[float], fraction: float) -> float | None:
    """The ``fraction`` percentile of ``values`` by linear interpolation between the closest
    ranks (PostgreSQL's ``percentile_cont``); None for no values."""
    if not values:
        return None
    ordered = sorted(values)
    position = fraction * (len(ordered) - 1)
    low = floor(position)
    high = min(low + 1, len(ordered) - 1)
    return ordered[low] + (ordered[high] - ordered[low]) * (position - low)


def durations_in_python(rows: list[Any]) -> list[tuple[str, Any, tuple]]:
    """The same (grouping, key, (fix median, fix p90, open median, open max)) as PostgreSQL's
    GROUPING SETS statement, from (child, area, focus, phase, fix_days, open_days) rows."""
    groups: dict[tuple[str, Any], tuple[list, list]] = defaultdict(lambda: ([], []))
    for child, area, focus, phase, fix_days, open_days in rows:
        for name, key in (
            ("total", None),
            ("child", child),
            ("area", area),
            ("focus", focus),
            ("phase", phase),
        ):
            fixes, ages = groups[(name, key)]
            if fix_days is not None:
                fixes.append(float(fix_days))
            if open_days is not None:
                ages.append(float(open_days))
    return [
        (
            name,
            key,
            (
                percentile(fixes, 0.5),
                percentile(fixes, 0.9),
                percentile(ages, 0.5),
                max(ages) if ages else None,
            ),
        )
        for (name, key), (fixes, ages) in groups.items()
    ]


def _days(value: Any) -> float | None:
    """A duration in days, two decimals (None stays None)."""
    return None if value is None else round(float(value), 2)


def _rate(part: int, whole: int) -> float | None:
    """part / whole, four decimals; None when the whole is nothing."""
    return round(part / whole, 4) if whole else None


class HazardSums:
    """Additive hazard counts and funds of one group."""

    def __init__(self) -> None:
        """Zero everywhere."""
        self.counts = dict.fromkeys(HAZARD_COUNTS, 0)
        self.funds = Decimal(0)

    def add(self, row: Any) -> None:
        """Add one grouped row of ``hazard_counts``."""
        for name in HAZARD_COUNTS:
            self.counts[name] += int(getattr(row, name))
        if row.funds is not None:
            self.funds += Decimal(str(row.funds))

    def figures(self, durations: tuple | None) -> dict[str, Any]:
        """The HazardFigures of the group, with its durations (None: no fixed or open one)."""
        fix_median, fix_p90, open_median, open_max = durations or (None, None, None, None)
        c = self.counts
        return {
            "found": c["found"],
            "fixed_on_spot": c["fixed_on_spot"],
            "fixed": c["verified"] + c["fixed_on_spot"],
            "verified": c["verified"],
            "open": c["open"],
            "overdue": c["overdue"],
            "closed_not_hazard": c["closed_not_hazard"],
            "median_days_to_fix": _days(fix_median),
            "p90_days_to_fix": _days(fix_p90),
            "open_age_days": {"median": _days(open_median), "max": _days(open_max)},
            "funds_planned": str(self.funds.quantize(CENTS)),
        }


class SlotSums:
    """Slot counts of one group, by plan kind (None: patrols by hand, "water", "bus")."""

    def __init__(self) -> None:
        """Zero everywhere."""
        self.kinds: dict[str | None, dict[str, int]] = {}

    def add(self, row: Any) -> None:
        """Add one grouped row of ``slot_counts``."""
        kind = self.kinds.setdefault(row.kind, defaultdict(int))
        for name in ("due", "done", "late", "missed", "failed"):
            kind[name] += int(getattr(row, name))

    def figures(self) -> dict[str, Any]:
        """Patrols (rate: on time / due, as patrol compliance), water (rate: visited, in time
        or late, / due, as water coverage), buses (rate: cleared / trips due)."""
        empty: dict[str, int] = defaultdict(int)
        patrol, water, bus = (self.kinds.get(k, empty) for k in (None, "water", "bus"))
        cleared = bus["done"] + bus["late"] - bus["failed"]
        return {
            "patrols": {
                **{name: patrol[name] for name in ("due", "done", "late", "missed")},
                "rate": _rate(patrol["done"], patrol["due"]),
            },
            "water": {
                **{name: water[name] for name in ("due", "done", "late", "missed")},
                "rate": _rate(water["done"] + water["late"], water["due"]),
            },
            "buses": {
                "trips_due": bus["due"],
                "cleared": cleared,
                "failed": bus["failed"],
                "missed": bus["missed"],
                "rate": _rate(cleared, bus["due"]),
            },
        }


class NoticeSums:
    """Children targeted and acknowledged (a child once per notice) of one group."""

    def __init__(self) -> None:
        """Zero everywhere."""
        self.targeted = 0
        self.acknowledged = 0

    def add(self, targeted: int, acknowledged: int) -> None:
        """Add one grouped row of ``notice_counts``."""
        self.targeted += int(targeted)
        self.acknowledged += int(acknowledged)

    def figures(self) -> dict[str, Any]:
        """The notices part of Figures."""
        return {
            "children_targeted": self.targeted,
            "children_acknowledged": self.acknowledged,
            "rate": _rate(self.acknowledged, self.targeted),
        }
