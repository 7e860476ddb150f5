"""Subscribe-message templates are configuration: a JSON file names, per purpose, the template
id, its fields (WeChat key -> our value name) and the page the message opens.

Values are cut to WeChat's limits here, before sending, so WeChat never rejects a message for a
long school name (a ``thing`` holds at most 20 characters).
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any

DEFAULT_FILE = Path(__file__).resolve().parent.parent / "data" / "subscribe_templates.json"
# Longest value per field kind (WeChat's subscribe-message rules).
LIMITS = {
    "thing": 20,
    "phrase": 5,
    "name": 10,
    "number": 32,
    "letter": 32,
    "character_string": 32,
    "symbol": 5,
    "phone_number": 17,
    "car_number": 8,
    "amount": 32,
    "time": 32,
    "date": 32,
}


@dataclass(frozen=True)
class Template:
    """One configured template."""

    key: str
    template_id: str
    title: str
    long_term: bool
    page: str
    fields: dict[str, str]

    def render(self, values: dict[str, Any]) -> tuple[dict[str, dict[str, str]], str]:
        """The ``data`` object and the page for ``values``, every value cut to its limit."""
        data = {}
        for wechat_key, name in self.fields.items():
            data[wechat_key] = {"value": cut(field_kind(wechat_key), str(values.get(name, "")))}
        return data, self.page.format_map(_Blank(values))


class _Blank(dict):
    """Format map that leaves unknown placeholders empty rather than failing."""

    def __missing__(self, key: str) -> str:
        return ""


def field_kind(wechat_key: str) -> str:
    """``thing12`` -> ``thing``; ``character_string3`` -> ``character_string``."""
    return re.sub(r"\d+$", "", wechat_key)


def cut(kind: str, value: str) -> str:
    """Shorten a value to WeChat's limit for its kind, marking the cut with an ellipsis."""
    value = " ".join(value.split()) or "-"
    limit = LIMITS.get(kind)
    if limit is None or len(value) <= limit:
        return value
    return value[: limit - 1] + "…"


class TemplateConfigError(ValueError):
    """The template file is missing or malformed."""


@cache
def load_templates(path: str) -> dict[str, Template]:
    """Read and check the template file (cached per path)."""
    try:
        raw = json.loads(Path(path).read_text(encoding="utf-8"))
    except (OSError, json.JSONDecodeError) as exc:
        raise TemplateConfigError(f"cannot read subscribe templates {path}: {exc}") from exc
    templates = {}
    for key, entry in raw.items():
        try:
            fields = dict(entry["fields"])
            unknown = [k for k in fields if field_kind(k) not in LIMITS]
            if unknown or not entry["template_id"]:
                raise TemplateConfigError(f"template {key}: unknown field kinds {unknown}")
            templates[key] = Template(
                key=key,
                template_id=str(entry["template_id"]),
                title=str(entry.get("title", key)),
                long_term=bool(entry.get("long_term", False)),
                page=str(entry.get("page", "pages/index/index")),
                fields=fields,
            )
        except (KeyError, TypeError) as exc:
            raise TemplateConfigError(f"template {key} is malformed: {exc}") from exc
    return templates
