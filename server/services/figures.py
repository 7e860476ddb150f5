"""The supervision figures of a unit (issue 12 "Figures"): hazards found, fixed, verified, open
and overdue with the time to fix and the age of the open ones, funds planned, patrol
compliance, water-point coverage, bus clearance and notice acknowledgment, for the unit and
each of its direct children, and the hazards by area, focus problem and phase.

What counts (for the period [from, to], local dates):
- hazards reported in the period at a school at or below the unit; a duplicate is left out
  (its original counts); "overdue" is the ledger's rule (planned or rectifying, past the plan's
  deadline today); durations run from the report to the sign-off or the fix on the spot;
- slots whose day is in the period (patrols by hand, water visits, bus trips by their plan);
- notices sent in the period: each child reached counts once per notice.
Counts are grouped in the database by child unit, focus problem and phase and added up here, so
the children add up to the parent (the unit's own rows, if any, count in its totals only).
"""

from __future__ import annotations

from collections import defaultdict
from datetime import date, datetime, time, timedelta
from typing import Any

from sqlalchemy import or_, select

from server import access
from server.clock import CHINA_TZ
from server.errors import ApiError
from server.extensions import db
from server.models import Unit, User
from server.models.campaigns import Area, CampaignPhase, FocusProblem
from server.read_replica import replica_reads
from server.services import figures_sql as sql
from server.services.campaigns import active_campaign
from server.services.figures_rollup import (
    HazardSums,
    NoticeSums,
    SlotSums,
    durations_in_python,
)

MAX_DAYS = 400


def _invalid(field: str, message: str) -> ApiError:
    """A 422 naming the field."""
    return ApiError(422, "validation_error", message, {field: [message]})


def _day_start(day: date) -> datetime:
    """Midnight in China, as an aware instant (the dates people pick are local dates)."""
    return datetime.combine(day, time.min, tzinfo=CHINA_TZ)


def span(first: date | None, last: date | None, today: date) -> tuple[date, date]:
    """The days asked for: by default from the start of the campaign running on the last day
    (else 1 January of its year) to today; at most MAX_DAYS days."""
    last = last or today
    if first is None:
        campaign = active_campaign(last)
        running = campaign is not None and campaign.starts_on <= last <= campaign.ends_on
        first = campaign.starts_on if running else date(last.year, 1, 1)
        first = max(first, last - timedelta(days=MAX_DAYS))
    if first > last:
        raise _invalid("from", "from must not be after to.")
    if (last - first).days > MAX_DAYS:
        raise _invalid("from", f"At most {MAX_DAYS} days at once.")
    return first, last


def _phases(first: date, last: date) -> list[CampaignPhase]:
    """The phases of any campaign overlapping the period, in time order."""
    return list(
        db.session.scalars(
            select(CampaignPhase)
            .where(CampaignPhase.starts_on <= last, CampaignPhase.ends_on >= first)
            .order_by(CampaignPhase.starts_on, CampaignPhase.id)
        )
    )


def _focus_problems(ids: set[int], campaign_id: int | None) -> list[tuple[FocusProblem, Area]]:
    """The focus problems with hazards in the period and every one of the running campaign (a
    clean area shows as zeros rather than vanishing), with their areas, in the campaign's order."""
    conditions = [FocusProblem.id.in_(sorted(ids))]
    if campaign_id is not None:
        conditions.append(Area.campaign_id == campaign_id)
    return list(
        db.session.execute(
            select(FocusProblem, Area)
            .join(Area, Area.id == FocusProblem.area_id)
            .where(or_(*conditions))
            .order_by(Area.campaign_id, Area.seq, FocusProblem.seq, FocusProblem.id)
        ).all()
    )


def _durations(unit: Unit, start, end, bounds, now) -> dict[tuple[str, Any], tuple]:
    """(grouping, key) -> the four durations, from the database's percentiles where it has
    them, else ranked in Python."""
    if db.engine.dialect.name == "postgresql":
        found = sql.durations_postgresql(unit, start, end, bounds, now)
    else:
        found = durations_in_python(sql.durations_rows(unit, start, end, bounds, now))
    return {(name, key): values for name, key, values in found}


def figures(
    user: User, unit_id: int, first: date | None, last: date | None, now: datetime
) -> dict[str, Any]:
    """The figures of ``unit_id`` (figures.view there: 404 out of scope, 403 without)."""
    unit = access.load_unit(user, unit_id, "figures.view")
    first, last = span(first, last, now.astimezone(CHINA_TZ).date())
    return figures_of(unit, first, last, now)


def figures_of(unit: Unit, first: date, last: date, now: datetime) -> dict[str, Any]:
    """The figures of a unit for [first, last], access already decided (the API above; an
    export checked at its creation); read from the replica when there is one."""
    with replica_reads():
        return _figures_of(unit, first, last, now)


def _figures_of(unit: Unit, first: date, last: date, now: datetime) -> dict[str, Any]:
    """The figures themselves (see :func:`figures_of`)."""
    start, end = _day_start(first), _day_start(last + timedelta(days=1))
    phases = _phases(first, last)
    bounds = [
        (p.id, _day_start(max(p.starts_on, first)), _day_start(min(p.ends_on, last) + timedelta(1)))
        for p in phases
    ]
    children = list(
        db.session.scalars(
            select(Unit).where(Unit.parent_id == unit.id).order_by(Unit.name, Unit.id)
        )
    )

    hazards: dict[tuple[str, Any], HazardSums] = defaultdict(HazardSums)
    for row in sql.hazard_counts(unit, start, end, bounds, now):
        for key in (
            ("total", None),
            ("child", row.child),
            ("area", row.area),
            ("focus", row.focus),
            ("phase", row.phase),
        ):
            hazards[key].add(row)
    durations = _durations(unit, start, end, bounds, now)
    slots: dict[str, SlotSums] = defaultdict(SlotSums)
    for row in sql.slot_counts(unit, first, last, now):
        slots[None].add(row)
        slots[row.child].add(row)
    notices: dict[str, NoticeSums] = defaultdict(NoticeSums)
    for child, targeted, acknowledged in sql.notice_counts(unit, start, end):
        notices[None].add(targeted, acknowledged)
        notices[child].add(targeted, acknowledged)

    def hazard_figures(name: str, key: Any) -> dict[str, Any]:
        """HazardFigures of one group (zeros when it had none)."""
        return hazards.get((name, key), HazardSums()).figures(durations.get((name, key)))

    def all_figures(name: str, key: Any) -> dict[str, Any]:
        """Figures (hazards, slots, notices) of the totals or one child."""
        return {
            **hazard_figures(name, key),
            **slots.get(key, SlotSums()).figures(),
            "notices": notices.get(key, NoticeSums()).figures(),
        }

    focus_ids = {key for name, key in hazards if name == "focus" and key is not None}
    campaign = active_campaign(last)
    problems = _focus_problems(focus_ids, campaign.id if campaign else None)
    areas: dict[int, Area] = {area.id: area for _, area in problems}
    return {
        "unit": unit,
        "date_from": first,
        "date_to": last,
        "totals": all_figures("total", None),
        "children": [{"unit": child, **all_figures("child", str(child.id))} for child in children],
        "by_area": [{"area": area, **hazard_figures("area", area.id)} for area in areas.values()],
        "by_focus": [
            {
                "focus_problem": problem,
                "area_code": area.code,
                **hazard_figures("focus", problem.id),
            }
            for problem, area in problems
        ],
        "by_phase": [{"phase": phase, **hazard_figures("phase", phase.id)} for phase in phases],
    }
