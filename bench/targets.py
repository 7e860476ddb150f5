"""Issue 13's targets, checked where each benchmark measures its figure.

Each benchmark calls :func:`check` once per target with the figure it measured (a ratio to a
baseline from the same run). The line it prints says whether the target was met; when the
``BENCH_RESULTS`` environment variable names a file (``bench/run.sh`` sets it), the result is
also appended to it as one JSON object per line, for ``bench/summary.py`` to print as one table.
"""

from __future__ import annotations

import json
import os

RESULTS_ENV = "BENCH_RESULTS"


def check(
    bench: str,
    target: str,
    figure: float,
    limit: float,
    *,
    at_least: bool,
    unit: str = "x",
    detail: str = "",
    absolute: dict[str, float] | None = None,
) -> bool:
    """Print and record one target: ``figure`` must be >= ``limit`` (``at_least``) or <= it.

    ``absolute`` optionally carries figures in their own units (``{"acks_per_s": 212.0}``),
    which ``bench/capacity.py`` turns into a capacity table; they are recorded, not printed.
    """
    met = figure >= limit if at_least else figure <= limit
    sign = ">=" if at_least else "<="
    verdict = "met" if met else "MISSED"
    print(
        f"TARGET {bench} | {target}: {figure:.3g}{unit} (target {sign} {limit:g}{unit}) {verdict}"
    )
    path = os.environ.get(RESULTS_ENV)
    if path:
        record = {
            "bench": bench,
            "target": target,
            "figure": figure,
            "limit": limit,
            "at_least": at_least,
            "unit": unit,
            "met": met,
            "detail": detail,
        }
        if absolute:
            record["absolute"] = absolute
        with open(path, "a", encoding="utf-8") as out:
            out.write(json.dumps(record, ensure_ascii=False) + "\n")
    return met
