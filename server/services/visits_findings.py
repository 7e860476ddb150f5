"""A visit's findings: each is reported like any hazard (photos uploaded first, position, focus
problem, description, severity, place) at one of the visited schools, and becomes that school's
hazard in the normal lifecycle, told to its safety officer. The hazard and its link to the visit
are written in one transaction; the phone's UUID makes a retry (or two at once) one finding."""

from __future__ import annotations

import hashlib
import json
from datetime import date
from typing import Any

from flask import current_app
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from server.errors import ApiError
from server.extensions import db
from server.geo import Position
from server.models import Hazard, SupervisionFinding, User
from server.models.hazards import REPORTED
from server.services import content, hazard_news
from server.services.hazard_reports import add_report, campus_check, focus_problem_by_code
from server.services.photos import own_photos
from server.services.visits import load_for_record


def _digest(visit_id: int, data: dict[str, Any]) -> str:
    """A fingerprint of the finding, to tell a retry from a different finding."""
    canonical = {
        "visit_id": visit_id,
        "school_id": data["school_id"],
        "focus_problem": data.get("focus_problem"),
        "description": data["description"],
        "severity": data["severity"],
        "place": data.get("place"),
        "position": [round(data[k], 7) for k in ("lat", "lng", "accuracy")],
        "coord_system": data["coord_system"],
        "photo_ids": data["photo_ids"],
    }
    return hashlib.sha256(json.dumps(canonical, sort_keys=True).encode()).hexdigest()


def _existing(visit_id: int, client_uuid: str, digest: str) -> Hazard | None:
    """The finding already made with this UUID; 409 if the UUID was used for anything else."""
    hazard = db.session.scalars(select(Hazard).where(Hazard.client_uuid == client_uuid)).first()
    if hazard is None:
        return None
    linked = db.session.scalars(
        select(SupervisionFinding.visit_id).where(SupervisionFinding.hazard_id == hazard.id)
    ).first()
    if linked != visit_id or hazard.content_digest != digest:
        raise ApiError(
            409, "uuid_conflict", "This report id was already used for a different report."
        )
    return hazard


def add(
    user: User, visit_id: int, data: dict[str, Any], client_ip: str | None, today: date
) -> tuple[Hazard, bool]:
    """Record a finding of the visit (visiting side only) at one of its schools; returns
    (hazard, created). A retry with the same UUID returns the first."""
    visit = load_for_record(user, visit_id, today)
    schools = {link.school_id: link.school for link in visit.schools}
    school = schools.get(data["school_id"])
    if school is None:
        raise ApiError(
            422,
            "validation_error",
            "A finding is made at one of the visited schools.",
            {"school_id": ["Not a school of this visit."]},
        )
    digest = _digest(visit.id, data)
    existing = _existing(visit.id, data["client_uuid"], digest)
    if existing is not None:
        return existing, False
    code = data.get("focus_problem")
    focus = focus_problem_by_code(code) if code is not None else None
    photos = own_photos(user, data["photo_ids"])
    place = data.get("place")
    verdicts = {
        "description": content.check_text(user, "description", data["description"]),
        "place": content.check_text(user, "place", place) if place else content.PASSED,
    }
    position = Position(data["lat"], data["lng"], data["coord_system"])
    hazard = Hazard(
        client_uuid=data["client_uuid"],
        content_digest=digest,
        school_id=school.id,
        reporter_id=user.id,
        focus_problem_id=focus.id if focus is not None else None,
        description=data["description"],
        place=place,
        severity=data["severity"],
        status=REPORTED,
        lat=position.lat,
        lng=position.lng,
        accuracy_m=data["accuracy"],
        coord_system=position.system,
        inside_campus=campus_check(school, position),
    )
    try:
        news, media = add_report(hazard, photos, user, focus, position, client_ip, verdicts)
        db.session.add(SupervisionFinding(visit_id=visit.id, hazard_id=hazard.id))
        db.session.commit()
    except IntegrityError:
        # The same UUID raced in from a retry: answer with the winner, as a retry would get.
        db.session.rollback()
        winner = _existing(visit_id, data["client_uuid"], digest)
        if winner is None:
            raise ApiError(
                409, "conflict", "The finding clashed with another change; send it again."
            ) from None
        return winner, False
    except ApiError:
        db.session.rollback()
        raise
    content.start_media_checks(media)
    hazard_news.send(news)
    current_app.logger.info("visit %s: finding %s at school %s", visit.id, hazard.id, school.code)
    return hazard, True
