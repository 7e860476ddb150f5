"""The worker's entry point: ``huey_consumer server.worker.huey -k thread -w 4``.

Importing this module builds the app from the environment, which points the queue at its
storage (Redis or the SQLite file) and gives the tasks the app context they run in.
"""

from __future__ import annotations

from server import create_app
from server.queue import huey

app = create_app()

__all__ = ["app", "huey"]
