"""The perimeter log a guard keeps during a shift: what was seen (a kind from a short list),
photos, the position and a note; handled on the spot or raised as a hazard with one tap, which
then follows the normal lifecycle (issue 11, the guards' post).

Creation is idempotent by the phone's UUID. Raising is atomic: the hazard's UUID is derived
from the entry's, and the entry is claimed with a conditional UPDATE on its status, so a second
tap, or two taps at once, give the same hazard.
"""

from __future__ import annotations

import hashlib
import json
import uuid
from datetime import UTC
from typing import Any

from flask import current_app
from sqlalchemy import select, update
from sqlalchemy.exc import IntegrityError

from server import access
from server.errors import ApiError
from server.extensions import db
from server.geo import Position
from server.models import Hazard, Photo, User, utcnow
from server.models.guards import (
    HANDLED,
    LOG_KIND_NAMES,
    RAISED,
    PerimeterLog,
    PerimeterLogPhoto,
)
from server.models.hazards import REPORTED
from server.services import content, hazard_news
from server.services.guard_shifts import DUTY, check_phone_time, open_shift_of
from server.services.hazard_reports import add_report, campus_check, focus_problem_by_code
from server.services.photos import own_photos

# The focus problem a raised entry is filed under; "other" is left unsure (the safety officer
# classifies it, as for any report made without a category).
FOCUS_BY_KIND = {
    "traffic": "surroundings.traffic",
    "vendors": "surroundings.illegal_business",
    "loitering": "surroundings.public_order",
    "fence_gate": "surroundings.public_order",
    "visitor_refused": "surroundings.public_order",
    "other": None,
}
# Where a raised entry's hazard is said to be.
PLACE = "校门周边"
# The content-check subjects of an entry's note and of its photos.
SUBJECT = "perimeter_log"
PHOTO_SUBJECT = "perimeter_log_photo"


def _digest(data: dict[str, Any]) -> str:
    """A fingerprint of the entry, to tell a retry from a different entry with the same UUID
    (``raise_hazard`` is left out: a retry after the entry was raised is still a retry)."""
    canonical = {
        "kind": data["kind"],
        "note": data.get("note") or "",
        "photo_ids": data["photo_ids"],
        "position": [round(data[k], 7) for k in ("lat", "lng", "accuracy")],
        "coord_system": data["coord_system"],
        "occurred_at": data["occurred_at"].astimezone(UTC).isoformat(),
    }
    return hashlib.sha256(json.dumps(canonical, sort_keys=True).encode()).hexdigest()


def _by_uuid(user: User, client_uuid: str, digest: str) -> PerimeterLog | None:
    """The entry already made with this UUID; 409 if its content or maker differs."""
    log = db.session.scalars(
        select(PerimeterLog).where(PerimeterLog.client_uuid == client_uuid)
    ).first()
    if log is not None and (log.user_id != user.id or log.content_digest != digest):
        raise ApiError(409, "uuid_conflict", "This entry's id was already used for another one.")
    return log


def create(user: User, data: dict[str, Any], client_ip: str | None) -> tuple[PerimeterLog, bool]:
    """Record an entry in the caller's open shift (409 ``no_open_shift`` without one), and
    raise it as a hazard at once when asked; returns (entry, created)."""
    digest = _digest(data)
    existing = _by_uuid(user, data["client_uuid"], digest)
    if existing is not None:
        return existing, False
    shift = open_shift_of(user)
    if shift is None:
        raise ApiError(409, "no_open_shift", "Start a shift (scan the gate) before logging.")
    now = utcnow()
    check_phone_time("occurred_at", data["occurred_at"], now)
    photos = own_photos(user, data["photo_ids"])
    note = data.get("note")
    verdict = content.check_text(user, "note", note) if note else content.PASSED
    log = PerimeterLog(
        client_uuid=data["client_uuid"],
        content_digest=digest,
        shift_id=shift.id,
        school_id=shift.school_id,
        user_id=user.id,
        kind=data["kind"],
        note=note,
        lat=data["lat"],
        lng=data["lng"],
        accuracy_m=data["accuracy"],
        coord_system=data["coord_system"],
        occurred_at=data["occurred_at"],
        created_at=now,
        status=HANDLED,
    )
    news: list[int] = []
    media: list[int] = []
    try:
        db.session.add(log)
        db.session.flush()
        links = [
            PerimeterLogPhoto(log_id=log.id, photo=photo, position=index)
            for index, photo in enumerate(photos)
        ]
        db.session.add_all(links)
        if note:
            content.hold_text(user, shift.school, SUBJECT, log.id, "note", note, verdict)
        if data["raise_hazard"]:
            log.status = RAISED
            # The hazard's photos are these: its media checks hold them here too.
            news, media = _add_hazard(user, log, photos, client_ip)
        elif links:
            # Others see the entry (the school's patrol viewers): its photos wait for WeChat.
            db.session.flush()
            checks = content.hold_photos(user, shift.school, links, PHOTO_SUBJECT)
            db.session.flush()
            media = [check.id for check in checks]
        db.session.commit()
    except IntegrityError:
        # The same UUID raced in from a retry: answer with the winner.
        db.session.rollback()
        winner = _by_uuid(user, data["client_uuid"], digest)
        if winner is None:
            raise ApiError(409, "conflict", "The entry clashed with another change.") from None
        return winner, False
    except ApiError:
        db.session.rollback()
        raise
    content.start_media_checks(media)
    hazard_news.send(news)
    current_app.logger.info("perimeter log %s in shift %s", log.id, shift.id)
    return log, True


def _add_hazard(
    user: User, log: PerimeterLog, photos: list[Photo], client_ip: str | None
) -> tuple[list[int], list[int]]:
    """Add the entry's hazard (with its photos, first event and news to the safety officer)
    in the caller's transaction and link it; returns the deliveries and media checks."""
    code = FOCUS_BY_KIND[log.kind]
    focus = focus_problem_by_code(code) if code is not None else None
    name = LOG_KIND_NAMES[log.kind]
    description = f"{name}：{log.note}" if log.note else name
    verdict = content.check_text(user, "description", description)
    client_uuid = str(uuid.uuid5(uuid.UUID(log.client_uuid), "perimeter-log"))
    position = Position(log.lat, log.lng, log.coord_system)
    hazard = Hazard(
        client_uuid=client_uuid,
        content_digest=hashlib.sha256(f"{client_uuid}\n{description}".encode()).hexdigest(),
        school_id=log.school_id,
        reporter_id=user.id,
        focus_problem_id=focus.id if focus is not None else None,
        description=description,
        place=PLACE,
        severity="general",
        status=REPORTED,
        lat=log.lat,
        lng=log.lng,
        accuracy_m=log.accuracy_m,
        coord_system=log.coord_system,
        inside_campus=campus_check(log.school, position),
        checkpoint_id=log.shift.checkpoint_id,
    )
    news, media = add_report(
        hazard, photos, user, focus, position, client_ip, {"description": verdict}
    )
    log.hazard_id = hazard.id
    db.session.flush()
    return news, media


def load(user: User, log_id: int) -> PerimeterLog:
    """An entry the caller may see: their own, or with patrol.view at its school."""
    log = db.session.get(PerimeterLog, log_id)
    if log is None:
        raise access.not_found("log entry")
    if log.user_id != user.id:
        access.require(user, "patrol.view", log.school, what="log entry")
    return log


def raise_hazard(user: User, log_id: int, client_ip: str | None) -> PerimeterLog:
    """Raise an entry as a hazard (its maker, or guard.duty at its school); a second tap, or two
    at once, answer the same hazard."""
    log = db.session.get(PerimeterLog, log_id)
    if log is None:
        raise access.not_found("log entry")
    if log.user_id != user.id:
        access.require(user, DUTY, log.school, what="log entry")
    if log.status == RAISED:
        return log
    # Claim the entry: only one request turns it from handled to raised.
    claimed = db.session.execute(
        update(PerimeterLog)
        .where(PerimeterLog.id == log.id, PerimeterLog.status == HANDLED)
        .values(status=RAISED)
        .execution_options(synchronize_session=False)
    )
    if claimed.rowcount != 1:
        db.session.rollback()
        return _reloaded(log_id)
    photos = [link.photo for link in log.photos]
    try:
        news, media = _add_hazard(user, log, photos, client_ip)
        db.session.commit()
    except IntegrityError:
        # The hazard's derived UUID is taken: another raise of this entry won.
        db.session.rollback()
        return _reloaded(log_id)
    except ApiError:
        db.session.rollback()
        raise
    content.start_media_checks(media)
    hazard_news.send(news)
    current_app.logger.info("perimeter log %s raised as hazard %s", log.id, log.hazard_id)
    return _reloaded(log_id)


def _reloaded(log_id: int) -> PerimeterLog:
    """The entry as the database has it now (after a commit or a lost race)."""
    db.session.expire_all()
    return db.session.get(PerimeterLog, log_id)
