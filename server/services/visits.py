"""Supervision visits: recorded by the visiting unit (the bureau or a center school), seen by
the visited schools (DESIGN.md §2 phase 2, issue 12 "Inspection visits and accountability").

The visiting side (``visit.record`` at the visit's unit) records, edits and sees every visit of
its units. A visited school's staff (``hazard.view`` at a visited school) see an announced visit
at once and an unannounced one (暗访) from its date on, and only their own school's part of it.
Anyone else is told the visit does not exist (404). Texts others read (title, what was checked,
the team, the report) go through WeChat's text check like every shared text.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from sqlalchemy import Select, and_, exists, or_, select
from sqlalchemy.orm import selectinload

from server import access
from server.errors import ApiError
from server.extensions import db
from server.models import SupervisionVisit, SupervisionVisitSchool, Unit, User
from server.roles import SCHOOL_KINDS
from server.services import content

RECORD = "visit.record"
SUBJECT = "visit"
# The texts of a visit that others read, each checked and held on its own.
TEXT_FIELDS = ("title", "what_checked", "report")


def team_text(team: list[dict[str, Any]]) -> str:
    """The team as one text for the content check (names, organisations, roles)."""
    return "；".join(f"{m['name']} {m['organisation']} {m.get('role') or ''}".strip() for m in team)


def _visited_schools(user: User, unit: Unit, school_ids: list[int]) -> list[Unit]:
    """The schools of a new visit: each a school strictly below the visiting unit and in the
    caller's scope; anything else is answered as not found."""
    schools = list(db.session.scalars(select(Unit).where(Unit.id.in_(school_ids))))
    found = {school.id: school for school in schools}
    for school_id in school_ids:
        school = found.get(school_id)
        if (
            school is None
            or school.id == unit.id
            or not unit.contains(school)
            or not access.sees(user, school)
        ):
            raise access.not_found("school")
        if school.kind not in SCHOOL_KINDS:
            raise ApiError(
                422,
                "validation_error",
                "Only schools and kindergartens are visited.",
                {"school_ids": [f"Unit {school_id} is not a school."]},
            )
    return [found[school_id] for school_id in school_ids]


def _check_texts(user: User, data: dict[str, Any]) -> dict[str, str]:
    """WeChat's verdict on each text given (a risky one refuses the request)."""
    verdicts = {
        field: content.check_text(user, field, data[field])
        for field in TEXT_FIELDS
        if data.get(field)
    }
    if "team" in data:
        verdicts["team"] = content.check_text(user, "team", team_text(data["team"]))
    return verdicts


def _text_of(visit: SupervisionVisit, field: str) -> str:
    """A checked field's text as stored."""
    return team_text(visit.team) if field == "team" else getattr(visit, field)


def create(user: User, data: dict[str, Any]) -> SupervisionVisit:
    """Record a visit of ``data['unit_id']`` (visit.record there) to schools below it."""
    unit = access.load_unit(user, data["unit_id"], RECORD)
    if unit.kind in SCHOOL_KINDS:
        raise ApiError(
            422,
            "validation_error",
            "Visits are made by the bureau or a center school, not by a school.",
            {"unit_id": ["A school does not visit."]},
        )
    schools = _visited_schools(user, unit, data["school_ids"])
    verdicts = _check_texts(user, data)
    visit = SupervisionVisit(
        unit_id=unit.id,
        visit_date=data["visit_date"],
        title=data["title"],
        announced=data["announced"],
        team=data["team"],
        what_checked=data["what_checked"],
        report=data.get("report"),
        status=data["status"],
        created_by_id=user.id,
    )
    db.session.add(visit)
    db.session.flush()
    db.session.add_all(SupervisionVisitSchool(visit_id=visit.id, school_id=s.id) for s in schools)
    for field, verdict in verdicts.items():
        content.hold_text(user, unit, SUBJECT, visit.id, field, _text_of(visit, field), verdict)
    db.session.commit()
    return visit


def may_record(user: User, visit: SupervisionVisit) -> bool:
    """Whether the user is on the visiting side of this visit."""
    return access.may(user, RECORD, visit.unit)


def visible_to_school(user: User, visit: SupervisionVisit, today: date) -> list[int]:
    """The visited schools whose staff the user is, when the visit is shown to them yet (an
    unannounced visit from its date on); empty otherwise."""
    if not visit.announced and visit.visit_date > today:
        return []
    return [
        link.school_id for link in visit.schools if access.may(user, "hazard.view", link.school)
    ]


def load(user: User, visit_id: int, today: date) -> SupervisionVisit:
    """A visit the user may see (visiting side, or a visited school's staff once shown)."""
    visit = db.session.get(SupervisionVisit, visit_id)
    if visit is None or not (may_record(user, visit) or visible_to_school(user, visit, today)):
        raise access.not_found("visit")
    return visit


def load_for_record(user: User, visit_id: int, today: date) -> SupervisionVisit:
    """A visit the user may edit or add findings to: 403 for a visited school's staff (who see
    it), 404 for anyone who does not see it."""
    visit = load(user, visit_id, today)
    if not may_record(user, visit):
        raise access.forbidden(RECORD)
    return visit


def patch(user: User, visit_id: int, data: dict[str, Any], today: date) -> SupervisionVisit:
    """Change a visit's title, date, announcement, team, what was checked, report or status
    (the visiting side only); changed texts are checked again."""
    visit = load_for_record(user, visit_id, today)
    verdicts = _check_texts(user, data)
    for name, value in data.items():
        setattr(visit, name, value)
    for field, verdict in verdicts.items():
        content.replace_text(
            user, visit.unit, SUBJECT, visit.id, field, _text_of(visit, field), verdict
        )
    if "report" in data and not data["report"]:
        # A report cleared: its earlier held text goes with it (a passed verdict holds nothing).
        content.replace_text(user, visit.unit, SUBJECT, visit.id, "report", "", content.PASSED)
    db.session.commit()
    return visit


def visible_query(user: User, today: date) -> Select:
    """The visits the user sees: every visit of a unit where they may record visits, and the
    visits of their schools once shown (announced, or unannounced from their date on)."""
    school_side = exists().where(
        SupervisionVisitSchool.visit_id == SupervisionVisit.id,
        SupervisionVisitSchool.school_id.in_(access.unit_ids_where(user, "hazard.view")),
    )
    shown = or_(SupervisionVisit.announced.is_(True), SupervisionVisit.visit_date <= today)
    return select(SupervisionVisit).where(
        or_(
            SupervisionVisit.unit_id.in_(access.unit_ids_where(user, RECORD)),
            and_(school_side, shown),
        )
    )


def page(
    user: User, filters: dict[str, Any], today: date
) -> tuple[list[SupervisionVisit], int | None]:
    """One page of the visits the user sees, newest visit date first; returns (visits, the
    offset of the next page or None)."""
    query = visible_query(user, today)
    if "school_id" in filters:
        query = query.where(
            SupervisionVisit.id.in_(
                select(SupervisionVisitSchool.visit_id).where(
                    SupervisionVisitSchool.school_id == filters["school_id"]
                )
            )
        )
    if "from" in filters:
        query = query.where(SupervisionVisit.visit_date >= filters["from"])
    if "to" in filters:
        query = query.where(SupervisionVisit.visit_date <= filters["to"])
    limit, offset = filters["limit"], filters["offset"]
    rows = list(
        db.session.scalars(
            query.options(
                selectinload(SupervisionVisit.unit),
                selectinload(SupervisionVisit.created_by),
                selectinload(SupervisionVisit.schools).selectinload(SupervisionVisitSchool.school),
            )
            .order_by(SupervisionVisit.visit_date.desc(), SupervisionVisit.id.desc())
            .offset(offset)
            .limit(limit + 1)
        )
    )
    more = len(rows) > limit
    return rows[:limit], offset + limit if more else None


def visiting_units(user: User) -> list[Unit]:
    """The units the user may record visits for (a school never visits), by path."""
    query = select(Unit).where(
        Unit.id.in_(access.unit_ids_where(user, RECORD)), Unit.kind.not_in(SCHOOL_KINDS)
    )
    return list(db.session.scalars(query.order_by(Unit.path, Unit.id)))


def schools_to_visit(user: User) -> list[Unit]:
    """The schools below the units the user may record visits for (the form's choices; the
    visit itself still checks each against its visiting unit), by path."""
    query = select(Unit).where(
        Unit.id.in_(access.unit_ids_where(user, RECORD)), Unit.kind.in_(SCHOOL_KINDS)
    )
    return list(db.session.scalars(query.order_by(Unit.path, Unit.id)))
