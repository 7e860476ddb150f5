"""A capacity table from a run's figures: ``python bench/capacity.py RESULTS_FILE``.

Reads the absolute figures the benchmarks recorded with their checks (``absolute`` in
``bench/targets.py``: acknowledgments/s of ``bench/acks.py`` at saturation, the web processes'
CPU per request of ``bench/morning.py``'s mix, push messages/s per worker process of
``bench/fanout.py``) and prints, as a Markdown
table, what a district, a city and a province need on their worst morning: parents'
acknowledgments within the hour, pushes, patrol rounds in the half hour, web and worker processes
and hosts, PostgreSQL commits at the peak, and which limit comes first.

A figure a run did not record falls back to the README's last measurement, and the table says
so. The model's assumptions are the constants below; each says where it comes from.
"""

from __future__ import annotations

import json
import math
import sys
from dataclasses import dataclass
from pathlib import Path

# The district; a city is about ten of them, a province about a hundred.
SCALES = (("district", 1), ("city", 10), ("province", 100))
SCHOOLS_PER_DISTRICT = 400
PUPILS_PER_DISTRICT = 250_000
# A child counts once: one acknowledgment per pupil, all within the hour, most of them in its
# first twenty minutes (the letter goes out before school): the peak rate is 3x the hour's mean.
ACK_PEAK_FACTOR = 3
# Pushes: every guardian with a grant gets one (about 1.5 guardians per child, 80% with a grant:
# bench/fanout.py's seed), to be sent within the hour before school.
PUSHES_PER_PUPIL = 1.5 * 0.8
PUSH_WINDOW_S = 3600
# bench/patrols.py's district: 6 checkpoints per school, rounds within the same half hour,
# bunched 2x at its peak.
ROUNDS_PER_SCHOOL = 6
ROUND_WINDOW_S = 1800
ROUND_PEAK_FACTOR = 2
# Run every process at most at half its measured rate at the peak (head-room for the rest of
# the traffic: pages, lists, reports, retries).
HEADROOM = 2
CORES_PER_HOST = 8
# WeChat's global send rate: server/config.py's default WECHAT_SEND_RATE ("100/second"); it is
# one limit for the whole mini-program, whatever the number of workers.
WECHAT_SEND_RATE = 100
# One PostgreSQL primary's small write transactions per second on an SSD with synchronous
# commit: an assumption (not measured here: this machine's disk and CPUs are shared). An
# acknowledgment and a round are one commit each; a push about one (its batch's commits divided
# over its messages, plus the delivery's own).
PG_COMMITS_PER_S = 5000

# The README's last measurements, used only when the results file lacks a figure.
FALLBACK = {
    "acks_per_web_process": (240 / 4, "README: ~240 acks/s on 4 web processes"),
    "rounds_per_web_process": (None, ""),
    "msg_per_worker_process": (194.0, "README: 194 msg/s in one worker process"),
}


@dataclass(frozen=True)
class Figures:
    """The per-process rates the table is computed from, and where each came from."""

    acks_per_web_process: float
    rounds_per_web_process: float
    msg_per_worker_process: float
    sources: tuple[str, ...]
    # CPU a web process spends per request of the morning's mix (0: not recorded). Preferred to
    # the rates: on a shared machine the rates measure the neighbours too, the CPU time does not.
    web_cpu_ms_per_request: float = 0.0


def read_figures(path: Path) -> Figures:
    """The rates from the results file's ``absolute`` figures, or the README's fallbacks."""
    found: dict[str, float] = {}
    for line in path.read_text(encoding="utf-8").splitlines():
        if not line.strip():
            continue
        record = json.loads(line)
        found.update(record.get("absolute") or {})
    sources = []
    rates: dict[str, float] = {}
    if "acks_per_s" in found and found.get("web_processes"):
        # The web processes share the machine's CPUs with PostgreSQL and the load generator:
        # per process counts only as many processes as there are CPUs (an understatement).
        busy = min(found["web_processes"], found.get("cpus", found["web_processes"]))
        rates["acks_per_web_process"] = found["acks_per_s"] / busy
        rates["rounds_per_web_process"] = found.get("rounds_per_s", 0.0) / busy
        sources.append(
            f"bench/acks.py: {found['acks_per_s']:.0f} acks/s at saturation, {busy:g} busy web "
            "processes"
        )
    if found.get("web_cpu_ms_per_request"):
        rates["web_cpu_ms_per_request"] = found["web_cpu_ms_per_request"]
        sources.append(
            f"bench/morning.py: {found['web_cpu_ms_per_request']:.1f} CPU ms per request in the "
            f"web processes ({found.get('ack_share', 0):.0%} of them acknowledgments, the rest "
            f"rounds, which cost more: the real morning's mix is cheaper)"
        )
    if "msg_per_s_per_process" in found:
        rates["msg_per_worker_process"] = found["msg_per_s_per_process"]
        sources.append(f"bench/fanout.py: {found['msg_per_s_per_process']:.0f} msg/s per process")
    for key, (value, source) in FALLBACK.items():
        if key not in rates:
            rates[key] = value or 0.0
            if source:
                sources.append(f"{source} (not recorded in this run)")
    return Figures(**rates, sources=tuple(sources))


def plan(figures: Figures, districts: int) -> dict:
    """What ``districts`` districts need on the worst morning (see the constants above)."""
    schools = SCHOOLS_PER_DISTRICT * districts
    pupils = PUPILS_PER_DISTRICT * districts
    ack_peak = pupils / 3600 * ACK_PEAK_FACTOR
    pushes = round(pupils * PUSHES_PER_PUPIL)
    push_rate = pushes / PUSH_WINDOW_S
    rounds = schools * ROUNDS_PER_SCHOOL
    round_peak = rounds / ROUND_WINDOW_S * ROUND_PEAK_FACTOR
    if figures.web_cpu_ms_per_request:
        # One web process per core, each request costing what the morning's mix cost on average.
        web_seconds = (ack_peak + round_peak) * figures.web_cpu_ms_per_request / 1000
    else:
        # Each process's time split between acks and rounds (a conservative sum of the two).
        web_seconds = ack_peak / figures.acks_per_web_process
        if figures.rounds_per_web_process:
            web_seconds += round_peak / figures.rounds_per_web_process
    web = max(1, math.ceil(web_seconds * HEADROOM))
    sent_rate = min(push_rate, WECHAT_SEND_RATE)
    workers = max(1, math.ceil(sent_rate * HEADROOM / figures.msg_per_worker_process))
    hosts = math.ceil(web / CORES_PER_HOST) + math.ceil(workers / CORES_PER_HOST)
    commits = ack_peak + sent_rate + round_peak
    limits = []
    if push_rate > WECHAT_SEND_RATE:
        hours = pushes / WECHAT_SEND_RATE / 3600
        limits.append(f"WeChat's global send rate ({hours:.1f} h at {WECHAT_SEND_RATE}/s)")
    if commits > PG_COMMITS_PER_S / HEADROOM:
        limits.append(f"PostgreSQL writes ({commits / PG_COMMITS_PER_S:.1f}x one primary)")
    limit = "; ".join(limits) or "CPU per web host (add web hosts)"
    return {
        "districts": districts,
        "schools": schools,
        "pupils": pupils,
        "acks": pupils,
        "ack_peak": ack_peak,
        "pushes": pushes,
        "push_rate": push_rate,
        "rounds": rounds,
        "round_peak": round_peak,
        "web": web,
        "workers": workers,
        "hosts": hosts,
        "commits": commits,
        "limit": limit,
    }


def render(figures: Figures) -> list[str]:
    """The Markdown table and the figures it rests on."""
    lines = [
        "| scale | schools | pupils | acks in the hour (peak/s) | pushes per morning (needed/s)"
        " | patrol rounds in the half hour (peak/s) | web processes | worker processes"
        " | hosts | PostgreSQL commits/s at peak | where the limit lies |",
        "| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | --- |",
    ]
    for name, districts in SCALES:
        row = plan(figures, districts)
        lines.append(
            f"| {name} | {row['schools']:,} | {row['pupils']:,} | {row['acks']:,} "
            f"({row['ack_peak']:,.0f}) | {row['pushes']:,} ({row['push_rate']:,.0f}) | "
            f"{row['rounds']:,} ({row['round_peak']:,.1f}) | {row['web']} | {row['workers']} | "
            f"{row['hosts']} | {row['commits']:,.0f} | {row['limit']} |"
        )
    lines.append("")
    if figures.web_cpu_ms_per_request:
        web = f"{1000 / figures.web_cpu_ms_per_request:.0f} requests/s per web process (core)"
    else:
        web = (
            f"{figures.acks_per_web_process:.0f} acks/s and "
            f"{figures.rounds_per_web_process:.1f} rounds/s per web process"
        )
    lines.append(
        f"Per process: {web}, "
        f"{figures.msg_per_worker_process:.0f} msg/s per worker process; processes sized for "
        f"{HEADROOM}x head-room, {CORES_PER_HOST} per host; WeChat {WECHAT_SEND_RATE} msg/s; "
        f"PostgreSQL {PG_COMMITS_PER_S:,} commits/s assumed."
    )
    lines.extend(f"- {source}" for source in figures.sources)
    return lines


def main(argv: list[str]) -> int:
    """Print the table for the results file named on the command line."""
    if len(argv) != 2:
        print(__doc__.splitlines()[0], file=sys.stderr)
        return 2
    print("\n".join(render(read_figures(Path(argv[1])))))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
