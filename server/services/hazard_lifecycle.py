"""The rectification lifecycle declared once, as a table (DESIGN.md §3):

reported -> planned -> rectifying -> fix submitted -> verified, or rejected back to rectifying;
a general hazard may be fixed on the spot (reported -> fixed on the spot, with an after-photo);
any open hazard may be closed with a reason (not a hazard) or folded into an earlier report as a
duplicate. A report may come without a focus problem (the reporter was unsure): a planner files it
under one (``classify``, a step that keeps the status) before it can be planned.

Each row says from which states a step may be taken, where it leads, and which capability it
needs at the hazard's school. Who may act (``permitted``), what the phone offers
(``allowed_actions``) and the step itself (``apply``: one conditional UPDATE, so two people acting
at once get one success and one clear 409) all read this table.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from sqlalchemy import and_, false, or_, true, update

from server import access
from server.errors import ApiError
from server.extensions import db
from server.models import Hazard, HazardEvent, User
from server.models.hazards import (
    CLOSED,
    FIX_SUBMITTED,
    FIXED_ON_SPOT,
    OPEN_STATUSES,
    PLANNED,
    RECTIFYING,
    REPORTED,
    VERIFIED,
)


@dataclass(frozen=True)
class Step:
    """One step of the lifecycle."""

    action: str
    sources: tuple[str, ...]
    target: str | None  # None: the status stays (a duplicate keeps its status)
    capability: str
    # A major hazard needs this capability instead (signed off above the school).
    major_capability: str | None = None
    # The person the plan names may take this step too.
    responsible_may: bool = False
    # The person who submitted the fix may not take this step (separation of duties).
    not_by_fixer: bool = False
    # Only for general hazards: a major one always goes through the five-field plan.
    general_only: bool = False
    # Only once the hazard is filed under a focus problem (a plan is made for a known problem).
    needs_category: bool = False
    description: str = ""


STEPS: dict[str, Step] = {
    step.action: step
    for step in (
        Step(
            "plan",
            (REPORTED, PLANNED),
            PLANNED,
            "hazard.plan",
            needs_category=True,
            description="plan",
        ),
        # Filing an unsure report under a focus problem (or correcting one) while it is open.
        Step("classify", OPEN_STATUSES, None, "hazard.plan", description="classify"),
        Step(
            "start",
            (PLANNED,),
            RECTIFYING,
            "hazard.work",
            responsible_may=True,
            description="start work on",
        ),
        Step(
            "fix",
            (RECTIFYING,),
            FIX_SUBMITTED,
            "hazard.work",
            responsible_may=True,
            description="submit a fix for",
        ),
        Step(
            "verify",
            (FIX_SUBMITTED,),
            VERIFIED,
            "hazard.signoff",
            major_capability="hazard.signoff_major",
            not_by_fixer=True,
            description="verify",
        ),
        Step(
            "reject",
            (FIX_SUBMITTED,),
            RECTIFYING,
            "hazard.signoff",
            major_capability="hazard.signoff_major",
            description="reject the fix of",
        ),
        Step(
            "fix_on_spot",
            (REPORTED,),
            FIXED_ON_SPOT,
            "hazard.fix_on_spot",
            general_only=True,
            description="fix on the spot",
        ),
        Step("close", OPEN_STATUSES, CLOSED, "hazard.close", description="close"),
        Step(
            "duplicate",
            OPEN_STATUSES,
            None,
            "hazard.duplicate",
            description="mark as duplicate",
        ),
    )
}


def _capability(step: Step, hazard: Hazard) -> str:
    """The capability this step needs for this hazard."""
    if hazard.severity == "major" and step.major_capability:
        return step.major_capability
    return step.capability


def refusal(user: User, step: Step, hazard: Hazard) -> tuple[str, str] | None:
    """Why the user may not take the step on this hazard, as (code, message), or None when they
    may: role and duties only; the hazard's state is checked by ``permitted`` and ``apply``."""
    allowed = access.may(user, _capability(step, hazard), hazard.school)
    if not allowed and step.responsible_may:
        allowed = hazard.responsible_user_id == user.id
    if not allowed:
        return "forbidden", f"Your role may not {step.description} this hazard."
    if step.not_by_fixer and hazard.fix_submitted_by_id == user.id:
        return "own_fix_signoff", "The person who submitted the fix cannot sign it off."
    return None


def takeable_where(user: User, action: str, by_role: bool = True):
    """A WHERE clause for the hazards on which the user may take the step now: ``refusal`` and
    ``_offered`` as SQL, for lists such as the to-do list (they must agree; a test checks them
    against ``allowed_actions``). ``by_role=False`` leaves out those allowed only by their role,
    keeping the hazards the step falls to the user personally (the plan names them)."""
    step = STEPS[action]
    general = access.unit_ids_where(user, step.capability)
    if step.major_capability:
        major = access.unit_ids_where(user, step.major_capability)
        by_capability = or_(
            and_(Hazard.severity != "major", Hazard.school_id.in_(general)),
            and_(Hazard.severity == "major", Hazard.school_id.in_(major)),
        )
    else:
        by_capability = Hazard.school_id.in_(general)
    allowed = by_capability if by_role else false()
    if step.responsible_may:
        allowed = or_(allowed, Hazard.responsible_user_id == user.id)
    return and_(
        Hazard.status.in_(step.sources),
        Hazard.duplicate_of_id.is_(None),
        allowed,
        Hazard.severity == "general" if step.general_only else true(),
        Hazard.focus_problem_id.is_not(None) if step.needs_category else true(),
        # The fixer never signs off their own fix (a NULL fixer is nobody's).
        or_(Hazard.fix_submitted_by_id.is_(None), Hazard.fix_submitted_by_id != user.id)
        if step.not_by_fixer
        else true(),
    )


def permitted(user: User, action: str, hazard: Hazard) -> None:
    """Raise 403 unless the user may take the step (the caller has checked visibility), then
    409 unless the hazard is in a state the step starts from."""
    step = STEPS[action]
    reason = refusal(user, step, hazard)
    if reason:
        raise ApiError(403, reason[0], reason[1], {"action": action})
    if hazard.status not in step.sources or hazard.duplicate_of_id is not None:
        raise _conflict(hazard, step)
    if step.general_only and hazard.severity != "general":
        raise ApiError(
            409,
            "needs_plan",
            "A major hazard is rectified through a plan, not fixed on the spot.",
            {"severity": hazard.severity},
        )
    if step.needs_category and hazard.focus_problem_id is None:
        raise ApiError(
            409,
            "needs_category",
            "Classify the hazard under a focus problem before planning its rectification.",
            {"action": action},
        )


def _offered(step: Step, hazard: Hazard) -> bool:
    """Whether the hazard's state, severity and category allow the step (roles aside)."""
    return (
        hazard.status in step.sources
        and not (step.general_only and hazard.severity != "general")
        and not (step.needs_category and hazard.focus_problem_id is None)
    )


def allowed_actions(user: User, hazard: Hazard) -> list[str]:
    """The steps this user may take next (the phone shows only these buttons)."""
    if hazard.duplicate_of_id is not None:
        return []
    return [
        step.action
        for step in STEPS.values()
        if _offered(step, hazard) and refusal(user, step, hazard) is None
    ]


def _conflict(hazard: Hazard, step: Step) -> ApiError:
    """The 409 for a step taken from the wrong state (or lost to a concurrent step)."""
    state = "a duplicate" if hazard.duplicate_of_id is not None else hazard.status
    return ApiError(
        409,
        "invalid_transition",
        f"The hazard is {state}; this step needs {' or '.join(step.sources)}.",
        {"status": hazard.status, "duplicate_of_id": hazard.duplicate_of_id},
    )


def apply(
    user: User,
    hazard: Hazard,
    action: str,
    values: dict[str, Any],
    event: dict[str, Any],
    origin: dict[str, Any],
) -> HazardEvent:
    """Take the step in one conditional UPDATE (from an allowed state, not a duplicate), and
    write its event in the same transaction (the caller commits). Of two concurrent steps from
    the same state, the second finds the state moved on and gets a 409. Returns the event."""
    step = STEPS[action]
    from_status = hazard.status
    if from_status not in step.sources or hazard.duplicate_of_id is not None:
        raise _conflict(hazard, step)
    if step.target is not None:
        values = {**values, "status": step.target}
    # Conditional on the state the caller saw: a step taken meanwhile turns this into a 409.
    result = db.session.execute(
        update(Hazard)
        .where(
            Hazard.id == hazard.id,
            Hazard.status == from_status,
            Hazard.duplicate_of_id.is_(None),
        )
        .values(**values)
        .execution_options(synchronize_session=False)
    )
    if result.rowcount != 1:
        # Another step won the race: answer with the state it left.
        db.session.rollback()
        db.session.refresh(hazard)
        raise _conflict(hazard, step)
    position = origin.get("position")
    row = HazardEvent(
        hazard_id=hazard.id,
        actor_id=user.id,
        kind=event["kind"],
        from_status=from_status,
        to_status=step.target or from_status,
        changes=event.get("changes", {}),
        note=event.get("note"),
        client_ip=origin.get("ip"),
        lat=position.lat if position else None,
        lng=position.lng if position else None,
        coord_system=position.system if position else None,
    )
    db.session.add(row)
    db.session.flush()
    db.session.expire(hazard)
    return row
