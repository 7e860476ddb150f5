"""Reporting hazards: idempotent by the phone's UUID, positioned, filed under the taxonomy."""

from __future__ import annotations

import hashlib
import json
from typing import Any

from flask import current_app
from sqlalchemy import and_, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import contains_eager

from server.errors import ApiError
from server.extensions import db
from server.geo import Position, bounding_box, haversine_m, point_in_polygon, within_radius
from server.models import (
    Area,
    FocusProblem,
    Hazard,
    HazardEvent,
    HazardPhoto,
    Photo,
    Unit,
    User,
)
from server.models.hazards import OPEN_STATUSES, REPORTED
from server.roles import SCHOOL_KINDS
from server.services import content, hazard_news
from server.services.checkpoints import resolve_token
from server.services.hazard_access import can_report_at, reportable_schools, scope_filter
from server.services.photos import own_photos

DUPLICATE_RADIUS_M = 50.0
# A pre-filter box must also cover the GCJ-02 offset (up to ~700 m) between stored systems.
DATUM_SLACK_M = 1000.0


def _digest(report: dict[str, Any], school_id: int) -> str:
    """A fingerprint of what was reported, to tell a retry from a different report."""
    canonical = {
        "school_id": school_id,
        # None (unsure) is its own value: a retry that now names a category is another report.
        "focus_problem": report.get("focus_problem"),
        "description": report["description"].strip(),
        "severity": report["severity"],
        "position": [round(report[k], 7) for k in ("lat", "lng", "accuracy")],
        "coord_system": report["coord_system"],
        "photo_ids": report["photo_ids"],
    }
    # Only when given: reports made before places existed keep their fingerprints.
    if report.get("place") is not None:
        canonical["place"] = report["place"]
    if report.get("checkpoint_token") is not None:
        canonical["checkpoint_token"] = report["checkpoint_token"]
    return hashlib.sha256(json.dumps(canonical, sort_keys=True).encode()).hexdigest()


def _school_for(user: User, school_id: int | None) -> Unit:
    """The school of the report: given, or the only one the reporter covers."""
    if school_id is None:
        schools = reportable_schools(user)
        if len(schools) != 1:
            raise ApiError(
                422,
                "school_required",
                "Choose the school: you cover several, or none.",
                {"school_id": ["Required when you cover several schools."]},
            )
        return schools[0]
    school = db.session.get(Unit, school_id)
    if school is None or school.kind not in SCHOOL_KINDS or not can_report_at(user, school):
        raise ApiError(404, "not_found", "No such school in your scope.")
    return school


def _checkpoint_id(user: User, token: str | None, school: Unit) -> int | None:
    """The checkpoint a report names by its scanned code (the same rules as a patrol's scan),
    which must be one of the report's school."""
    if token is None:
        return None
    checkpoint = resolve_token(user, token)
    if checkpoint.school_id != school.id:
        raise ApiError(
            422,
            "validation_error",
            "This checkpoint belongs to another school.",
            {"checkpoint_token": ["A checkpoint of another school."]},
        )
    return checkpoint.id


def focus_problem_by_code(code: str) -> FocusProblem:
    """A focus problem by its code, in the most recent campaign that has it (with its area,
    which every view of the hazard shows: loaded by the same statement)."""
    focus = db.session.scalars(
        select(FocusProblem)
        .join(Area, FocusProblem.area_id == Area.id)
        .options(contains_eager(FocusProblem.area))
        .where(FocusProblem.code == code)
        .order_by(Area.campaign_id.desc())
    ).first()
    if focus is None:
        raise ApiError(
            422, "validation_error", "Unknown focus problem.", {"focus_problem": ["Unknown code."]}
        )
    return focus


def campus_check(school: Unit, position: Position) -> bool | None:
    """Whether the position lies on campus; None when the school has no boundary."""
    system = school.campus_coord_system
    if system and school.campus_polygon:
        return point_in_polygon(position, [tuple(v) for v in school.campus_polygon], system)
    if system and school.campus_radius_m and school.campus_center_lat is not None:
        center = Position(school.campus_center_lat, school.campus_center_lng, system)
        return within_radius(position, center, school.campus_radius_m)
    return None


def _position(data: dict[str, Any]) -> Position:
    """The reported position (ranges were validated by the schema)."""
    return Position(data["lat"], data["lng"], data["coord_system"])


def _existing_for_uuid(client_uuid: str, digest: str) -> Hazard | None:
    """The report already made with this UUID; a 409 if its content differs."""
    hazard = db.session.scalars(select(Hazard).where(Hazard.client_uuid == client_uuid)).first()
    if hazard is not None and hazard.content_digest != digest:
        raise ApiError(
            409, "uuid_conflict", "This report id was already used for a different report."
        )
    return hazard


def create_report(user: User, data: dict[str, Any], client_ip: str | None) -> tuple[Hazard, bool]:
    """File a report; returns (hazard, created). A retry with the same UUID returns the first."""
    school = _school_for(user, data.get("school_id"))
    digest = _digest(data, school.id)
    existing = _existing_for_uuid(data["client_uuid"], digest)
    if existing is not None:
        return existing, False
    checkpoint_id = _checkpoint_id(user, data.get("checkpoint_token"), school)
    code = data.get("focus_problem")
    focus = focus_problem_by_code(code) if code is not None else None
    photos = own_photos(user, data["photo_ids"])
    position = _position(data)
    verdict = content.check_text(user, "description", data["description"].strip())
    place = data.get("place")
    place_verdict = content.check_text(user, "place", place) if place else content.PASSED
    hazard = Hazard(
        client_uuid=data["client_uuid"],
        content_digest=digest,
        school=school,
        reporter_id=user.id,
        # Objects, not ids: the answer shows them, and the hazard keeps them loaded.
        focus_problem=focus,
        description=data["description"].strip(),
        place=place,
        severity=data["severity"],
        status=REPORTED,
        lat=position.lat,
        lng=position.lng,
        accuracy_m=data["accuracy"],
        coord_system=position.system,
        inside_campus=campus_check(school, position),
        checkpoint_id=checkpoint_id,
    )
    try:
        verdicts = {"description": verdict, "place": place_verdict}
        news = _save_report(hazard, photos, user, focus, position, client_ip, verdicts)
    except IntegrityError:
        # The same UUID raced in from a retry: the other request's insert won. On PostgreSQL
        # ours waited for it at the first flush, so the error can come from there, not only
        # from the commit. Answer with the winner, as a sequential retry would get.
        db.session.rollback()
        winner = _existing_for_uuid(data["client_uuid"], digest)
        if winner is None:
            # Not the UUID: something the report refers to changed meanwhile.
            raise ApiError(
                409, "conflict", "The report clashed with another change; send it again."
            ) from None
        return winner, False
    hazard_news.send(news)
    current_app.logger.info("hazard %s reported at school %s", hazard.id, school.code)
    return hazard, True


def _save_report(
    hazard: Hazard,
    photos: list[Photo],
    user: User,
    focus: FocusProblem | None,
    position: Position,
    client_ip: str | None,
    verdicts: dict[str, str],
) -> list[int]:
    """Add the report (``add_report``) and commit; returns the news' pending deliveries."""
    news, media = add_report(hazard, photos, user, focus, position, client_ip, verdicts)
    _commit_keeping_loaded()
    content.start_media_checks(media)
    return news


def _commit_keeping_loaded() -> None:
    """Commit without expiring what the session holds. The answer shows the rows just written,
    whose every value was set here (no server-side defaults), and the reporter's grants loaded
    for the access check: reloading them after the commit would be a dozen statements for
    nothing."""
    session = db.session()
    expire = session.expire_on_commit
    session.expire_on_commit = False
    try:
        session.commit()
    finally:
        session.expire_on_commit = expire


def add_report(
    hazard: Hazard,
    photos: list[Photo],
    user: User,
    focus: FocusProblem | None,
    position: Position,
    client_ip: str | None,
    verdicts: dict[str, str],
) -> tuple[list[int], list[int]]:
    """Insert the hazard, its photos (held until WeChat's media verdict), its first event, the
    holds on its texts (those the text check did not pass: ``verdicts`` by field) and the news
    of it, without committing (a patrol adds its failed items' hazards in its own transaction).
    Returns the news' pending deliveries (for ``hazard_news.send`` after the commit) and the
    media checks to start after it (``content.start_media_checks``)."""
    db.session.add(hazard)
    # Through the relationship: the new hazard's photo list is then known, not loaded again.
    links = [
        HazardPhoto(hazard=hazard, photo=photo, stage="before", position=index)
        for index, photo in enumerate(photos)
    ]
    db.session.add_all(links)
    db.session.flush()  # the hazard and its photo links, for their ids
    # The new hazard's held texts, as ``content.held_texts`` would find them after the flush.
    held: dict[tuple[int, str], int] = {}
    for field, verdict in verdicts.items():
        text = getattr(hazard, field)
        if text and content.hold_text(
            user, hazard.school, "hazard", hazard.id, field, text, verdict
        ):
            held[(hazard.id, field)] = user.id
    media = content.hold_photos(user, hazard.school, links)
    # The holds and the event are written by the next flush, with the news' first query.
    db.session.add(
        HazardEvent(
            hazard_id=hazard.id,
            actor_id=user.id,
            kind="reported",
            to_status=REPORTED,
            changes={
                "severity": hazard.severity,
                "focus_problem": focus.code if focus is not None else None,
                "inside_campus": hazard.inside_campus,
            },
            client_ip=client_ip,
            lat=position.lat,
            lng=position.lng,
            coord_system=position.system,
        )
    )
    news = hazard_news.tell(user, hazard, "reported", held=held)
    db.session.flush()  # nothing left to write when the news' queries flushed already
    return news, [check.id for check in media]


def nearby_open(user: User, focus_code: str, position: Position) -> list[tuple[Hazard, float]]:
    """Open hazards of the same focus problem within 50 m, nearest first (duplicate hints)."""
    focus = focus_problem_by_code(focus_code)
    min_lat, min_lng, max_lat, max_lng = bounding_box(position, DUPLICATE_RADIUS_M + DATUM_SLACK_M)
    candidates = db.session.scalars(
        select(Hazard).where(
            scope_filter(user),
            Hazard.focus_problem_id == focus.id,
            Hazard.status.in_(OPEN_STATUSES),
            Hazard.duplicate_of_id.is_(None),
            and_(Hazard.lat.between(min_lat, max_lat), Hazard.lng.between(min_lng, max_lng)),
        )
    )
    found = []
    for hazard in candidates:
        distance = haversine_m(position, Position(hazard.lat, hazard.lng, hazard.coord_system))
        if distance <= DUPLICATE_RADIUS_M:
            found.append((hazard, distance))
    return sorted(found, key=lambda pair: pair[1])
