"""Files the project loads as data (the campaign, school calendars): JSON, checked by a
marshmallow schema, every problem reported with the file's name."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import marshmallow as ma


def read_data_file(path: Path, schema: ma.Schema, error: type[ValueError]) -> dict[str, Any]:
    """Parse ``path`` and load it with ``schema``; ``error`` (with the file's name and what is
    wrong) when it is not readable JSON or does not fit."""
    try:
        raw = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise error(f"{path.name}: cannot read JSON: {exc}") from exc
    try:
        return schema.load(raw)
    except ma.ValidationError as exc:
        raise error(f"{path.name}: {exc.messages}") from exc
