"""Hazards, photos and events as the client sees them."""

from __future__ import annotations

from datetime import date
from typing import Any

from server.geo import Position, to_geojson_point
from server.models import Hazard, HazardEvent, Photo, User
from server.services.escalation import is_overdue
from server.services.hazard_lifecycle import allowed_actions
from server.services.photos import photo_urls, thumb_url


def photo_dict(photo: Photo, stage: str | None = None) -> dict[str, Any]:
    """A photo with short-lived URLs (callers checked the viewer's scope)."""
    return {
        "id": photo.id,
        "width": photo.width,
        "height": photo.height,
        "taken_at": photo.taken_at,
        "has_gps": photo.exif_lat is not None,
        "stage": stage,
        **photo_urls(photo),
    }


def _user_ref(user: User | None) -> dict[str, Any] | None:
    return None if user is None else {"id": user.id, "display_name": user.display_name}


def hazard_summary(hazard: Hazard, today: date) -> dict[str, Any]:
    """The list view of a hazard."""
    focus = hazard.focus_problem
    first = next((p for p in hazard.photos if p.stage == "before"), None)
    return {
        "id": hazard.id,
        "client_uuid": hazard.client_uuid,
        "school": {"id": hazard.school.id, "name": hazard.school.name},
        "area": {"code": focus.area.code, "name": focus.area.name},
        "focus_problem": {"code": focus.code, "name": focus.name},
        "description": hazard.description,
        "severity": hazard.severity,
        "status": hazard.status,
        "overdue": is_overdue(hazard, today),
        "escalation_level": hazard.escalation_level,
        "position": {
            "lat": hazard.lat,
            "lng": hazard.lng,
            "accuracy": hazard.accuracy_m,
            "coord_system": hazard.coord_system,
        },
        "inside_campus": hazard.inside_campus,
        "reported_at": hazard.reported_at,
        "reporter": _user_ref(hazard.reporter),
        "deadline": hazard.deadline,
        "responsible_person": hazard.responsible_person,
        "duplicate_of_id": hazard.duplicate_of_id,
        # Lists show only the thumbnail: sign just that URL.
        "thumb_url": thumb_url(first.photo) if first else None,
    }


def hazard_detail(hazard: Hazard, user: User, today: date) -> dict[str, Any]:
    """The full hazard: plan, photos before and after, and what the viewer may do."""
    return {
        **hazard_summary(hazard, today),
        "plan": {
            "responsible_person": hazard.responsible_person,
            "responsible_user_id": hazard.responsible_user_id,
            "deadline": hazard.deadline,
            "measures": hazard.measures,
            "funds_yuan": hazard.funds_yuan,
            "contingency": hazard.contingency,
        },
        "photos": [photo_dict(link.photo, link.stage) for link in hazard.photos],
        "fix_note": hazard.fix_note,
        "closed_at": hazard.closed_at,
        "allowed_actions": allowed_actions(user, hazard),
    }


def event_dict(event: HazardEvent) -> dict[str, Any]:
    """One entry of the history."""
    position = None
    if event.lat is not None:
        position = {
            "lat": event.lat,
            "lng": event.lng,
            "accuracy": None,
            "coord_system": event.coord_system,
        }
    return {
        "id": event.id,
        "kind": event.kind,
        "actor": _user_ref(event.actor),
        "from_status": event.from_status,
        "to_status": event.to_status,
        "changes": event.changes,
        "note": event.note,
        "position": position,
        "created_at": event.created_at,
    }


def hazard_feature(hazard: Hazard, today: date) -> dict[str, Any]:
    """A GeoJSON feature, in WGS-84 as GIS tools expect."""
    point = to_geojson_point(Position(hazard.lat, hazard.lng, hazard.coord_system))
    return {
        "type": "Feature",
        "id": hazard.id,
        "geometry": point,
        "properties": {
            "school": hazard.school.name,
            "area": hazard.focus_problem.area.code,
            "focus_problem": hazard.focus_problem.code,
            "severity": hazard.severity,
            "status": hazard.status,
            "overdue": is_overdue(hazard, today),
            "reported_at": hazard.reported_at.isoformat(),
        },
    }
