"""An open-loop load generator: requests start at a fixed rate, whatever the answers before them.

Parents and teachers do not wait for each other: the k-th arrives at ``k / rate`` seconds however
slow the server is. A closed loop (wrk, ``acks.closed_loop``) sends the next request only after
an answer, so it measures a saturated server's queue rather than what a person waits at a given
load. Here each request's latency runs from the moment it was due, so a server (or a generator)
falling behind shows up in the figures instead of slowing the arrivals down.
"""

from __future__ import annotations

import collections
import http.client
import itertools
import threading
import time
from collections.abc import Callable

# One job: send its request(s) on the connection and return the first answer's status.
Job = Callable[[http.client.HTTPConnection], int]


def paced_load(port: int, jobs: list[Job], rate: float, threads: int) -> dict:
    """Start ``jobs`` in order at ``rate`` per second from ``threads`` threads, one keep-alive
    connection each. Returns req/s achieved, p50 and p99 in ms (from each job's due time to its
    first answer), requests, non-2xx, socket errors, statuses and ``late_ms``: how late the
    generator itself started its last job (large when it had too few threads)."""
    begin = time.monotonic() + 0.2
    counter = itertools.count()  # next() on a count is atomic under the GIL
    lock = threading.Lock()
    latencies: list[float] = []
    statuses: collections.Counter = collections.Counter()
    failures = {"socket_errors": 0, "late_ms": 0.0}

    def worker() -> None:
        """Take the next due job, wait for its time, run it, record it."""
        conn = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
        while (k := next(counter)) < len(jobs):
            due = begin + k / rate
            wait = due - time.monotonic()
            if wait > 0:
                time.sleep(wait)
            try:
                status = jobs[k](conn)
            except (OSError, http.client.HTTPException):
                with lock:
                    failures["socket_errors"] += 1
                conn.close()
                conn = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
                continue
            finished = time.monotonic()
            with lock:
                latencies.append((finished - due) * 1000)
                statuses[status] += 1
                failures["late_ms"] = max(failures["late_ms"], -wait * 1000)
        conn.close()

    workers = [threading.Thread(target=worker) for _ in range(threads)]
    for thread in workers:
        thread.start()
    for thread in workers:
        thread.join()
    elapsed = time.monotonic() - begin
    figures = load_figures(latencies, statuses, failures["socket_errors"], elapsed)
    return {**figures, "late_ms": failures["late_ms"], "elapsed": elapsed}


def load_figures(
    latencies_ms: list[float], statuses: collections.Counter, socket_errors: int, elapsed: float
) -> dict:
    """What a load run reports, as wrk does: req/s, p50 and p99 in ms, requests, non-2xx,
    socket errors and the statuses."""
    every = sorted(latencies_ms)
    if not every:
        raise RuntimeError("the load completed no request")

    def pct(p: float) -> float:
        """The p-th percentile of the latencies."""
        return every[min(len(every) - 1, int(len(every) * p / 100))]

    return {
        "rps": len(every) / elapsed,
        "p50": pct(50),
        "p99": pct(99),
        "requests": len(every),
        "non2xx": sum(v for k, v in statuses.items() if k >= 400),
        "socket_errors": socket_errors,
        "statuses": dict(statuses),
    }


def request(
    conn: http.client.HTTPConnection, method: str, path: str, body: bytes | None, token: str | None
) -> int:
    """One request on a keep-alive connection (its answer read to the end); the status."""
    headers = {"Content-Type": "application/json"} if body is not None else {}
    if token:
        headers["Authorization"] = f"Bearer {token}"
    conn.request(method, path, body, headers)
    response = conn.getresponse()
    response.read()
    return response.status
