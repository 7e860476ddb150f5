"""The rectification lifecycle: reported -> planned -> rectifying -> fix submitted -> verified,
or rejected back to rectifying. Every change is an event in the hazard's history."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Any

from flask import current_app

from server.clock import local_today
from server.errors import ApiError
from server.extensions import db
from server.geo import WGS84, Position, haversine_m
from server.models import Hazard, HazardEvent, HazardPhoto, User, utcnow
from server.models.hazards import FIX_SUBMITTED, PLANNED, RECTIFYING, REPORTED, VERIFIED
from server.services.hazard_access import (
    can_sign_off,
    can_work_on,
    forbid,
    is_school_manager,
    is_supervisor_of,
    require_view,
)
from server.services.photos import own_photos


def _require_status(hazard: Hazard, *allowed: str) -> None:
    """Refuse a transition from the wrong state with a 409 naming the current one."""
    if hazard.status not in allowed:
        raise ApiError(
            409,
            "invalid_transition",
            f"The hazard is {hazard.status}; this step needs {' or '.join(allowed)}.",
            {"status": hazard.status},
        )


def _record(
    hazard: Hazard,
    user: User,
    kind: str,
    new_status: str | None,
    changes: dict[str, Any],
    origin: dict[str, Any],
    note: str | None = None,
) -> None:
    """Apply the status change and write its event (the caller commits)."""
    position = origin.get("position")
    db.session.add(
        HazardEvent(
            hazard_id=hazard.id,
            actor_id=user.id,
            kind=kind,
            from_status=hazard.status,
            to_status=new_status or hazard.status,
            changes=changes,
            note=note,
            client_ip=origin.get("ip"),
            lat=position.lat if position else None,
            lng=position.lng if position else None,
            coord_system=position.system if position else None,
        )
    )
    if new_status:
        hazard.status = new_status


def _jsonable(value: Any) -> Any:
    """Event payloads are JSON: dates and money as strings."""
    if isinstance(value, (date, Decimal)):
        return str(value)
    return value


def assign_plan(user: User, hazard_id: int, plan: dict[str, Any], origin: dict) -> Hazard:
    """Set (or, before work starts, revise) the plan: all five fields are required together."""
    hazard = require_view(user, hazard_id)
    if not is_school_manager(user, hazard.school):
        raise forbid("plan")
    _require_status(hazard, REPORTED, PLANNED)
    if plan["deadline"] < local_today():
        raise ApiError(
            422,
            "validation_error",
            "The deadline has passed.",
            {"deadline": ["Must be today or later."]},
        )
    responsible = None
    if plan.get("responsible_user_id") is not None:
        responsible = db.session.get(User, plan["responsible_user_id"])
        if responsible is None or not any(
            hazard.school.contains(g.unit) or g.unit.contains(hazard.school)
            for g in responsible.grants
        ):
            raise ApiError(
                422,
                "validation_error",
                "The responsible user must be school staff.",
                {"responsible_user_id": ["Not staff of this school."]},
            )
    fields = ("responsible_person", "deadline", "measures", "funds_yuan", "contingency")
    changes = {
        name: _jsonable(plan[name]) for name in fields if getattr(hazard, name) != plan[name]
    }
    for name in fields:
        setattr(hazard, name, plan[name])
    hazard.responsible_user_id = responsible.id if responsible else None
    kind = "planned" if hazard.status == REPORTED else "plan_revised"
    _record(hazard, user, kind, PLANNED, changes, origin)
    db.session.commit()
    return hazard


def start_work(user: User, hazard_id: int, origin: dict) -> Hazard:
    """Mark that rectification has begun."""
    hazard = require_view(user, hazard_id)
    if not can_work_on(user, hazard):
        raise forbid("start work on")
    _require_status(hazard, PLANNED)
    _record(hazard, user, "started", RECTIFYING, {}, origin)
    db.session.commit()
    return hazard


def _check_after_photos(hazard: Hazard, photos: list, position: Position) -> None:
    """After-photos must be new since the report, and taken near the hazard."""
    limit = current_app.config["FIX_MAX_DISTANCE_M"]
    place = Position(hazard.lat, hazard.lng, hazard.coord_system)
    distance = haversine_m(place, position)
    if distance > limit:
        raise ApiError(
            422,
            "fix_too_far",
            f"The fix was submitted {distance:.0f} m from the hazard (limit {limit} m).",
            {"distance_m": round(distance, 1), "limit_m": limit},
        )
    problems: dict[str, list[str]] = {}
    for photo in photos:
        # An upload older than the report, or a camera time before it, is not an after-photo.
        taken_before = photo.taken_at is not None and photo.taken_at <= hazard.reported_at
        if photo.created_at <= hazard.reported_at or taken_before:
            problems[str(photo.id)] = ["taken before the hazard was reported"]
        elif photo.exif_lat is not None and photo.exif_lng is not None:
            gap = haversine_m(place, Position(photo.exif_lat, photo.exif_lng, WGS84))
            if gap > limit:
                problems[str(photo.id)] = [f"taken {gap:.0f} m from the hazard"]
    if problems:
        raise ApiError(
            422,
            "after_photo_invalid",
            "After-photos must be taken at the hazard after it was reported.",
            problems,
        )


def submit_fix(user: User, hazard_id: int, data: dict[str, Any], origin: dict) -> Hazard:
    """Submit the fix with after-photos taken at the hazard."""
    hazard = require_view(user, hazard_id)
    if not can_work_on(user, hazard):
        raise forbid("submit a fix for")
    _require_status(hazard, RECTIFYING)
    photos = own_photos(user, data["photo_ids"])
    _check_after_photos(hazard, photos, origin["position"])
    start = len([p for p in hazard.photos if p.stage == "after"])
    for index, photo in enumerate(photos, start=start):
        db.session.add(
            HazardPhoto(hazard_id=hazard.id, photo_id=photo.id, stage="after", position=index)
        )
    hazard.fix_note = data["note"]
    _record(
        hazard,
        user,
        "fix_submitted",
        FIX_SUBMITTED,
        {"photo_ids": data["photo_ids"]},
        origin,
        note=data["note"],
    )
    db.session.commit()
    return hazard


def verify(user: User, hazard_id: int, note: str | None, origin: dict) -> Hazard:
    """Accept the fix: the hazard is closed."""
    hazard = require_view(user, hazard_id)
    if not can_sign_off(user, hazard):
        raise forbid("verify")
    _require_status(hazard, FIX_SUBMITTED)
    hazard.closed_at = utcnow()
    _record(hazard, user, "verified", VERIFIED, {}, origin, note=note)
    db.session.commit()
    return hazard


def reject(user: User, hazard_id: int, reason: str, origin: dict) -> Hazard:
    """Send the fix back with a reason; work goes on."""
    hazard = require_view(user, hazard_id)
    if not can_sign_off(user, hazard):
        raise forbid("reject the fix of")
    _require_status(hazard, FIX_SUBMITTED)
    _record(hazard, user, "rejected", RECTIFYING, {"reason": reason}, origin, note=reason)
    db.session.commit()
    return hazard


def mark_duplicate(user: User, hazard_id: int, original_id: int, origin: dict) -> Hazard:
    """A supervisor folds a hazard into an earlier report of the same problem."""
    hazard = require_view(user, hazard_id)
    original = require_view(user, original_id)
    if not is_supervisor_of(user, hazard.school):
        raise forbid("mark as duplicate")
    if original.id == hazard.id or original.duplicate_of_id is not None:
        raise ApiError(
            422,
            "validation_error",
            "Choose a different, original report.",
            {"original_id": ["Must be another hazard that is not a duplicate."]},
        )
    if original.focus_problem_id != hazard.focus_problem_id:
        raise ApiError(
            422,
            "validation_error",
            "Duplicates share their focus problem.",
            {"original_id": ["Different focus problem."]},
        )
    if hazard.duplicate_of_id is not None or hazard.status == VERIFIED:
        raise ApiError(409, "invalid_transition", "This hazard is already closed.")
    hazard.duplicate_of_id = original.id
    hazard.closed_at = utcnow()
    _record(hazard, user, "marked_duplicate", None, {"duplicate_of": original.id}, origin)
    db.session.commit()
    return hazard
