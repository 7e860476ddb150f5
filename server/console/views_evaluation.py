"""The year-end evaluation in the console: the ranking of a unit's schools (with its Excel
export), and one school's scores with what cost it points, where an inspector scores the hand
items. The same services as the API decide scope, capabilities and scores."""

from __future__ import annotations

import marshmallow as ma
from flask import current_app, flash, g, redirect, render_template, request, url_for
from sqlalchemy import select

from server import access
from server.api.fields import BoundedInt, Id
from server.console import bp
from server.console.forms import parse
from server.console.session import console_login_required
from server.errors import ApiError
from server.evaluation_weights import EVALUATION_DIR
from server.extensions import db
from server.models import ExportJob, Unit, utcnow
from server.models.exports import DONE
from server.roles import SCHOOL_KINDS
from server.services import evaluation as scoring
from server.services import evaluation_detail, evaluation_hand
from server.services.exports import jobs

VIEW, SCORE, EXPORT = "figures.view", "evaluation.score", "export.create"
WAIT_TEXT = "正在生成,请稍候刷新"


class EvaluationArgs(ma.Schema):
    """The ranking page's query (and the export form)."""

    class Meta:
        unknown = ma.EXCLUDE

    unit_id = Id()
    year = BoundedInt(min=2000, max=2100)


def _years() -> list[int]:
    """The years that have an evaluation file, newest first."""
    return sorted(
        (int(p.stem) for p in EVALUATION_DIR.glob("*.json") if p.stem.isdigit()), reverse=True
    )


def _units() -> list[Unit]:
    """The units the user sees figures at, for the picker: the bureau, center schools and
    groups (schools only when the user holds nothing above one), top first."""
    units = list(
        db.session.scalars(
            select(Unit)
            .where(Unit.id.in_(access.unit_ids_where(g.user, VIEW)))
            .order_by(Unit.path, Unit.id)
        )
    )
    above = [unit for unit in units if unit.kind not in SCHOOL_KINDS]
    return sorted(above or units, key=lambda u: (len(u.path), u.name))


@bp.route("/evaluation", methods=["GET"])
@console_login_required
def evaluation():
    """The ranking of the unit's schools for the year (figures.view at the unit)."""
    args, _invalid = parse(EvaluationArgs(), request.args.to_dict())
    units = _units()
    if not units:
        raise access.forbidden(VIEW)
    now = utcnow()
    unit_id = args.get("unit_id") or units[0].id
    year = args.get("year") or scoring.year_of(now)
    ranking = scoring.ranking(g.user, unit_id, year, now)
    unit = db.session.get(Unit, unit_id)
    return render_template(
        "console/evaluation.html",
        ranking=ranking,
        units=units,
        years=_years(),
        unit_id=unit_id,
        year=year,
        may_export=access.may(g.user, EXPORT, unit),
    )


@bp.route("/evaluation/export", methods=["POST"])
@console_login_required
def evaluation_export():
    """Queue the ranking's Excel export (export.create at the unit) for the year's period; to
    the file when it is built at once, else to the exports page (or back, asking to wait)."""
    args, invalid = parse(EvaluationArgs(), request.form.to_dict())
    if invalid or "unit_id" not in args:
        raise ApiError(400, "bad_request", "The form is incomplete.")
    year = args.get("year") or scoring.year_of(utcnow())
    weights = scoring.load_evaluation(year)
    data = {
        "kind": "evaluation_ranking",
        "format": "xlsx",
        "unit_id": args["unit_id"],
        "from": weights.first,
        "to": weights.last,
    }
    queued = jobs.create(g.user, data)
    db.session.expire_all()
    job = db.session.get(ExportJob, queued["id"])
    if job.status == DONE:
        return redirect(url_for("console.export_file", job_id=job.id))
    if "console.exports" in current_app.view_functions:
        return redirect(url_for("console.exports"))
    flash(WAIT_TEXT)
    return redirect(url_for("console.evaluation", unit_id=args["unit_id"], year=year))


@bp.route("/evaluation/schools/<int:school_id>", methods=["GET"])
@console_login_required
def evaluation_school(school_id: int):
    """One school's evaluation (figures.view at the school); the hand items' forms for users
    with evaluation.score there."""
    args, _invalid = parse(EvaluationArgs(), request.args.to_dict())
    now = utcnow()
    year = args.get("year") or scoring.year_of(now)
    detail = evaluation_detail.school_detail(g.user, school_id, year, now)
    school = db.session.get(Unit, school_id)
    return render_template(
        "console/evaluation_school.html",
        detail=detail,
        year=year,
        may_score=access.may(g.user, SCORE, school),
    )


@bp.route("/evaluation/schools/<int:school_id>/items/<code>", methods=["POST"])
@console_login_required
def evaluation_score(school_id: int, code: str):
    """Score a hand item (evaluation.score at the school), then back to it; a score out of
    range is told on the page."""
    args, invalid = parse(EvaluationArgs(), request.form.to_dict())
    if invalid:
        raise ApiError(400, "bad_request", "The form is invalid.")
    year = args.get("year") or scoring.year_of(utcnow())
    data = {
        "year": year,
        "score": request.form.get("score", ""),
        "note": request.form.get("note", "").strip()[:500] or None,
    }
    try:
        evaluation_hand.score_item(g.user, school_id, code, data, utcnow())
        flash(f"已保存评分:{data['score']}")
    except ApiError as error:
        if error.status != 422:
            raise
        flash("评分无效:应为 0 到满分之间、0.5 的倍数")
    target = url_for("console.evaluation_school", school_id=school_id, year=year)
    return redirect(f"{target}#item-{code}")
