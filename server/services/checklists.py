"""Checklist templates are data: a JSON file per template code (``server/data/checklists/``),
loaded by ``flask checklists load``, each item filed under a focus problem of the campaign.

Templates are versioned: loading changed content makes the next version of the shipped template
(``unit_id`` null) and leaves the older row, no longer current, for the patrols filled against
it. A unit (a bureau, a center school, a school) adds its own items by making its own version.
The version in effect at a school is the current one of the nearest unit on its path that has
its own, else the shipped one. One current version per (code, unit) is guaranteed by partial
unique indexes and a conditional UPDATE, so two loads or two additions at once never make two.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import marshmallow as ma
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import selectinload

from server import access
from server.errors import ApiError
from server.extensions import db
from server.models import FocusProblem, Unit, User
from server.models.content import HELD, ContentCheck
from server.models.patrols import TEMPLATE_KINDS, ChecklistItem, ChecklistTemplate
from server.services import content
from server.services.checklist_versions import (
    ATTEMPTS,
    content_of,
    current,
    focus_problems_by_code,
    new_version,
    row_content,
)
from server.services.checklist_views import SUBJECT
from server.services.data_files import read_data_file

CHECKLIST_DIR = Path(__file__).resolve().parent.parent / "data" / "checklists"
_CODE = ma.validate.Regexp(r"^[a-z0-9][a-z0-9_.\-]*$", error="lower-case letters, digits, . _ -")


class _ItemFile(ma.Schema):
    code = ma.fields.String(required=True, validate=[_CODE, ma.validate.Length(max=40)])
    text = ma.fields.String(required=True, validate=ma.validate.Length(min=1, max=200))
    hint = ma.fields.String(load_default=None, validate=ma.validate.Length(max=300))
    focus_problem = ma.fields.String(required=True, validate=ma.validate.Length(min=1, max=60))


class ChecklistFile(ma.Schema):
    """The shape of a checklist file (see server/data/checklists/)."""

    format = ma.fields.Integer(required=True, validate=ma.validate.Equal(1))
    code = ma.fields.String(required=True, validate=[_CODE, ma.validate.Length(max=40)])
    kind = ma.fields.String(required=True, validate=ma.validate.OneOf(TEMPLATE_KINDS))
    name = ma.fields.String(required=True, validate=ma.validate.Length(min=1, max=100))
    source = ma.fields.String(load_default="")
    items = ma.fields.List(
        ma.fields.Nested(_ItemFile), required=True, validate=ma.validate.Length(min=1, max=100)
    )

    @ma.validates_schema
    def _unique_items(self, data: dict[str, Any], **_: Any) -> None:
        """Item codes are unique within the template (patrol answers name items by them)."""
        seen: set[str] = set()
        for item in data["items"]:
            if item["code"] in seen:
                raise ma.ValidationError(f"item code {item['code']!r} appears twice")
            seen.add(item["code"])


class ChecklistFileError(ValueError):
    """A file cannot be loaded; the message says which and why."""


def read_checklist_file(path: Path) -> dict[str, Any]:
    """Parse and validate a checklist file (its focus problems are checked on loading)."""
    return read_data_file(path, ChecklistFile(), ChecklistFileError)


def _load_one(data: dict[str, Any], focus: dict[str, FocusProblem]) -> tuple[int, bool]:
    """Make ``data`` the current shipped version of its code: (version, whether it changed)."""
    wanted = content_of(
        data["kind"],
        data["name"],
        [(i["code"], i["text"], i["hint"], i["focus_problem"]) for i in data["items"]],
    )
    fields = {"code": data["code"], "kind": data["kind"], "name": data["name"], "unit_id": None}
    items = [
        {
            "code": i["code"],
            "text": i["text"],
            "hint": i["hint"],
            "focus_problem_id": focus[i["focus_problem"]].id,
        }
        for i in data["items"]
    ]
    for _ in range(ATTEMPTS):
        seen = current(data["code"], None)
        if seen is not None and row_content(seen) == wanted:
            db.session.rollback()
            return seen.version, False
        try:
            made = new_version(seen, fields, items, None)
            if made is not None:
                db.session.commit()
                return made.version, True
        except IntegrityError:
            pass  # another load made its version first: compare with that one
        db.session.rollback()
    raise ChecklistFileError(f"{data['code']}: changed by another load meanwhile; load it again")


def load_checklists(paths: list[Path] | None = None) -> list[tuple[str, int, bool]]:
    """Load checklist files (default: every shipped one); every file and focus problem is
    checked before anything is written. Returns (code, current version, changed) per file."""
    paths = list(paths) if paths else sorted(CHECKLIST_DIR.glob("*.json"))
    parsed = [read_checklist_file(path) for path in paths]
    codes = [data["code"] for data in parsed]
    repeated = sorted({code for code in codes if codes.count(code) > 1})
    if repeated:
        raise ChecklistFileError(f"template codes given by more than one file: {repeated}")
    focus = focus_problems_by_code(i["focus_problem"] for d in parsed for i in d["items"])
    for path, data in zip(paths, parsed, strict=True):
        unknown = sorted({i["focus_problem"] for i in data["items"]} - set(focus))
        if unknown:
            raise ChecklistFileError(
                f"{path.name}: unknown focus problems {unknown} (load the campaign first: "
                "flask campaign load)"
            )
    return [(data["code"], *_load_one(data, focus)) for data in parsed]


def known_codes() -> set[str]:
    """The template codes that have a shipped or unit version."""
    return set(db.session.scalars(select(ChecklistTemplate.code).distinct()))


def _in_effect_query(unit: Unit, codes: list[str] | None = None):
    """Current versions, with items, of the unit's path and the shipped ones (one query)."""
    path_ids = [unit.id, *unit.ancestor_ids()]
    query = (
        select(ChecklistTemplate)
        .where(
            ChecklistTemplate.is_current,
            ChecklistTemplate.unit_id.is_(None) | ChecklistTemplate.unit_id.in_(path_ids),
        )
        .options(
            selectinload(ChecklistTemplate.items).selectinload(ChecklistItem.focus_problem),
            selectinload(ChecklistTemplate.unit),
        )
    )
    if codes is not None:
        query = query.where(ChecklistTemplate.code.in_(codes))
    return query, path_ids


def templates_in_effect(unit: Unit, codes: list[str] | None = None) -> list[ChecklistTemplate]:
    """The version of each template code (or of ``codes``, in their order) in effect at the
    unit: the current one of the nearest unit on its path that has its own, else shipped."""
    query, path_ids = _in_effect_query(unit, codes)
    # Nearest first: the unit itself, its parent, ..., the bureau, then the shipped version.
    rank = {unit_id: index for index, unit_id in enumerate(path_ids)}
    best: dict[str, ChecklistTemplate] = {}
    for template in db.session.scalars(query):
        order = rank.get(template.unit_id, len(rank))
        chosen = best.get(template.code)
        if chosen is None or order < rank.get(chosen.unit_id, len(rank)):
            best[template.code] = template
    if codes is not None:
        return [best[code] for code in codes if code in best]
    return sorted(best.values(), key=lambda t: t.code)


def template_in_effect(code: str, school: Unit) -> ChecklistTemplate | None:
    """The version of ``code`` in effect at the school (None when no version exists)."""
    found = templates_in_effect(school, [code])
    return found[0] if found else None


def require_patrol_reader(user: User, unit: Unit, what: str = "school") -> None:
    """404 out of scope; 403 unless the user may patrol there or see its patrols."""
    if not access.sees(user, unit):
        raise access.not_found(what)
    if not (access.may(user, "patrol.do", unit) or access.may(user, "patrol.view", unit)):
        raise access.forbidden("patrol.view")


def in_effect_for(user: User, school_id: int) -> list[ChecklistTemplate]:
    """``GET /checklists?school_id=``: the templates in effect at a unit the user patrols or
    watches."""
    unit = db.session.get(Unit, school_id)
    if unit is None:
        raise access.not_found()
    require_patrol_reader(user, unit)
    return templates_in_effect(unit)


def _checked(user: User, field: str, text: str | None) -> str:
    """WeChat's verdict on an item's text (risky: 422 naming the field)."""
    return content.check_text(user, field, text) if text else content.PASSED


def add_items(user: User, code: str, unit_id: int, new_items: list[dict[str, Any]]):
    """The unit's new version of ``code``: the items in effect at the unit plus ``new_items``
    (codes generated); the unit's older version stops being current. One transaction."""
    unit = access.load_unit(user, unit_id, "checklist.manage")
    focus = focus_problems_by_code(item["focus_problem"] for item in new_items)
    unknown = sorted({item["focus_problem"] for item in new_items} - set(focus))
    if unknown:
        raise ApiError(
            422, "validation_error", "Unknown focus problem.", {"focus_problem": unknown}
        )
    verdicts = [
        (_checked(user, "text", item["text"]), _checked(user, "hint", item.get("hint")))
        for item in new_items
    ]
    for _ in range(ATTEMPTS):
        base = template_in_effect(code, unit)
        if base is None:
            raise ApiError(404, "not_found", "No such checklist template.")
        # From the same read as the items: a version of the unit's made since then collides
        # with the unique indexes, and the next attempt builds on it.
        own = base if base.unit_id == unit.id else None
        items = [
            {"code": i.code, "text": i.text, "hint": i.hint, "focus_problem_id": i.focus_problem_id}
            for i in base.items
        ]
        taken = {item["code"] for item in items}
        added = []
        for item in new_items:
            item_code = _free_code(unit, taken)
            taken.add(item_code)
            added.append(
                {
                    "code": item_code,
                    "text": item["text"],
                    "hint": item.get("hint"),
                    "focus_problem_id": focus[item["focus_problem"]].id,
                }
            )
        fields = {"code": code, "kind": base.kind, "name": base.name, "unit_id": unit.id}
        try:
            made = new_version(own, fields, items + added, user)
            if made is not None:
                _hold_texts(user, unit, made, base, verdicts)
                db.session.commit()
                return made
        except IntegrityError:
            pass  # another addition at this unit came first: build on it
        db.session.rollback()
    raise ApiError(409, "conflict", "The checklist changed meanwhile; try again.")


def _free_code(unit: Unit, taken: set[str]) -> str:
    """The next unused item code of the unit's own items (``u<unit>-<n>``)."""
    number = 1
    while f"u{unit.id}-{number}" in taken:
        number += 1
    return f"u{unit.id}-{number}"


def _hold_texts(
    user: User, unit: Unit, made: ChecklistTemplate, base: ChecklistTemplate, verdicts
) -> None:
    """Hold the new items' texts WeChat did not pass, and keep holding the copies of items
    still held in ``base`` (masked for others until released)."""
    db.session.refresh(made, ["items"])
    copies = dict(zip([i.id for i in base.items], made.items, strict=False))
    held = db.session.scalars(
        select(ContentCheck).where(
            ContentCheck.subject == SUBJECT,
            ContentCheck.subject_id.in_(list(copies)),
            ContentCheck.status.in_(HELD),
        )
    )
    for check in held:
        db.session.add(
            ContentCheck(
                kind=check.kind,
                subject=SUBJECT,
                subject_id=copies[check.subject_id].id,
                field=check.field,
                content=check.content,
                writer_id=check.writer_id,
                unit_id=check.unit_id,
                status=check.status,
                suggest=check.suggest,
                attempts=check.attempts,
                checked_at=check.checked_at,
            )
        )
    added = made.items[len(base.items) :]
    for item, (text_verdict, hint_verdict) in zip(added, verdicts, strict=True):
        content.hold_text(user, unit, SUBJECT, item.id, "text", item.text, text_verdict)
        if item.hint:
            content.hold_text(user, unit, SUBJECT, item.id, "hint", item.hint, hint_verdict)
