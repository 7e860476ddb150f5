"""Visits as one viewer sees them: the visiting side sees the whole visit; a visited school's
staff see only their own school(s) of it and the findings there. Texts the content check holds
are masked for all but their writer. A list costs a fixed number of statements."""

from __future__ import annotations

from datetime import date
from typing import Any

from sqlalchemy import func, select

from server import access
from server.extensions import db
from server.models import Hazard, SupervisionFinding, SupervisionVisit, User
from server.models.supervision import VISIT_STATUS_NAMES
from server.services import content, hazard_views
from server.services.hazard_queries import LIST_LOADS
from server.services.views import View
from server.services.visits import SUBJECT, TEXT_FIELDS, may_record


def _finding_counts(visit_ids: list[int]) -> dict[tuple[int, int], int]:
    """Findings per (visit, school), one statement for the whole list."""
    if not visit_ids:
        return {}
    rows = db.session.execute(
        select(SupervisionFinding.visit_id, Hazard.school_id, func.count())
        .join(Hazard, Hazard.id == SupervisionFinding.hazard_id)
        .where(SupervisionFinding.visit_id.in_(visit_ids))
        .group_by(SupervisionFinding.visit_id, Hazard.school_id)
    )
    return {(visit_id, school_id): count for visit_id, school_id, count in rows}


def _team(visit: SupervisionVisit, held: dict, viewer: User) -> list[dict[str, Any]]:
    """The team, masked member by member while its text is held (except for its writer)."""
    writer = held.get((visit.id, "team"))
    if writer is None or writer == viewer.id:
        return visit.team
    return [
        {"name": content.MASK, "organisation": content.MASK, "role": content.MASK}
        for _member in visit.team
    ]


def _view(visit: SupervisionVisit, viewer: User, held: dict, counts: dict) -> View:
    """One visit for ``viewer`` (whose side decides which schools and findings show)."""
    recorder = may_record(viewer, visit)
    schools = [
        link.school
        for link in visit.schools
        if recorder or access.may(viewer, "hazard.view", link.school)
    ]
    texts = {
        field: content.shown(held, viewer.id, visit.id, field, getattr(visit, field))
        for field in TEXT_FIELDS
    }
    return View(
        visit,
        **texts,
        team=_team(visit, held, viewer),
        status_name=VISIT_STATUS_NAMES[visit.status],
        schools=schools,
        findings_count=sum(counts.get((visit.id, school.id), 0) for school in schools),
        can_edit=recorder,
    )


def views(visits: list[SupervisionVisit], viewer: User) -> list[View]:
    """A page of visits (held texts and finding counts looked up once for the page)."""
    ids = [visit.id for visit in visits]
    held = content.held_texts(SUBJECT, ids)
    counts = _finding_counts(ids)
    return [_view(visit, viewer, held, counts) for visit in visits]


def detail(visit: SupervisionVisit, viewer: User, today: date) -> View:
    """One visit with its findings (the hazards at the schools the viewer sees of it)."""
    base = views([visit], viewer)[0]
    school_ids = [school.id for school in base.schools]
    hazards = list(
        db.session.scalars(
            select(Hazard)
            .join(SupervisionFinding, SupervisionFinding.hazard_id == Hazard.id)
            .where(SupervisionFinding.visit_id == visit.id, Hazard.school_id.in_(school_ids))
            .options(*LIST_LOADS)
            .order_by(Hazard.id)
        )
    )
    return View(base, findings=hazard_views.summaries(hazards, today, viewer))
