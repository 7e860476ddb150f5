"""What the web console lists: the hazard ledger (the API's filters plus a unit, a text search
and page numbers), the overdue hazards oldest first, and the counts of the dashboard. Scope and
filters are ``hazard_queries``' own; nothing here decides who sees what."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from sqlalchemy import Select, func, or_, select

from server import access
from server.extensions import db
from server.models import Area, ContentCheck, FocusProblem, Hazard, Unit, User
from server.models.content import HELD, TEXT
from server.roles import SCHOOL_KINDS
from server.services import hazard_queries
from server.services.hazard_access import scope_filter

PER_PAGE = 20
OVERDUE_LIMIT = 200


@dataclass
class LedgerPage:
    """One page of the ledger and where it stands among all pages."""

    hazards: list[Hazard]
    total: int
    page: int
    pages: int


def _ledger_query(user: User, filters: dict[str, Any]) -> Select:
    """The hazards in scope matching the filters; ``unit_id`` narrows to a unit and below (404
    when the unit is out of scope), ``text`` searches the description and the place."""
    query = hazard_queries.filtered(user, filters)
    if "unit_id" in filters:
        unit = access.load_unit(user, filters["unit_id"], "hazard.view")
        query = query.where(Hazard.school_id.in_(access.unit_ids_below([unit.path])))
    if filters.get("text"):
        text = filters["text"]
        query = query.where(
            or_(
                Hazard.description.contains(text, autoescape=True),
                Hazard.place.contains(text, autoescape=True),
            ),
            _searchable(user),
        )
    return query


def _searchable(user: User):
    """Hazards whose texts the user may search: a text the content check holds is masked for
    all but its writer, and a search must not reveal what the mask hides."""
    held = select(ContentCheck.subject_id).where(
        ContentCheck.subject == "hazard",
        ContentCheck.kind == TEXT,
        ContentCheck.status.in_(HELD),
        ContentCheck.writer_id != user.id,
    )
    return Hazard.id.not_in(held)


def ledger(user: User, filters: dict[str, Any], page: int = 1) -> LedgerPage:
    """One page of the ledger, newest first (two statements plus the list's loads)."""
    query = _ledger_query(user, filters)
    total = db.session.scalar(select(func.count()).select_from(query.subquery())) or 0
    pages = max(1, -(-total // PER_PAGE))
    page = min(max(page, 1), pages)
    rows = db.session.scalars(
        query.options(*hazard_queries.LIST_LOADS)
        .order_by(Hazard.id.desc())
        .offset((page - 1) * PER_PAGE)
        .limit(PER_PAGE)
    )
    return LedgerPage(list(rows), total, page, pages)


def overdue(user: User) -> list[Hazard]:
    """Open hazards past their deadline in scope, the longest overdue first (capped)."""
    query = hazard_queries.filtered(user, {"overdue": True}).options(*hazard_queries.LIST_LOADS)
    query = query.order_by(Hazard.deadline.asc(), Hazard.id.asc()).limit(OVERDUE_LIMIT)
    return list(db.session.scalars(query))


def units_in_scope(user: User) -> list[Unit]:
    """The units whose hazards the user sees (for the ledger's unit filter), by path so that a
    center school comes before its schools."""
    query = select(Unit).where(Unit.id.in_(access.unit_ids_where(user, "hazard.view")))
    return list(db.session.scalars(query.order_by(Unit.path, Unit.id)))


def schools_in_scope(units: list[Unit]) -> list[Unit]:
    """The schools among ``units``."""
    return [unit for unit in units if unit.kind in SCHOOL_KINDS]


def counts_by_status(user: User) -> dict[str, int]:
    """How many hazards in scope are in each status."""
    query = (
        select(Hazard.status, func.count().label("count"))
        .where(scope_filter(user))
        .group_by(Hazard.status)
        .order_by(Hazard.status)
    )
    return {row.status: row.count for row in db.session.execute(query)}


def counts_by_area(user: User) -> list[tuple[str, int]]:
    """How many hazards in scope fall in each area of the campaign (unclassified last)."""
    query = (
        select(Area.name, func.count(Hazard.id))
        .select_from(Hazard)
        .outerjoin(FocusProblem, Hazard.focus_problem_id == FocusProblem.id)
        .outerjoin(Area, FocusProblem.area_id == Area.id)
        .where(scope_filter(user))
        .group_by(Area.id, Area.name, Area.seq)
        .order_by(Area.seq.is_(None), Area.seq)
    )
    return [(name or "未分类", count) for name, count in db.session.execute(query)]


def overdue_count(user: User) -> int:
    """How many hazards in scope are overdue now."""
    query = hazard_queries.filtered(user, {"overdue": True})
    return db.session.scalar(select(func.count()).select_from(query.subquery())) or 0
