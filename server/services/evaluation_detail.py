"""One school's year-end evaluation: its score and ranks, and each criterion with its measure
and the lines of what cost it points, each linking to its evidence on a console page."""

from __future__ import annotations

from datetime import datetime
from decimal import ROUND_HALF_UP, Decimal
from typing import Any
from urllib.parse import urlencode

from server.clock import CHINA_TZ
from server.evaluation_weights import Criterion, Evaluation, HandItem
from server.models import EvaluationScore, Unit, User
from server.services import evaluation_sql
from server.services.evaluation import (
    CENTS,
    ZERO,
    SchoolResult,
    bounds,
    district,
    load_evaluation,
    load_school,
    money,
    ref,
    today_of,
)

MAX_LINES = 50
KIND_WORDS = {None: "巡查点", "water": "水域", "bus": "校车"}
NOT_APPLICABLE = {
    "rectification_on_time": "无应整改隐患",
    "patrol_compliance": "无应巡查任务",
    "water_coverage": "无危险水域巡查任务",
    "bus_clearance": "无校车出车任务",
    "notice_acknowledgment": "无家长告知",
}


def _share(points: Decimal, part: int, whole: int) -> str:
    """points x part / whole, as a score string."""
    value = points * Decimal(part) / Decimal(whole) if whole else ZERO
    return money(value.quantize(CENTS, rounding=ROUND_HALF_UP))


def _short(text: str, size: int = 20) -> str:
    """Text cut to ``size`` characters."""
    text = " ".join(text.split())
    return text if len(text) <= size else text[: size - 1] + "…"


def _line(text: str, lost: str | None, kind: str, item_id: int | None, href: str) -> dict:
    """One line of lost points with its evidence."""
    return {
        "text": text,
        "points_lost": lost,
        "evidence": {"kind": kind, "id": item_id, "href": href},
    }


class Lines:
    """Builds the lines of one school's criteria (a few statements per school)."""

    def __init__(self, evaluation: Evaluation, result: SchoolResult, now: datetime) -> None:
        """The school's result and the period's bounds."""
        self.evaluation, self.result, self.now = evaluation, result, now
        self.school: Unit = result.school
        self.start, self.end = bounds(evaluation)
        self.period = {
            "unit_id": self.school.id,
            "from": evaluation.first.isoformat(),
            "to": evaluation.last.isoformat(),
        }
        self._slots: list[Any] | None = None

    def measured(self, criterion: Criterion) -> tuple[str, list[dict]]:
        """(measure text, lines) of a measured criterion."""
        counts = self.result.counts
        if criterion.per_item is not None:
            return f"发现问题 {counts.findings} 项", self._findings(criterion)
        part, whole = counts.ratio(criterion.measure)
        if whole == 0:
            return NOT_APPLICABLE[criterion.measure], []
        if criterion.measure == "rectification_on_time":
            return f"按期整改 {part}/{whole}", self._hazards(criterion.points, whole)
        if criterion.measure == "notice_acknowledgment":
            return f"已确认 {part}/{whole} 人次", self._notices(criterion.points, whole)
        words = {
            "patrol_compliance": "按时完成",
            "water_coverage": "已巡查",
            "bus_clearance": "检查合格",
        }[criterion.measure]
        return f"{words} {part}/{whole}", self._slot_lines(criterion, whole)

    def _hazards(self, points: Decimal, whole: int) -> list[dict]:
        """Each late or overdue hazard."""
        today = today_of(self.now)
        lines = []
        for hazard, late in evaluation_sql.lost_hazards(self.school, self.start, self.end, today):
            if late:
                closed = hazard.closed_at.astimezone(CHINA_TZ).date()
                what = f"超期{(closed - hazard.deadline).days}天完成整改"
            else:
                what = f"逾期{(today - hazard.deadline).days}天未整改"
            text = f"隐患#{hazard.id} {what}({_short(hazard.description)})"
            href = f"/console/hazards/{hazard.id}"
            lines.append(_line(text, _share(points, 1, whole), "hazard", hazard.id, href))
        return lines

    def _slot_lines(self, criterion: Criterion, whole: int) -> list[dict]:
        """One line per checkpoint (water point, bus) with what it missed."""
        kind = {"patrol_compliance": None, "water_coverage": "water", "bus_clearance": "bus"}[
            criterion.measure
        ]
        if self._slots is None:
            self._slots = evaluation_sql.lost_slots(
                self.school, self.evaluation.first, self.evaluation.last, self.now
            )
        lines = []
        for row_kind, _checkpoint_id, name, missed, late, failed in self._slots:
            if row_kind != kind:
                continue
            parts, lost = [], int(missed)
            if missed:
                parts.append(f"未检查 {missed} 次" if kind == "bus" else f"漏巡 {missed} 次")
            if late and kind is None:
                parts.append(f"超时 {late} 次")
                lost += int(late)
            if failed:
                parts.append(f"检查不合格 {failed} 次")
                lost += int(failed)
            if not lost:
                continue
            evidence = {None: "patrol", "water": "water", "bus": "bus"}[kind]
            page = {None: "patrols", "water": "water", "bus": "buses"}[kind]
            query = {**self.period, **({"missed": "true"} if kind is None else {})}
            text = f"{KIND_WORDS[kind]}「{name}」{'、'.join(parts)}"
            href = f"/console/{page}?{urlencode(query)}"
            lines.append(_line(text, _share(criterion.points, lost, whole), evidence, None, href))
        return lines

    def _notices(self, points: Decimal, whole: int) -> list[dict]:
        """One line per notice with children not acknowledged."""
        lines = []
        for notice_id, title, _targeted, pending in evaluation_sql.lost_notices(
            self.school, self.start, self.end
        ):
            text = f"通知「{_short(title)}」{pending} 名学生家长未确认"
            href = f"/console/notices/{notice_id}?unit_id={self.school.id}"
            lines.append(
                _line(text, _share(points, int(pending), whole), "notice", notice_id, href)
            )
        return lines

    def _findings(self, criterion: Criterion) -> list[dict]:
        """Each finding, losing ``per_item`` until the criterion's points are used up."""
        left = criterion.points
        lines = []
        for _finding, hazard, visit in evaluation_sql.lost_findings(
            self.school, self.evaluation.first, self.evaluation.last
        ):
            lost = min(left, criterion.per_item or ZERO)
            left -= lost
            text = (
                f"督导检查「{_short(visit.title, 16)}」({visit.visit_date.isoformat()})"
                f"发现隐患#{hazard.id}:{_short(hazard.description)}"
            )
            href = f"/console/visits/{visit.id}"
            lines.append(_line(text, money(lost), "visit", visit.id, href))
        return lines

    def hand(self, item: HandItem) -> tuple[str, list[dict]]:
        """(measure text, lines) of a hand item."""
        given = self.result.hand.get(item.code)
        href = f"/console/evaluation/schools/{self.school.id}?year={self.evaluation.year}"
        href += f"#item-{item.code}"
        if given is None:
            return "未评分", [_line("未评分", money(item.points), "hand_item", None, href)]
        lost = item.points - given.score
        measure = f"评分 {money(given.score)}/{money(item.points)}"
        if lost <= 0:
            return measure, []
        text = measure + (f":{_short(given.note, 60)}" if given.note else "")
        return measure, [_line(text, money(lost), "hand_item", given.id, href)]


def hand_view(given: EvaluationScore | None) -> dict[str, Any]:
    """The hand part of a hand criterion."""
    if given is None:
        return {"score": None, "note": None, "scored_by": None, "scored_at": None}
    by = given.scored_by
    return {
        "score": money(given.score),
        "note": given.note,
        "scored_by": {"id": by.id, "name": by.display_name or f"用户{by.id}"},
        "scored_at": given.scored_at,
    }


def _criterion(code: str, name: str, points: Decimal, kind: str, score: Decimal, **rest) -> dict:
    """A criterion object of the detail."""
    lines = rest.pop("lines")
    return {
        "code": code,
        "name": name,
        "kind": kind,
        "points": money(points),
        "score": money(score),
        "lost": money(points - score),
        "lines": lines[:MAX_LINES],
        "more": max(0, len(lines) - MAX_LINES),
        **rest,
    }


def hand_criterion(lines: Lines, item: HandItem) -> dict[str, Any]:
    """A hand item as a criterion object."""
    result = lines.result
    measure, item_lines = lines.hand(item)
    return _criterion(
        item.code,
        item.name,
        item.points,
        "hand",
        result.scores[item.code],
        lines=item_lines,
        not_applicable=False,
        measure=measure,
        hand=hand_view(result.hand.get(item.code)),
    )


def detail_view(evaluation: Evaluation, found, result: SchoolResult, now: datetime) -> dict:
    """The school's evaluation as the API answers it."""
    lines = Lines(evaluation, result, now)
    criteria = []
    for criterion in evaluation.criteria:
        measure, criterion_lines = lines.measured(criterion)
        criteria.append(
            _criterion(
                criterion.code,
                criterion.name,
                criterion.points,
                "measured",
                result.scores[criterion.code],
                lines=criterion_lines,
                not_applicable=result.not_applicable[criterion.code],
                measure=measure,
                hand=None,
            )
        )
    criteria += [hand_criterion(lines, item) for item in evaluation.hand_items]
    points = sum((c.points for c in evaluation.criteria), ZERO) + sum(
        (h.points for h in evaluation.hand_items), ZERO
    )
    return {
        "year": evaluation.year,
        "date_from": evaluation.first,
        "date_to": evaluation.last,
        "school": ref(result.school),
        "group": ref(result.group),
        "score": money(result.total),
        "points": money(points),
        "rank_in_district": result.rank_in_district,
        "rank_in_group": result.rank_in_group,
        "district_size": len(found.results),
        "group_size": found.group_sizes.get(result.group.id) if result.group else None,
        "complete": result.complete,
        "criteria": criteria,
    }


def school_detail(user: User, school_id: int, year: int, now: datetime) -> dict[str, Any]:
    """GET /evaluation/schools/<id>: the school's evaluation (figures.view at the school)."""
    school = load_school(user, school_id, "figures.view")
    evaluation = load_evaluation(year)
    found = district(evaluation, school, now)
    return detail_view(evaluation, found, found.by_school(school.id), now)
