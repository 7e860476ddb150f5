"""Perimeter log entries as a viewer sees them, and their lists: a shift's entries (its guard,
or patrol.view at its school) or a unit's (patrol.view). Lists load per page, never per row."""

from __future__ import annotations

from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import selectinload

from server import access
from server.extensions import db
from server.models import User
from server.models.guards import LOG_KIND_NAMES, GuardShift, PerimeterLog, PerimeterLogPhoto
from server.services import content
from server.services.hazard_views import hidden_record_photos, photo_view
from server.services.perimeter_logs import PHOTO_SUBJECT, SUBJECT


def _options() -> list:
    """What a view shows, loaded with the page (one statement per relation)."""
    return [
        selectinload(PerimeterLog.school),
        selectinload(PerimeterLog.user),
        selectinload(PerimeterLog.photos).selectinload(PerimeterLogPhoto.photo),
    ]


def views(logs: list[PerimeterLog], viewer: User) -> list[dict[str, Any]]:
    """Entries as ``viewer`` sees them: a held note masked and a held photo without links,
    except for the entry's maker."""
    held_notes = content.held_texts(SUBJECT, [log.id for log in logs])
    # An entry's photos have their own check; a raised entry's are also its hazard's.
    checked = [link for log in logs for link in log.photos]
    raised = [(log.hazard_id, log.photos) for log in logs if log.hazard_id]
    hidden = hidden_record_photos(PHOTO_SUBJECT, checked, raised, viewer)
    return [
        {
            "id": log.id,
            "client_uuid": log.client_uuid,
            "shift_id": log.shift_id,
            "school": {"id": log.school.id, "name": log.school.name},
            "user": {"id": log.user.id, "name": log.user.display_name},
            "kind": log.kind,
            "kind_name": LOG_KIND_NAMES[log.kind],
            "note": content.shown(held_notes, viewer.id, log.id, "note", log.note),
            "position": {
                "lat": log.lat,
                "lng": log.lng,
                "accuracy": log.accuracy_m,
                "coord_system": log.coord_system,
            },
            "photos": [
                photo_view(link.photo, held=link.id in hidden, refused=hidden.get(link.id, False))
                for link in log.photos
            ],
            "occurred_at": log.occurred_at,
            "created_at": log.created_at,
            "status": log.status,
            "hazard_id": log.hazard_id,
        }
        for log in logs
    ]


def view(log: PerimeterLog, viewer: User) -> dict[str, Any]:
    """One entry as ``viewer`` sees it."""
    db.session.refresh(log)
    return views([log], viewer)[0]


def of_shift(shift: GuardShift, viewer: User) -> list[dict[str, Any]]:
    """Every entry of one shift, newest first (a shift has a bounded number of entries)."""
    rows = db.session.scalars(
        select(PerimeterLog)
        .where(PerimeterLog.shift_id == shift.id)
        .options(*_options())
        .order_by(PerimeterLog.id.desc())
    ).all()
    return views(list(rows), viewer)


def page(
    user: User,
    shift_id: int | None,
    school_id: int | None,
    before_id: int | None,
    limit: int,
) -> tuple[list[dict[str, Any]], int | None]:
    """A page of entries, newest first: of a shift (its guard, or patrol.view at its school),
    else of a unit and below (patrol.view)."""
    query = select(PerimeterLog).options(*_options())
    if shift_id is not None:
        shift = db.session.get(GuardShift, shift_id)
        if shift is None:
            raise access.not_found("shift")
        if shift.user_id != user.id:
            access.require(user, "patrol.view", shift.school, what="shift")
        query = query.where(PerimeterLog.shift_id == shift.id)
    else:
        unit = access.load_unit(user, school_id, "patrol.view")
        query = query.where(PerimeterLog.school_id.in_(access.unit_ids_below([unit.path])))
    if before_id is not None:
        query = query.where(PerimeterLog.id < before_id)
    rows = db.session.scalars(query.order_by(PerimeterLog.id.desc()).limit(limit + 1)).all()
    more = len(rows) > limit
    rows = rows[:limit]
    return views(rows, user), rows[-1].id if more else None
