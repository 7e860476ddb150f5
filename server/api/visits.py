"""Supervision visits: recorded by the bureau or a center school, with their team, the schools
visited, what was checked, the report, and findings that become the schools' hazards."""

from __future__ import annotations

from flask import request
from flask_smorest import Blueprint

from server.api import visit_schemas as schemas
from server.api.hazard_schemas import HazardDetail
from server.auth import current_user, login_required
from server.clock import local_today
from server.services import hazard_views, visits, visits_findings, visits_views

blp = Blueprint("visits", __name__, url_prefix="/api/v1/visits", description="Supervision visits")


def _detail(visit) -> object:
    """The visit with its findings, as the caller sees it."""
    return visits_views.detail(visit, current_user(), local_today())


@blp.route("", methods=["POST"])
@login_required
@blp.arguments(schemas.VisitCreate)
@blp.response(201, schemas.VisitDetail)
@blp.alt_response(403, description="No visit.record at the visiting unit")
@blp.alt_response(404, description="The unit, or a school, is not below it in your scope")
@blp.alt_response(422, description="A school visiting, a unit that is not a school visited")
def create(body):
    """Record a visit (visit.record at the visiting unit) to schools below it."""
    return _detail(visits.create(current_user(), body)), 201


@blp.route("", methods=["GET"])
@login_required
@blp.arguments(schemas.VisitListQuery, location="query")
@blp.response(200, schemas.VisitPage)
def list_visits(query):
    """The visits the caller sees, newest first: all of the visiting side's; a visited school's
    announced ones, and unannounced ones from their date on."""
    user = current_user()
    rows, next_offset = visits.page(user, query, local_today())
    return {"visits": visits_views.views(rows, user), "next_offset": next_offset}


@blp.route("/<int:visit_id>", methods=["GET"])
@login_required
@blp.response(200, schemas.VisitDetail)
def get_visit(visit_id: int):
    """One visit with its findings (a visited school sees only its own part)."""
    return _detail(visits.load(current_user(), visit_id, local_today()))


@blp.route("/<int:visit_id>", methods=["PATCH"])
@login_required
@blp.arguments(schemas.VisitPatch)
@blp.response(200, schemas.VisitDetail)
@blp.alt_response(403, description="A visited school's staff: only the visiting side edits")
def patch_visit(body, visit_id: int):
    """Change the title, date, announcement, team, what was checked, the report or status."""
    return _detail(visits.patch(current_user(), visit_id, body, local_today()))


@blp.route("/<int:visit_id>/findings", methods=["POST"])
@login_required
@blp.arguments(schemas.FindingCreate)
@blp.response(201, HazardDetail)
@blp.alt_response(200, schema=HazardDetail, description="A retry of the same finding")
@blp.alt_response(403, description="A visited school's staff: only the visiting side finds")
@blp.alt_response(409, description="uuid_conflict: the UUID was used for another report")
@blp.alt_response(422, description="The school is not one of the visit's")
def add_finding(body, visit_id: int):
    """Record a finding at one of the visited schools: a hazard of that school in the normal
    lifecycle (its safety officer is told). The phone's UUID makes retries safe."""
    body["client_uuid"] = str(body["client_uuid"])
    user = current_user()
    today = local_today()
    hazard, created = visits_findings.add(user, visit_id, body, request.remote_addr, today)
    return hazard_views.detail(hazard, user, today), 201 if created else 200
