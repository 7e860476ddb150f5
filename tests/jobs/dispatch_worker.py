"""A worker process for ``test_killed_worker``: build the app from the settings given as JSON
and dispatch the given deliveries, a few per claim (``python -m tests.jobs.dispatch_worker``)."""

from __future__ import annotations

import json
import sys

from server import create_app
from server.services.delivery import dispatch


def main() -> None:
    """Dispatch ``argv[2]`` (delivery ids) with the app of ``argv[1]`` (settings)."""
    app = create_app(json.loads(sys.argv[1]))
    with app.app_context():
        dispatch(json.loads(sys.argv[2]), batch=5)  # test_killed_worker.BATCH


if __name__ == "__main__":
    main()
