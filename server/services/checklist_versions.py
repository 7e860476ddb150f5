"""The versions of a checklist template: which is current for a (code, unit), and making the
next one. One current version per (code, unit) holds by a conditional UPDATE of the version the
writer read and partial unique indexes (two first versions at once collide there)."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from sqlalchemy import select, update
from sqlalchemy.orm import selectinload

from server.extensions import db
from server.models import Area, FocusProblem, User
from server.models.patrols import ChecklistItem, ChecklistTemplate

# A write that lost a race is tried again this often, each time against what the winner wrote.
ATTEMPTS = 3


def focus_problems_by_code(codes: Iterable[str]) -> dict[str, FocusProblem]:
    """The focus problems with these codes, each from the most recent campaign that has it."""
    codes = sorted(set(codes))
    if not codes:
        return {}
    rows = db.session.scalars(
        select(FocusProblem)
        .join(Area, FocusProblem.area_id == Area.id)
        .where(FocusProblem.code.in_(codes))
        .order_by(Area.campaign_id)
    )
    # Ordered by campaign: the latest campaign's row overwrites earlier ones.
    return {row.code: row for row in rows}


def content_of(kind: str, name: str, items: list[tuple[str, str, str | None, str]]) -> list:
    """What makes a version differ from another: kind, name, items in order."""
    return [kind, name, [list(item) for item in items]]


def row_content(template: ChecklistTemplate) -> list:
    """A stored version's content, in the form of :func:`_content`."""
    items = [(i.code, i.text, i.hint, i.focus_problem.code) for i in template.items]
    return content_of(template.kind, template.name, items)


def current(code: str, unit_id: int | None) -> ChecklistTemplate | None:
    """The current version of ``code`` at the unit (None: the shipped one)."""
    owner = (
        ChecklistTemplate.unit_id.is_(None)
        if unit_id is None
        else ChecklistTemplate.unit_id == unit_id
    )
    return db.session.scalars(
        select(ChecklistTemplate)
        .where(ChecklistTemplate.code == code, owner, ChecklistTemplate.is_current)
        .options(selectinload(ChecklistTemplate.items).selectinload(ChecklistItem.focus_problem))
    ).first()


def new_version(
    seen: ChecklistTemplate | None,
    fields: dict[str, Any],
    items: list[dict[str, Any]],
    user: User | None,
) -> ChecklistTemplate | None:
    """Retire ``seen`` (the current version read before) and add the next version, without
    committing. None when ``seen`` is no longer current: another writer came first."""
    if seen is not None:
        retired = db.session.execute(
            update(ChecklistTemplate)
            .where(ChecklistTemplate.id == seen.id, ChecklistTemplate.is_current)
            .values(is_current=False)
            .execution_options(synchronize_session=False)
        )
        if retired.rowcount != 1:
            return None
    template = ChecklistTemplate(
        **fields,
        version=(seen.version + 1) if seen is not None else 1,
        is_current=True,
        created_by_id=user.id if user is not None else None,
    )
    db.session.add(template)
    db.session.flush()
    db.session.add_all(
        ChecklistItem(template_id=template.id, position=position, **item)
        for position, item in enumerate(items, start=1)
    )
    db.session.flush()
    return template
