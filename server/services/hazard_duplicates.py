"""Which open hazards a report may be a duplicate of: the phone lists them for the safety officer
to pick one, instead of asking for an internal number."""

from __future__ import annotations

from sqlalchemy import select

from server import access
from server.extensions import db
from server.geo import Position, bounding_box, haversine_m
from server.models import Hazard, User
from server.models.hazards import OPEN_STATUSES
from server.services.hazard_queries import LIST_LOADS
from server.services.hazard_reports import DATUM_SLACK_M

CANDIDATE_RADIUS_M = 200.0
CANDIDATE_LIMIT = 20


def candidates(user: User, hazard_id: int) -> list[tuple[Hazard, float]]:
    """Open hazards of the same school within 200 m of the hazard, of any focus problem (the
    reporter may have been unsure or misfiled), neither itself nor already folded, nearest first
    (at most 20), with their distances. For those who may mark the hazard a duplicate: 404 out of
    scope, 403 without ``hazard.duplicate`` at its school."""
    hazard = access.load(user, Hazard, hazard_id, "hazard.duplicate", lambda h: h.school, "hazard")
    here = Position(hazard.lat, hazard.lng, hazard.coord_system)
    # The box also covers the GCJ-02 offset between stored coordinate systems.
    min_lat, min_lng, max_lat, max_lng = bounding_box(here, CANDIDATE_RADIUS_M + DATUM_SLACK_M)
    rows = db.session.scalars(
        select(Hazard)
        .where(
            Hazard.school_id == hazard.school_id,
            Hazard.id != hazard.id,
            Hazard.status.in_(OPEN_STATUSES),
            Hazard.duplicate_of_id.is_(None),
            Hazard.lat.between(min_lat, max_lat),
            Hazard.lng.between(min_lng, max_lng),
        )
        .options(*LIST_LOADS)
    )
    found = []
    for row in rows:
        distance = haversine_m(here, Position(row.lat, row.lng, row.coord_system))
        if distance <= CANDIDATE_RADIUS_M:
            found.append((row, distance))
    found.sort(key=lambda pair: (pair[1], -pair[0].id))
    return found[:CANDIDATE_LIMIT]
