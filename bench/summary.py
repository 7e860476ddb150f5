"""One table of every issue-13 target recorded in a run: ``python bench/summary.py RESULTS_FILE``.

The file holds one JSON object a line, of two kinds:

- a check, written by ``bench/targets.py:check`` (``bench``, ``target``, ``figure``, ``limit``,
  ``at_least``, ``unit``, ``met``, ``detail``);
- a run, written by ``bench/run.sh`` after each benchmark ends: ``{"run": "acks", "exit": 0,
  "targets": true}``. The checks written since the previous run line are that benchmark's.
  ``targets`` false marks a benchmark that prints figures only (nothing to record).

Prints the table (Markdown, so it can be pasted), then a line for each benchmark that crashed or
recorded no target although it should have. Exit status 1 when any target was missed or any
benchmark failed, else 0.
"""

from __future__ import annotations

import json
import sys
from dataclasses import dataclass, field
from pathlib import Path


@dataclass
class Run:
    """One benchmark's run: its exit status and the checks it recorded."""

    name: str
    exit: int | None  # None: no run line (checks recorded outside run.sh)
    expects_targets: bool
    checks: list[dict] = field(default_factory=list)

    def problem(self) -> str | None:
        """Why this run counts as failed, or None."""
        if self.exit not in (0, None):
            return f"crashed (exit status {self.exit})"
        if self.expects_targets and not self.checks:
            return "recorded no target"
        return None


def read_runs(path: Path) -> list[Run]:
    """The runs in the file, in order; checks after the last run line form unnamed runs."""
    runs: list[Run] = []
    pending: list[dict] = []
    for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
        if not line.strip():
            continue
        try:
            record = json.loads(line)
        except ValueError as exc:
            raise SystemExit(f"{path}:{number}: not JSON ({exc})") from exc
        if "run" in record:
            runs.append(
                Run(
                    record["run"],
                    int(record.get("exit", 0)),
                    bool(record.get("targets", True)),
                    pending,
                )
            )
            pending = []
        else:
            pending.append(record)
    # Checks with no run line after them (a benchmark run by hand with BENCH_RESULTS set, or
    # one still writing): one run per bench name, judged on its checks alone.
    for record in pending:
        named = [run for run in runs if run.exit is None and run.name == record["bench"]]
        if named:
            named[0].checks.append(record)
        else:
            runs.append(Run(record["bench"], None, True, [record]))
    return runs


def figure_text(value: float, unit: str) -> str:
    """A figure as the check printed it: three significant digits and its unit."""
    return f"{value:.3g}{unit}"


def table(runs: list[Run]) -> list[str]:
    """The Markdown table of every check, in the order they were recorded."""
    lines = ["| bench | target | figure | limit | met |", "| --- | --- | --- | --- | --- |"]
    for run in runs:
        for check in run.checks:
            unit = check.get("unit", "x")
            sign = ">=" if check["at_least"] else "<="
            verdict = "met" if check["met"] else "**MISSED**"
            lines.append(
                f"| {check['bench']} | {check['target']} | {figure_text(check['figure'], unit)} "
                f"| {sign} {check['limit']:g}{unit} | {verdict} |"
            )
    return lines


def summarise(path: Path) -> tuple[list[str], bool]:
    """The lines to print and whether everything passed."""
    runs = read_runs(path)
    lines = table(runs)
    checks = [check for run in runs for check in run.checks]
    missed = [check for check in checks if not check["met"]]
    failed = [(run.name, run.problem()) for run in runs if run.problem()]
    figures_only = [run.name for run in runs if not run.expects_targets and not run.checks]
    lines.append("")
    for name, problem in failed:
        lines.append(f"FAILED {name}: {problem}")
    if figures_only:
        lines.append(f"figures only (no target to record): {', '.join(figures_only)}")
    passed = not missed and not failed
    lines.append(
        f"{len(checks) - len(missed)} of {len(checks)} targets met, "
        f"{len(failed)} benchmark(s) failed: " + ("ALL MET" if passed else "NOT ALL MET")
    )
    return lines, passed


def main(argv: list[str]) -> int:
    """Print the summary of the file named on the command line; the exit status says if all met."""
    if len(argv) != 2:
        print(__doc__.splitlines()[0], file=sys.stderr)
        return 2
    lines, passed = summarise(Path(argv[1]))
    print("\n".join(lines))
    return 0 if passed else 1


if __name__ == "__main__":
    sys.exit(main(sys.argv))
