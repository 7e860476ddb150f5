"""Real worker processes for the fan-out benchmark: ``huey_consumer server.worker.huey``."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def start_consumers(count: int, threads: int, tmp: Path) -> list[subprocess.Popen]:
    """Start ``count`` workers (``-k thread -w threads -n``, settings from the environment)
    and wait until each one's consumer is running, so start-up is not timed."""
    command = [sys.executable, "-m", "huey.bin.huey_consumer", "server.worker.huey"]
    started = []
    for index in range(count):
        log = tmp / f"consumer-{time.monotonic_ns()}-{index}.log"
        with open(log, "w") as out:  # the child keeps its own descriptor
            proc = subprocess.Popen(
                # An idle huey worker backs off up to 10 s between polls by default; with a
                # ceiling of 0.1 s every thread joins the fan-out as soon as it is queued (at
                # 0.5 s the idle threads' late start was a tenth of a 3-second run).
                [*command, "-k", "thread", "-w", str(threads), "-n", "-m", "0.1"],
                cwd=ROOT,
                env={**os.environ, "PYTHONPATH": str(ROOT)},
                stdout=out,
                stderr=subprocess.STDOUT,
            )
        started.append((proc, log))
    deadline = time.monotonic() + 300  # a busy machine imports slowly
    for proc, log in started:
        while "started" not in log.read_text():
            if proc.poll() is not None or time.monotonic() > deadline:
                stop_consumers([p for p, _ in started])
                raise RuntimeError(f"a worker did not start: {log.read_text()[-2000:]}")
            time.sleep(0.1)
    return [proc for proc, _ in started]


def stop_consumers(procs: list[subprocess.Popen]) -> None:
    """Stop the workers (SIGINT: huey finishes the tasks in hand) and wait for them."""
    for proc in procs:
        if proc.poll() is None:
            proc.send_signal(signal.SIGINT)
    for proc in procs:
        try:
            proc.wait(timeout=30)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait(timeout=10)
