"""Probe an HTTP health route: exit 0 when it answers 2xx, 1 otherwise (stdlib only).

Used by the compose healthchecks (the image has Python, not curl) and by ``safety-web``'s
``ExecStartPost`` (``--wait``: keep trying, so ``systemctl start`` returns once gunicorn serves)::

    python deploy/probe.py http://127.0.0.1:8000/readyz
    python deploy/probe.py --wait 60 http://127.0.0.1:8000/livez
"""

from __future__ import annotations

import argparse
import sys
import time
import urllib.error
import urllib.request


def probe(url: str, timeout: float) -> str | None:
    """None when ``url`` answers 2xx within ``timeout`` seconds, else why not."""
    try:
        with urllib.request.urlopen(url, timeout=timeout) as response:
            return None if 200 <= response.status < 300 else f"HTTP {response.status}"
    except urllib.error.HTTPError as exc:
        return f"HTTP {exc.code}: {exc.read(500).decode('utf-8', 'replace')}"
    except (urllib.error.URLError, OSError) as exc:
        return str(getattr(exc, "reason", exc))


def main(argv: list[str] | None = None) -> int:
    """Probe once, or until ``--wait`` seconds pass; print the last failure."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("url")
    parser.add_argument("--timeout", type=float, default=3.0, help="seconds per attempt")
    parser.add_argument("--wait", type=float, default=0.0, help="keep trying this many seconds")
    args = parser.parse_args(argv)
    deadline = time.monotonic() + args.wait
    while True:
        failure = probe(args.url, args.timeout)
        if failure is None:
            return 0
        if time.monotonic() >= deadline:
            print(f"{args.url}: {failure}", file=sys.stderr)
            return 1
        time.sleep(0.5)


if __name__ == "__main__":
    sys.exit(main())
