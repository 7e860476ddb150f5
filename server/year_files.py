"""Data files kept one per year (``<year>.json``: the water-patrol schedules, the evaluation's
weights): read, parsed for the year the name gives, and every problem reported with the
file's name. Pure: no Flask, no database."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path
from typing import Any, TypeVar

T = TypeVar("T")


def read_year_file(path: Path, parse: Callable[[Any, int], T], error: type[ValueError]) -> T:
    """``parse(raw, year)`` of the JSON in ``path`` (named ``<year>.json``); ``error`` with the
    file's name when the name is not a year, the JSON is unreadable or ``parse`` refuses it."""
    try:
        year = int(path.stem)
    except ValueError:
        raise error(f"{path.name}: the file must be named <year>.json") from None
    try:
        raw = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise error(f"{path.name}: cannot read JSON: {exc}") from exc
    try:
        return parse(raw, year)
    except error as exc:
        raise error(f"{path.name}: {exc}") from None
