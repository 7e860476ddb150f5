"""Scoring a school's hand items of the year-end evaluation (evaluation.score at the school):
0 .. the item's points in steps of 0.5, with an optional note. Re-scoring overwrites in one
atomic upsert (two inspectors at once: the last one counts, never an error), recording who
scored and when."""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal, InvalidOperation
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import joinedload

from server.errors import ApiError
from server.extensions import db
from server.models import EvaluationScore, User
from server.services.evaluation import (
    CENTS,
    HALF_STEP,
    Counts,
    SchoolResult,
    load_evaluation,
    load_school,
    money,
)
from server.services.evaluation_detail import Lines, hand_criterion
from server.services.upsert import upsert


def _invalid(message: str) -> ApiError:
    """A 422 naming the score."""
    return ApiError(422, "validation_error", message, {"score": [message]})


def checked_score(value: Any, points: Decimal) -> Decimal:
    """The score given, as a Decimal: a finite number 0 .. points, a multiple of 0.5."""
    if isinstance(value, bool) or not isinstance(value, int | float | str | Decimal):
        raise _invalid("The score must be a number.")
    try:
        score = Decimal(str(value).strip())
    except InvalidOperation:
        raise _invalid("The score must be a number.") from None
    if not score.is_finite():
        raise _invalid("The score must be a number.")
    if not 0 <= score <= points:
        raise _invalid(f"The score must be from 0 to {money(points)}.")
    if score % HALF_STEP != 0:
        raise _invalid("The score goes in steps of 0.5.")
    return score


def score_item(
    user: User, school_id: int, code: str, data: dict[str, Any], now: datetime
) -> dict[str, Any]:
    """Score one hand item of a school for the year (404 ``no_such_item`` for a code the year's
    file has no hand item for); returns the item as a criterion of the school's detail."""
    school = load_school(user, school_id, "evaluation.score")
    evaluation = load_evaluation(data["year"])
    item = evaluation.hand_item(code)
    if item is None:
        raise ApiError(404, "no_such_item", f"The {evaluation.year} evaluation has no item {code}.")
    score = checked_score(data["score"], item.points)
    values = {
        "school_id": school.id,
        "year": evaluation.year,
        "code": code,
        "score": score,
        "note": data.get("note") or None,
        "scored_by_id": user.id,
        "scored_at": now,
    }
    upsert(EvaluationScore, values, ("school_id", "year", "code"))
    db.session.commit()
    db.session.expire_all()
    given = {row.code: row for row in scores_of(school.id, evaluation.year)}
    kept = given[code].score.quantize(CENTS)
    result = SchoolResult(school, None, Counts(), {code: kept}, {}, given)
    return hand_criterion(Lines(evaluation, result, now), item)


def scores_of(school_id: int, year: int) -> list[EvaluationScore]:
    """The school's hand scores of a year (with who scored them), by code."""
    return list(
        db.session.scalars(
            select(EvaluationScore)
            .where(EvaluationScore.school_id == school_id, EvaluationScore.year == year)
            .options(joinedload(EvaluationScore.scored_by))
            .order_by(EvaluationScore.code)
        )
    )
