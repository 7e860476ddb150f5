"""The year-end evaluation (issue 12): every school's score from the year's weights
(``server/evaluation_weights.py``), its rank in the district and in its center school or group,
for the district at once in a fixed number of statements.

A measured criterion scores points x its rate (0..1) over the year's period; nothing due -> full
points, marked not applicable. Visit findings lose ``per_item`` each, never below 0. A hand item
counts what the inspector gave it, 0 until scored (and the school is not ``complete`` until all
are). Scores are Decimals to 2 places; the total is the sum of the rounded criteria. Ranks are
competition ranks (1, 2, 2, 4) over the district (every school under the bureau at the top of the
unit's path) and over the school's group (its parent when that is a center school or group).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import joinedload

from server import access
from server.clock import CHINA_TZ
from server.errors import ApiError
from server.evaluation_weights import Criterion, Evaluation, evaluation_for
from server.extensions import db
from server.models import EvaluationScore, Unit, User
from server.read_replica import replica_reads
from server.roles import SCHOOL_KINDS, SUPERVISING_KINDS
from server.services import evaluation_sql, figures_sql

CENTS = Decimal("0.01")
HALF_STEP = Decimal("0.5")
ZERO = Decimal(0)


def money(value: Decimal) -> str:
    """A score as the API writes it: "87.50"."""
    return str(value.quantize(CENTS, rounding=ROUND_HALF_UP))


def load_evaluation(year: int) -> Evaluation:
    """The year's evaluation; 404 ``no_evaluation`` when the year has no file."""
    evaluation = evaluation_for(year)
    if evaluation is None:
        raise ApiError(404, "no_evaluation", f"No evaluation is set up for {year}.")
    return evaluation


def bounds(evaluation: Evaluation) -> tuple[datetime, datetime]:
    """The period as instants: [first day's midnight, the day after the last), China time."""
    start = datetime.combine(evaluation.first, time.min, tzinfo=CHINA_TZ)
    end = datetime.combine(evaluation.last + timedelta(days=1), time.min, tzinfo=CHINA_TZ)
    return start, end


@dataclass
class Counts:
    """What a school's measured criteria are computed from (part / whole per measure)."""

    on_time: int = 0
    late: int = 0
    overdue: int = 0
    slots: dict[str | None, dict[str, int]] = field(default_factory=dict)
    targeted: int = 0
    acknowledged: int = 0
    findings: int = 0

    def slot(self, kind: str | None, name: str) -> int:
        """A slot count of a plan kind (None: patrols by hand)."""
        return self.slots.get(kind, {}).get(name, 0)

    def ratio(self, measure: str) -> tuple[int, int]:
        """(part, whole) of a rate measure."""
        if measure == "rectification_on_time":
            return self.on_time, self.on_time + self.late + self.overdue
        if measure == "patrol_compliance":
            return self.slot(None, "done"), self.slot(None, "due")
        if measure == "water_coverage":
            return self.slot("water", "done") + self.slot("water", "late"), self.slot(
                "water", "due"
            )
        if measure == "bus_clearance":
            cleared = (
                self.slot("bus", "done") + self.slot("bus", "late") - self.slot("bus", "failed")
            )
            return cleared, self.slot("bus", "due")
        return self.acknowledged, self.targeted


def criterion_score(criterion: Criterion, counts: Counts) -> tuple[Decimal, bool]:
    """(score, not applicable) of a measured criterion."""
    if criterion.per_item is not None:
        lost = criterion.per_item * counts.findings
        return max(ZERO, criterion.points - lost).quantize(CENTS), False
    part, whole = counts.ratio(criterion.measure)
    if whole == 0:
        return criterion.points.quantize(CENTS), True
    score = criterion.points * Decimal(part) / Decimal(whole)
    return score.quantize(CENTS, rounding=ROUND_HALF_UP), False


@dataclass
class SchoolResult:
    """One school's evaluation: its scores per code, total and ranks."""

    school: Unit
    group: Unit | None
    counts: Counts
    scores: dict[str, Decimal]
    not_applicable: dict[str, bool]
    hand: dict[str, EvaluationScore]
    total: Decimal = ZERO
    complete: bool = False
    rank_in_district: int = 0
    rank_in_group: int | None = None


@dataclass
class District:
    """Every school of a district scored and ranked, with the group sizes."""

    evaluation: Evaluation
    root: Unit
    results: list[SchoolResult]
    group_sizes: dict[int, int]

    def by_school(self, school_id: int) -> SchoolResult | None:
        """The result of one school."""
        return next((r for r in self.results if r.school.id == school_id), None)


def root_of(unit: Unit) -> Unit:
    """The unit at the top of the unit's path (the district's bureau)."""
    top = int(unit.path.strip("/").split("/")[0])
    return unit if top == unit.id else db.session.get(Unit, top)


def _counts(evaluation: Evaluation, root: Unit, now: datetime) -> dict[int, Counts]:
    """Every school's counts under ``root``, read from the replica when there is one (the hand
    scores are not: a score just saved must show at once)."""
    with replica_reads():
        return _measured(evaluation, root, now)


def _measured(evaluation: Evaluation, root: Unit, now: datetime) -> dict[int, Counts]:
    """Every school's counts under ``root``: four grouped statements."""
    start, end = bounds(evaluation)
    today = now.astimezone(CHINA_TZ).date()
    counts: dict[int, Counts] = {}

    def of(school_id: Any) -> Counts:
        """The counts of a school (made on first use)."""
        return counts.setdefault(int(school_id), Counts())

    for school_id, on_time, late, overdue in evaluation_sql.rectification_counts(
        root, start, end, today
    ):
        found = of(school_id)
        found.on_time, found.late, found.overdue = int(on_time), int(late), int(overdue)
    for row in figures_sql.slot_counts(
        root, evaluation.first, evaluation.last, now, group_by_school=True
    ):
        kind = of(row.child).slots.setdefault(row.kind, {})
        for name in figures_sql.SLOT_COUNTS:
            kind[name] = kind.get(name, 0) + int(getattr(row, name))
    for school_id, targeted, acknowledged in figures_sql.notice_counts(
        root, start, end, group_by_school=True
    ):
        of(school_id).targeted, of(school_id).acknowledged = int(targeted), int(acknowledged)
    for school_id, findings in evaluation_sql.finding_counts(
        root, evaluation.first, evaluation.last
    ):
        of(school_id).findings = int(findings)
    return counts


def _hand_scores(evaluation: Evaluation, root: Unit) -> dict[int, dict[str, EvaluationScore]]:
    """The district's hand scores of the year by school and code (who scored them loaded)."""
    rows = db.session.scalars(
        select(EvaluationScore)
        .join(Unit, Unit.id == EvaluationScore.school_id)
        .where(EvaluationScore.year == evaluation.year, Unit.path.startswith(root.path))
        .options(joinedload(EvaluationScore.scored_by))
        .order_by(EvaluationScore.id)
    )
    codes = {item.code for item in evaluation.hand_items}
    found: dict[int, dict[str, EvaluationScore]] = {}
    for row in rows:
        if row.code in codes:  # an item since removed from the file counts no more
            found.setdefault(row.school_id, {})[row.code] = row
    return found


def competition_ranks(results: list[SchoolResult]) -> list[int]:
    """1, 2, 2, 4 ranks of results already sorted best first."""
    ranks: list[int] = []
    for index, result in enumerate(results):
        tied = index and result.total == results[index - 1].total
        ranks.append(ranks[-1] if tied else index + 1)
    return ranks


def district(evaluation: Evaluation, unit: Unit, now: datetime) -> District:
    """Every school of the district the unit belongs to, scored and ranked."""
    root = root_of(unit)
    units = list(
        db.session.scalars(
            select(Unit).where(Unit.path.startswith(root.path)).order_by(Unit.path, Unit.id)
        )
    )
    by_id = {u.id: u for u in units}
    counts = _counts(evaluation, root, now)
    hand = _hand_scores(evaluation, root)
    results = []
    for school in (u for u in units if u.kind in SCHOOL_KINDS):
        parent = by_id.get(school.parent_id)
        group = parent if parent is not None and parent.kind in SUPERVISING_KINDS else None
        result = SchoolResult(school, group, counts.get(school.id, Counts()), {}, {}, {})
        for criterion in evaluation.criteria:
            score, na = criterion_score(criterion, result.counts)
            result.scores[criterion.code], result.not_applicable[criterion.code] = score, na
        result.hand = hand.get(school.id, {})
        for item in evaluation.hand_items:
            given = result.hand.get(item.code)
            result.scores[item.code] = (
                given.score.quantize(CENTS) if given else ZERO.quantize(CENTS)
            )
        result.total = sum(result.scores.values(), ZERO)
        result.complete = all(item.code in result.hand for item in evaluation.hand_items)
        results.append(result)
    results.sort(key=lambda r: (-r.total, r.school.name, r.school.id))
    for result, rank in zip(results, competition_ranks(results), strict=True):
        result.rank_in_district = rank
    group_sizes: dict[int, int] = {}
    for group_id in {r.group.id for r in results if r.group is not None}:
        members = [r for r in results if r.group is not None and r.group.id == group_id]
        group_sizes[group_id] = len(members)
        for result, rank in zip(members, competition_ranks(members), strict=True):
            result.rank_in_group = rank
    return District(evaluation, root, results, group_sizes)


def criteria_refs(evaluation: Evaluation) -> list[dict[str, Any]]:
    """The criteria in file order, measured then hand."""
    return [
        {"code": c.code, "name": c.name, "points": money(c.points), "kind": "measured"}
        for c in evaluation.criteria
    ] + [
        {"code": h.code, "name": h.name, "points": money(h.points), "kind": "hand"}
        for h in evaluation.hand_items
    ]


def ref(unit: Unit | None) -> dict[str, Any] | None:
    """{id, name} of a unit, or None."""
    return None if unit is None else {"id": unit.id, "name": unit.name}


def ranked_schools(unit: Unit, evaluation: Evaluation, now: datetime) -> list[SchoolResult]:
    """The schools at or below the unit, best first, with their district-wide ranks."""
    return [r for r in district(evaluation, unit, now).results if unit.contains(r.school)]


def ranking(user: User, unit_id: int, year: int, now: datetime) -> dict[str, Any]:
    """GET /evaluation: the schools at or below the unit ranked (figures.view there)."""
    unit = access.load_unit(user, unit_id, "figures.view")
    evaluation = load_evaluation(year)
    return ranking_view(unit, evaluation, ranked_schools(unit, evaluation, now))


def ranking_view(unit: Unit, evaluation: Evaluation, results: list[SchoolResult]) -> dict:
    """The ranking as the API answers it."""
    return {
        "year": evaluation.year,
        "date_from": evaluation.first,
        "date_to": evaluation.last,
        "unit": {"id": unit.id, "name": unit.name, "kind": unit.kind},
        "criteria": criteria_refs(evaluation),
        "schools": [
            {
                "school": ref(r.school),
                "group": ref(r.group),
                "score": money(r.total),
                "rank_in_district": r.rank_in_district,
                "rank_in_group": r.rank_in_group,
                "complete": r.complete,
                "scores": {code: money(score) for code, score in r.scores.items()},
            }
            for r in results
        ],
    }


def load_school(user: User, school_id: int, capability: str) -> Unit:
    """A school or kindergarten the user may use ``capability`` at (404 for another kind)."""
    school = access.load_unit(user, school_id, capability)
    if school.kind not in SCHOOL_KINDS:
        raise access.not_found("school")
    return school


def year_of(now: datetime) -> int:
    """The current year in China."""
    return now.astimezone(CHINA_TZ).year


def today_of(now: datetime) -> date:
    """Today in China."""
    return now.astimezone(CHINA_TZ).date()
