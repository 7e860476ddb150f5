"""The year-end evaluation: the ranking of a unit's schools, one school's scores with what cost
it points, and an inspector's score of a hand item (``server/services/evaluation*.py``)."""

from __future__ import annotations

from flask_smorest import Blueprint

from server.api import evaluation_schemas as schemas
from server.auth import current_user, login_required
from server.models import utcnow
from server.services import evaluation, evaluation_detail, evaluation_hand

blp = Blueprint(
    "evaluation", __name__, url_prefix="/api/v1/evaluation", description="Year-end evaluation"
)


@blp.route("", methods=["GET"])
@login_required
@blp.arguments(schemas.EvaluationRankingQuery, location="query")
@blp.response(200, schemas.EvaluationRanking)
@blp.alt_response(404, description="Out of scope, or no_evaluation: the year has no weights")
def ranking(query):
    """Every school at or below the unit, best score first, with its ranks in the district and
    in its center school or group (figures.view at the unit)."""
    now = utcnow()
    year = query["year"] or evaluation.year_of(now)
    return evaluation.ranking(current_user(), query["unit_id"], year, now)


@blp.route("/schools/<int:school_id>", methods=["GET"])
@login_required
@blp.arguments(schemas.EvaluationYearQuery, location="query")
@blp.response(200, schemas.SchoolEvaluation)
@blp.alt_response(404, description="Out of scope, not a school, or no_evaluation")
def school(query, school_id: int):
    """One school's score, ranks and criteria, each with its measure and the lines of what
    cost it points, linking to the evidence (figures.view at the school)."""
    now = utcnow()
    year = query["year"] or evaluation.year_of(now)
    return evaluation_detail.school_detail(current_user(), school_id, year, now)


@blp.route("/schools/<int:school_id>/items/<code>", methods=["PUT"])
@login_required
@blp.arguments(schemas.EvaluationScoreBody)
@blp.response(200, schemas.EvaluationCriterionDetail)
@blp.alt_response(403, description="No evaluation.score at the school")
@blp.alt_response(404, description="Out of scope, no_evaluation, or no_such_item")
@blp.alt_response(422, description="The score is not 0 .. points in steps of 0.5")
def score_item(body, school_id: int, code: str):
    """Score a hand item (evaluation.score at the school); scoring again overwrites it, and who
    scored it and when are recorded."""
    now = utcnow()
    body["year"] = body["year"] or evaluation.year_of(now)
    return evaluation_hand.score_item(current_user(), school_id, code, body, now)
