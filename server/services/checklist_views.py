"""Checklist templates as the phone reads them (``Template`` of the API): the version in effect,
its unit, and its items with their focus problems; an item's text or hint held by WeChat's
content check is masked for everyone but its writer."""

from __future__ import annotations

from typing import Any

from server.models import User
from server.models.patrols import ChecklistTemplate
from server.services import content

SUBJECT = "checklist_item"


def template_views(templates: list[ChecklistTemplate], viewer: User) -> list[dict[str, Any]]:
    """The templates for ``viewer`` (one query for the holds of all their items)."""
    held = content.held_texts(SUBJECT, [i.id for t in templates for i in t.items])
    return [
        {
            "id": template.id,
            "code": template.code,
            "kind": template.kind,
            "name": template.name,
            "version": template.version,
            "unit": (
                {"id": template.unit.id, "name": template.unit.name}
                if template.unit is not None
                else None
            ),
            "items": [
                {
                    "id": item.id,
                    "code": item.code,
                    "text": content.shown(held, viewer.id, item.id, "text", item.text),
                    "hint": content.shown(held, viewer.id, item.id, "hint", item.hint),
                    "focus_problem": {
                        "code": item.focus_problem.code,
                        "name": item.focus_problem.name,
                    },
                }
                for item in template.items
            ],
        }
        for template in templates
    ]


def template_view(template: ChecklistTemplate, viewer: User) -> dict[str, Any]:
    """One template for ``viewer``."""
    return template_views([template], viewer)[0]
