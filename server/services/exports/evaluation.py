"""Two supervision exports: the year-end evaluation's ranking of the unit's schools (the year
of the period's last day) and the figures of the unit and each of its direct children."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Any

from server.errors import ApiError
from server.evaluation_weights import evaluation_for
from server.models import Unit, utcnow
from server.services.evaluation import ranked_schools
from server.services.exports.columns import INTEGER, NUMBER, Column, Table
from server.services.figures import figures_of


def check_evaluation_year(start: date, end: date) -> None:
    """The year of ``end`` has an evaluation (404 ``no_evaluation`` otherwise), asked when the
    export is queued rather than failing in the worker."""
    if evaluation_for(end.year) is None:
        raise ApiError(404, "no_evaluation", f"No evaluation is set up for {end.year}.")


def evaluation_ranking(unit: Unit, start: date, end: date) -> Table:
    """The unit's schools ranked, best first: ranks, school, group, total, each criterion and
    whether every hand item is scored."""
    evaluation = evaluation_for(end.year)
    if evaluation is None:
        raise ValueError(f"no evaluation for {end.year}")
    results = ranked_schools(unit, evaluation, utcnow())
    codes = evaluation.codes
    names = [c.name for c in evaluation.criteria] + [h.name for h in evaluation.hand_items]
    points = [c.points for c in evaluation.criteria] + [h.points for h in evaluation.hand_items]
    columns = [
        Column("排名(区)", INTEGER),
        Column("排名(中心校)", INTEGER),
        Column("学校"),
        Column("中心校/集团校"),
        Column("总分", NUMBER),
        *(
            Column(f"{name}({p.normalize():f}分)", NUMBER)
            for name, p in zip(names, points, strict=True)
        ),
        Column("是否评分完成"),
    ]
    rows = (
        [
            r.rank_in_district,
            r.rank_in_group,
            r.school.name,
            r.group.name if r.group else "",
            r.total,
            *(r.scores[code] for code in codes),
            "是" if r.complete else "否",
        ]
        for r in results
    )
    return Table(columns, rows, len(results))


FIGURE_COLUMNS = [
    Column("单位"),
    Column("发现隐患", INTEGER),
    Column("立行立改", INTEGER),
    Column("已整改", INTEGER),
    Column("已验收", INTEGER),
    Column("未整改", INTEGER),
    Column("逾期", INTEGER),
    Column("整改用时中位数(天)", NUMBER),
    Column("计划资金(元)", NUMBER),
    Column("巡查按时率(%)", NUMBER),
    Column("水域巡查率(%)", NUMBER),
    Column("校车检查合格率(%)", NUMBER),
    Column("家长确认率(%)", NUMBER),
]


def _percent(rate: float | None) -> float | None:
    """A 0..1 rate as a percentage with two decimals (empty when nothing was due)."""
    return None if rate is None else round(rate * 100, 2)


def _figure_row(name: str, f: dict[str, Any]) -> list[Any]:
    """One unit's figures as a row."""
    return [
        name,
        f["found"],
        f["fixed_on_spot"],
        f["fixed"],
        f["verified"],
        f["open"],
        f["overdue"],
        f["median_days_to_fix"],
        Decimal(f["funds_planned"]),
        _percent(f["patrols"]["rate"]),
        _percent(f["water"]["rate"]),
        _percent(f["buses"]["rate"]),
        _percent(f["notices"]["rate"]),
    ]


def figures_by_unit(unit: Unit, start: date, end: date) -> Table:
    """The unit (合计) and each direct child, by name."""
    found = figures_of(unit, start, end, utcnow())
    rows = [_figure_row(f"{unit.name}(合计)", found["totals"])]
    rows += [_figure_row(child["unit"].name, child) for child in found["children"]]
    return Table(FIGURE_COLUMNS, iter(rows), len(rows))
