"""Accountability actions (约谈, 通报) against a unit, recorded by a supervisor above it (the
capability reaches strictly below: nobody holds their own unit to account) with the evidence
that justified it; the unit's admins are told at once (DESIGN.md §2 phase 2)."""

from __future__ import annotations

from datetime import date
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import selectinload

from server import access
from server.clock import local_time
from server.extensions import db
from server.models import AccountabilityAction, Unit, User, utcnow
from server.models.supervision import ACTION_KIND_NAMES
from server.services import content, laggards, visits
from server.services.notify import enqueue_deliveries, notify
from server.services.views import View

RECORD = "accountability.record"
SUBJECT = "accountability"
# Who is told: the admins of the unit held to account (those who manage its staff).
TOLD = "staff.manage"
# A unit's actions are few; a list shows at most this many, newest first.
LIST_LIMIT = 200


def _notice(unit: Unit, action: AccountabilityAction, reason_shown: bool) -> list[int]:
    """Tell the unit's admins (never the recorder) of the action; returns pending deliveries.
    A reason the content check holds is not sent: the inbox points at the record instead."""
    kind = ACTION_KIND_NAMES[action.kind]
    title = f"问责记录：{kind}"
    body = f"{unit.name}被记录{kind}。"
    body += f"原因：{action.reason}" if reason_shown else "原因请在问责记录中查看。"
    told = access.holders_at([unit.id], TOLD) - {action.created_by_id}
    return notify(
        told,
        kind="accountability",
        title=title,
        body=body,
        template_key="task_reminder",
        values={"title": title, "body": body, "sent_at": local_time(action.created_at)},
        data={"unit_id": unit.id, "action_id": action.id},
    )


def record(user: User, unit_id: int, data: dict[str, Any], today: date) -> AccountabilityAction:
    """Record an action against a unit strictly below one of the caller's (403 at their own,
    404 out of scope). Without evidence given, the list's evidence for the last 30 days is
    kept. A visit named must be one the caller's side recorded."""
    unit = access.load_unit(user, unit_id, RECORD)
    visit_id = data.get("visit_id")
    if visit_id is not None:
        visits.load_for_record(user, visit_id, today)
    evidence = data.get("evidence")
    if evidence is None:
        start, end = laggards.period({}, today)
        evidence = laggards.evidence_for(unit, start, end, today)
    else:
        # Stored as JSON: the dates as ISO strings, like the computed evidence.
        evidence = {
            **evidence,
            "from": evidence["from"].isoformat(),
            "to": evidence["to"].isoformat(),
        }
    verdict = content.check_text(user, "reason", data["reason"])
    action = AccountabilityAction(
        unit_id=unit.id,
        kind=data["kind"],
        reason=data["reason"],
        evidence=evidence,
        visit_id=visit_id,
        created_by_id=user.id,
        created_at=utcnow(),
    )
    db.session.add(action)
    db.session.flush()
    content.hold_text(user, unit, SUBJECT, action.id, "reason", action.reason, verdict)
    deliveries = _notice(unit, action, verdict == content.PASSED)
    db.session.commit()
    enqueue_deliveries(deliveries)
    return action


def load_unit(user: User, unit_id: int) -> Unit:
    """A unit whose actions the user may read: figures.view there, or its own admins."""
    unit = db.session.get(Unit, unit_id)
    if unit is None or not access.sees(user, unit):
        raise access.not_found()
    if not (access.may(user, "figures.view", unit) or access.may(user, TOLD, unit)):
        raise access.forbidden("figures.view")
    return unit


def of_unit(user: User, unit: Unit) -> list[View]:
    """The actions against the unit, newest first, the held reasons masked."""
    actions = list(
        db.session.scalars(
            select(AccountabilityAction)
            .where(AccountabilityAction.unit_id == unit.id)
            .options(selectinload(AccountabilityAction.created_by))
            .order_by(AccountabilityAction.created_at.desc(), AccountabilityAction.id.desc())
            .limit(LIST_LIMIT)
        )
    )
    held = content.held_texts(SUBJECT, [a.id for a in actions])
    return [view(a, user, held) for a in actions]


def view(action: AccountabilityAction, user: User, held: dict | None = None) -> View:
    """One action as ``user`` sees it."""
    if held is None:
        held = content.held_texts(SUBJECT, [action.id])
    return View(
        action,
        reason=content.shown(held, user.id, action.id, "reason", action.reason),
        kind_name=ACTION_KIND_NAMES[action.kind],
    )
