"""Listing hazards: filters, cursor pagination, GeoJSON — always within the caller's scope."""

from __future__ import annotations

import base64
from datetime import datetime, time, timedelta
from typing import Any

from sqlalchemy import Select, and_, select
from sqlalchemy.orm import selectinload

from server.api.fields import DB_INT_MAX
from server.clock import CHINA_TZ, local_today
from server.errors import ApiError
from server.extensions import db
from server.models import Area, FocusProblem, Hazard, HazardEvent, HazardPhoto, User
from server.services.escalation import OVERDUE_STATUSES
from server.services.hazard_access import scope_filter
from server.services.todo_groups import group_clause

GEOJSON_LIMIT = 5000
# What a list shows of each hazard, loaded for the whole page in one statement per relation
# rather than one per row.
LIST_LOADS = (
    selectinload(Hazard.school),
    selectinload(Hazard.reporter),
    selectinload(Hazard.focus_problem).selectinload(FocusProblem.area),
    selectinload(Hazard.photos).selectinload(HazardPhoto.photo),
)


def _day_start(day) -> datetime:
    """Midnight in China, as an aware instant (dates people pick are local dates)."""
    return datetime.combine(day, time.min, tzinfo=CHINA_TZ)


def filtered(user: User, filters: dict[str, Any]) -> Select:
    """A select of the caller's hazards narrowed by the given filters."""
    query = select(Hazard).where(scope_filter(user))
    if "school_id" in filters:
        query = query.where(Hazard.school_id == filters["school_id"])
    if "focus_problem" in filters:
        query = query.where(
            Hazard.focus_problem_id.in_(
                select(FocusProblem.id).where(FocusProblem.code == filters["focus_problem"])
            )
        )
    if "area" in filters:
        query = query.where(
            Hazard.focus_problem_id.in_(
                select(FocusProblem.id)
                .join(Area, FocusProblem.area_id == Area.id)
                .where(Area.code == filters["area"])
            )
        )
    for name in ("status", "severity"):
        if name in filters:
            query = query.where(getattr(Hazard, name) == filters[name])
    if "reporter_id" in filters:
        query = query.where(Hazard.reporter_id == filters["reporter_id"])
    if "reported_from" in filters:
        query = query.where(Hazard.reported_at >= _day_start(filters["reported_from"]))
    if "reported_to" in filters:
        end = _day_start(filters["reported_to"] + timedelta(days=1))
        query = query.where(Hazard.reported_at < end)
    if "overdue" in filters:
        late = and_(
            Hazard.deadline < local_today(),
            Hazard.status.in_(OVERDUE_STATUSES),
            Hazard.duplicate_of_id.is_(None),
        )
        query = query.where(late if filters["overdue"] else ~late | Hazard.deadline.is_(None))
    if "todo" in filters:
        # "查看全部" of a to-do group: exactly the hazards the to-do counts in it.
        query = query.where(group_clause(user, filters["todo"], local_today()))
    return query


def _decode_cursor(cursor: str) -> int:
    """The id a cursor points after; a 422 for anything that is not ours."""
    try:
        value = int(base64.urlsafe_b64decode(cursor.encode() + b"==").decode())
    except (ValueError, UnicodeDecodeError) as exc:
        raise ApiError(
            422, "validation_error", "Invalid cursor.", {"cursor": ["Invalid."]}
        ) from exc
    # The id is compared with an INTEGER column: beyond its range PostgreSQL raises.
    if not 1 <= value <= DB_INT_MAX:
        raise ApiError(422, "validation_error", "Invalid cursor.", {"cursor": ["Invalid."]})
    return value


def _encode_cursor(hazard_id: int) -> str:
    """An opaque cursor (newest first, so the last id seen)."""
    return base64.urlsafe_b64encode(str(hazard_id).encode()).decode().rstrip("=")


def page(user: User, filters: dict[str, Any]) -> tuple[list[Hazard], str | None]:
    """One page of hazards, newest first, and the cursor of the next page."""
    query = filtered(user, filters)
    if filters.get("cursor"):
        query = query.where(Hazard.id < _decode_cursor(filters["cursor"]))
    limit = filters.get("limit", 20)
    query = query.options(*LIST_LOADS).order_by(Hazard.id.desc()).limit(limit + 1)
    rows = list(db.session.scalars(query))
    next_cursor = _encode_cursor(rows[limit - 1].id) if len(rows) > limit else None
    return rows[:limit], next_cursor


def for_map(user: User, filters: dict[str, Any]) -> list[Hazard]:
    """Hazards for a map (capped), newest first."""
    query = filtered(user, filters).options(*LIST_LOADS[:3])
    query = query.order_by(Hazard.id.desc()).limit(GEOJSON_LIMIT)
    return list(db.session.scalars(query))


def events_of(hazard: Hazard) -> list[HazardEvent]:
    """The hazard's history, oldest first."""
    return list(hazard.events)
