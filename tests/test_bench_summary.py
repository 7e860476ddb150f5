"""bench/summary.py's table and exit status, and bench/capacity.py's arithmetic, on sample
results files (no benchmark is run)."""

from __future__ import annotations

import json

import pytest

from bench import capacity, summary


def check_line(bench: str, target: str, figure: float, limit: float, met: bool, **extra) -> dict:
    """A line as bench/targets.py:check writes it (an at-most target)."""
    return {
        "bench": bench,
        "target": target,
        "figure": figure,
        "limit": limit,
        "at_least": False,
        "unit": "x",
        "met": met,
        "detail": "",
        **extra,
    }


def run_line(name: str, status: int = 0, targets: bool = True) -> dict:
    """A line as bench/run.sh writes it after a benchmark."""
    return {"run": name, "exit": status, "targets": targets}


def write(tmp_path, records: list[dict]):
    """The records as a results file, one JSON object a line."""
    path = tmp_path / "results.jsonl"
    path.write_text("".join(json.dumps(r) + "\n" for r in records), encoding="utf-8")
    return path


def test_summary_all_met_exits_zero(tmp_path, capsys):
    path = write(
        tmp_path,
        [
            check_line("acks", "p99 vs /healthz p99", 2.5, 3, True),
            run_line("acks"),
            run_line("patrols", targets=False),
        ],
    )
    assert summary.main(["summary.py", str(path)]) == 0
    out = capsys.readouterr().out
    assert "| acks | p99 vs /healthz p99 | 2.5x | <= 3x | met |" in out
    assert "figures only (no target to record): patrols" in out
    assert "1 of 1 targets met, 0 benchmark(s) failed: ALL MET" in out


def test_summary_missed_crashed_and_silent_benches_fail(tmp_path, capsys):
    path = write(
        tmp_path,
        [
            check_line("photos", "pipeline time", 1.1, 1.15, True),
            run_line("photos"),
            check_line("fanout", "msg/s vs raw POSTs", 0.5, 0.75, False, at_least=True),
            run_line("fanout"),
            check_line("reports", "create time", 0.7, 0.8, True),
            run_line("reports", status=1),  # crashed after recording one check
            run_line("figures"),  # ended well but recorded nothing
        ],
    )
    assert summary.main(["summary.py", str(path)]) == 1
    out = capsys.readouterr().out
    assert "| fanout | msg/s vs raw POSTs | 0.5x | >= 0.75x | **MISSED** |" in out
    assert "| photos | pipeline time | 1.1x | <= 1.15x | met |" in out
    assert "FAILED reports: crashed (exit status 1)" in out
    assert "FAILED figures: recorded no target" in out
    assert "FAILED photos" not in out and "FAILED fanout" not in out
    assert "2 of 3 targets met, 2 benchmark(s) failed: NOT ALL MET" in out


def test_summary_checks_without_run_lines_are_judged_alone(tmp_path, capsys):
    path = write(tmp_path, [check_line("acks", "errors", 0, 0, True)])
    assert summary.main(["summary.py", str(path)]) == 0
    assert "1 of 1 targets met" in capsys.readouterr().out


MORNING = {
    "acks_per_s": 300.0,
    "rounds_per_s": 20.0,
    "healthz_per_s": 900.0,
    "web_processes": 4,
    "cpus": 2,
}


def test_capacity_arithmetic(tmp_path):
    path = write(
        tmp_path,
        [
            check_line("morning", "errors", 0, 0, True, absolute=MORNING),
            check_line("fanout", "msg/s", 0.8, 0.75, True, absolute={"msg_per_s_per_process": 50}),
        ],
    )
    figures = capacity.read_figures(path)
    # 300 acks/s on 4 processes sharing 2 CPUs: 150 per busy process.
    assert figures.acks_per_web_process == 150
    assert figures.rounds_per_web_process == 10
    assert figures.msg_per_worker_process == 50
    assert not any("not recorded" in source for source in figures.sources)

    district = capacity.plan(figures, 1)
    assert district["ack_peak"] == pytest.approx(250_000 / 3600 * 3)  # 208.3/s
    assert district["pushes"] == 300_000  # 1.2 pushes per pupil
    assert district["rounds"] == 2_400
    # (208.3 / 150 + 2.67 / 10) x 2 head-room = 3.3 -> 4 web processes
    assert district["web"] == 4
    # 83.3 msg/s x 2 / 50 per process = 3.3 -> 4 worker processes; one host each
    assert district["workers"] == 4
    assert district["hosts"] == 2
    assert district["commits"] == pytest.approx(208.33 + 83.33 + 2.67, abs=0.1)
    assert district["limit"] == "CPU per web host (add web hosts)"

    city = capacity.plan(figures, 10)
    # 3,000,000 pushes in the hour need 833/s: WeChat's 100/s caps them, and the workers.
    assert city["workers"] == 4
    assert city["limit"].startswith("WeChat's global send rate (8.3 h at 100/s)")
    province = capacity.plan(figures, 100)
    assert "PostgreSQL writes" in province["limit"]


def test_capacity_falls_back_to_the_readme_figures_and_says_so(tmp_path, capsys):
    path = write(tmp_path, [check_line("morning", "errors", 0, 0, True, absolute=MORNING)])
    assert capacity.main(["capacity.py", str(path)]) == 0
    out = capsys.readouterr().out
    assert "| district | 400 | 250,000 |" in out
    assert "194 msg/s in one worker process (not recorded in this run)" in out


def test_capacity_prefers_the_web_processes_cpu_time(tmp_path):
    measured = {**MORNING, "web_cpu_ms_per_request": 10.0, "ack_share": 0.75}
    path = write(tmp_path, [check_line("morning", "errors", 0, 0, True, absolute=measured)])
    figures = capacity.read_figures(path)
    district = capacity.plan(figures, 1)
    # (208.3 acks/s + 2.67 rounds/s) x 10 ms x 2 head-room = 4.2 cores -> 5 web processes
    assert district["web"] == 5
    assert "10.0 CPU ms per request" in "\n".join(capacity.render(figures))
