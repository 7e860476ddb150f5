"""Exports (ledgers in Excel, CSV and GeoJSON for GIS tools): the kinds offered, each a small
module that yields rows and column specs; ``jobs`` runs them in the worker and ``files`` keeps
their stored files."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date

from server.models import Unit
from server.services.exports.bus_inspections import bus_inspections
from server.services.exports.columns import Table
from server.services.exports.evaluation import (
    check_evaluation_year,
    evaluation_ranking,
    figures_by_unit,
)
from server.services.exports.hazards import hazard_ledger, hazards_geo
from server.services.exports.patrols import patrol_records
from server.services.exports.water import water_points_geo
from server.services.exports.water_visits import water_visits


@dataclass(frozen=True)
class Kind:
    """One kind of export: its Chinese title, the formats offered, whether it names people
    (the log says so), and the function that builds its table for a unit and period."""

    title: str
    formats: tuple[str, ...]
    personal: bool
    build: Callable[[Unit, date, date], Table]
    # Refuses a period the kind cannot be built for, when the export is asked for.
    check: Callable[[date, date], None] | None = None


KINDS: dict[str, Kind] = {
    "hazard_ledger": Kind("隐患台账", ("xlsx", "csv"), True, hazard_ledger),
    "patrol_records": Kind("巡查记录", ("xlsx",), True, patrol_records),
    "water_visits": Kind("防溺水巡查记录", ("xlsx",), True, water_visits),
    "bus_inspections": Kind("校车检查记录", ("xlsx",), True, bus_inspections),
    "hazards_geo": Kind("隐患分布", ("geojson", "csv"), False, hazards_geo),
    # Caretakers' names and phone numbers are people's data.
    "water_points_geo": Kind("危险水域", ("geojson", "csv"), True, water_points_geo),
    "evaluation_ranking": Kind(
        "年终考评排名", ("xlsx",), False, evaluation_ranking, check_evaluation_year
    ),
    "figures_by_unit": Kind("分单位统计", ("xlsx",), False, figures_by_unit),
}
CONTENT_TYPES = {
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "csv": "text/csv; charset=utf-8",
    "geojson": "application/geo+json",
}
