"""Hazard reports, lists, the map, duplicates hints, and the rectification steps."""

from __future__ import annotations

from flask import request
from flask_smorest import Blueprint

from server.api import hazard_schemas as schemas
from server.auth import current_user, login_required
from server.clock import local_today
from server.geo import Position
from server.services import (
    hazard_duplicates,
    hazard_queries,
    hazard_responsible,
    hazard_views,
    rectification,
)
from server.services.hazard_access import reportable_schools, require_view
from server.services.hazard_reports import create_report, nearby_open

blp = Blueprint("hazards", __name__, url_prefix="/api/v1/hazards", description="Hazards")


def _origin(position: dict | None) -> dict:
    """Where an action came from: the client's IP and, when sent, the phone's position."""
    place = None
    if position:
        place = Position(position["lat"], position["lng"], position["coord_system"])
    return {"ip": request.remote_addr, "position": place}


def _detail(hazard):
    return hazard_views.detail(hazard, current_user(), local_today())


@blp.route("", methods=["POST"])
@login_required
@blp.arguments(schemas.HazardCreate)
@blp.response(201, schemas.HazardDetail)
@blp.alt_response(200, schema=schemas.HazardDetail, description="A retry of the same report")
@blp.alt_response(409, description="The UUID was used for a different report")
def report(body):
    """Report a hazard with 1-9 uploaded photos; the phone's UUID makes retries safe."""
    body["client_uuid"] = str(body["client_uuid"])
    user = current_user()
    hazard, created = create_report(user, body, request.remote_addr)
    if not created:
        return _detail(hazard), 200  # the first report, maybe someone else's: looked up
    # The reporter wrote its texts and uploaded its photos: the content checks hide nothing of
    # it from them, so the view needs no look-up of what they hold.
    return hazard_views.detail(hazard, user, local_today(), held={}, hidden={}), 201


@blp.route("", methods=["GET"])
@login_required
@blp.arguments(schemas.HazardListQuery, location="query")
@blp.response(200, schemas.HazardPage)
def list_hazards(query):
    """Hazards in scope, newest first, filtered, one page at a time."""
    rows, next_cursor = hazard_queries.page(current_user(), query)
    today = local_today()
    views = hazard_views.summaries(rows, today, current_user())
    return {"hazards": views, "next_cursor": next_cursor}


@blp.route("/geojson", methods=["GET"])
@login_required
@blp.arguments(schemas.HazardListQuery, location="query")
@blp.response(
    200, description="A GeoJSON FeatureCollection in WGS-84", content_type="application/geo+json"
)
def geojson(query):
    """Hazards in scope as GeoJSON for maps and GIS tools (coordinates in WGS-84)."""
    today = local_today()
    features = [
        hazard_views.feature(h, today) for h in hazard_queries.for_map(current_user(), query)
    ]
    return {"type": "FeatureCollection", "features": features}


@blp.route("/nearby", methods=["GET"])
@login_required
@blp.arguments(schemas.NearbyQuery, location="query")
@blp.response(200, schemas.NearbyResponse)
def nearby(query):
    """Open hazards of the same focus problem within 50 m: possible duplicates."""
    position = Position(query["lat"], query["lng"], query["coord_system"])
    today = local_today()
    found = nearby_open(current_user(), query["focus_problem"], position)
    user = current_user()
    views = [hazard_views.summary(h, today, user, distance_m=round(d, 1)) for h, d in found]
    return {"hazards": views}


@blp.route("/schools", methods=["GET"])
@login_required
@blp.response(200, schemas.SchoolsResponse)
def schools():
    """The schools the caller may report at (to choose one when there are several)."""
    return {"schools": [{"id": s.id, "name": s.name} for s in reportable_schools(current_user())]}


@blp.route("/<int:hazard_id>", methods=["GET"])
@login_required
@blp.response(200, schemas.HazardDetail)
def get_hazard(hazard_id: int):
    """One hazard with its plan, photos and the actions open to the caller."""
    return _detail(require_view(current_user(), hazard_id))


@blp.route("/<int:hazard_id>/events", methods=["GET"])
@login_required
@blp.response(200, schemas.EventsResponse)
def events(hazard_id: int):
    """The hazard's history: who, when, what changed, from where."""
    hazard = require_view(current_user(), hazard_id)
    events = hazard_queries.events_of(hazard)
    return {"events": hazard_views.event_views(events, current_user())}


@blp.route("/<int:hazard_id>/duplicate-candidates", methods=["GET"])
@login_required
@blp.response(200, schemas.NearbyResponse)
def duplicate_candidates(hazard_id: int):
    """Open hazards of the same school within 200 m, any focus problem, nearest first (at most
    20): the reports this one may be marked a duplicate of."""
    user = current_user()
    found = hazard_duplicates.candidates(user, hazard_id)
    distances = [{"distance_m": round(distance, 1)} for _hazard, distance in found]
    views = hazard_views.summaries([h for h, _d in found], local_today(), user, distances)
    return {"hazards": views}


@blp.route("/<int:hazard_id>/responsible-candidates", methods=["GET"])
@login_required
@blp.response(200, schemas.ResponsibleCandidatesResponse)
def responsible_candidates(hazard_id: int):
    """The school's staff a planner may name responsible for the hazard (names and roles)."""
    return {"people": hazard_responsible.candidates(current_user(), hazard_id)}


@blp.route("/<int:hazard_id>/plan", methods=["POST"])
@login_required
@blp.arguments(schemas.PlanRequest)
@blp.response(200, schemas.HazardDetail)
def plan(body, hazard_id: int):
    """Assign the rectification plan: person, deadline, measures, funds, contingency."""
    origin = _origin(body.get("position"))
    return _detail(rectification.assign_plan(current_user(), hazard_id, body, origin))


@blp.route("/<int:hazard_id>/classify", methods=["POST"])
@login_required
@blp.arguments(schemas.ClassifyRequest)
@blp.response(200, schemas.HazardDetail)
def classify(body, hazard_id: int):
    """File the hazard under a focus problem (a report sent as unsure, or a correction)."""
    origin = _origin(body.get("position"))
    user = current_user()
    return _detail(rectification.classify(user, hazard_id, body["focus_problem"], origin))


@blp.route("/<int:hazard_id>/start", methods=["POST"])
@login_required
@blp.arguments(schemas.OriginRequest)
@blp.response(200, schemas.HazardDetail)
def start(body, hazard_id: int):
    """Rectification has begun."""
    origin = _origin(body.get("position"))
    return _detail(rectification.start_work(current_user(), hazard_id, origin))


@blp.route("/<int:hazard_id>/fix", methods=["POST"])
@login_required
@blp.arguments(schemas.FixRequest)
@blp.response(200, schemas.HazardDetail)
def fix(body, hazard_id: int):
    """Submit the fix with after-photos, from the hazard's place."""
    origin = _origin(body)
    return _detail(rectification.submit_fix(current_user(), hazard_id, body, origin))


@blp.route("/<int:hazard_id>/fix-on-spot", methods=["POST"])
@login_required
@blp.arguments(schemas.FixRequest)
@blp.response(200, schemas.HazardDetail)
def fix_on_spot(body, hazard_id: int):
    """A general hazard fixed there and then (当场整改), closed with its after-photos."""
    origin = _origin(body)
    return _detail(rectification.fix_on_spot(current_user(), hazard_id, body, origin))


@blp.route("/<int:hazard_id>/close", methods=["POST"])
@login_required
@blp.arguments(schemas.CloseRequest)
@blp.response(200, schemas.HazardDetail)
def close(body, hazard_id: int):
    """Close a report that is not a hazard, with the reason (the safety officer)."""
    origin = _origin(body.get("position"))
    return _detail(rectification.close(current_user(), hazard_id, body["reason"], origin))


@blp.route("/<int:hazard_id>/verify", methods=["POST"])
@login_required
@blp.arguments(schemas.VerifyRequest)
@blp.response(200, schemas.HazardDetail)
def verify(body, hazard_id: int):
    """Accept the fix (a major hazard needs the supervisor or the bureau)."""
    origin = _origin(body.get("position"))
    return _detail(rectification.verify(current_user(), hazard_id, body["note"], origin))


@blp.route("/<int:hazard_id>/reject", methods=["POST"])
@login_required
@blp.arguments(schemas.RejectRequest)
@blp.response(200, schemas.HazardDetail)
def reject(body, hazard_id: int):
    """Send the fix back with a reason."""
    origin = _origin(body.get("position"))
    return _detail(rectification.reject(current_user(), hazard_id, body["reason"], origin))


@blp.route("/<int:hazard_id>/duplicate", methods=["POST"])
@login_required
@blp.arguments(schemas.DuplicateRequest)
@blp.response(200, schemas.HazardDetail)
def duplicate(body, hazard_id: int):
    """Mark this hazard as a duplicate of an earlier one."""
    origin = _origin(body.get("position"))
    user = current_user()
    return _detail(rectification.mark_duplicate(user, hazard_id, body["original_id"], origin))
