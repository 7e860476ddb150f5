"""The worker's entry point: ``huey_consumer server.worker.huey -k thread -w 4``.

Importing this module builds the app from the environment, which points the queue at its
storage (Redis or the SQLite file) and gives the tasks the app context they run in, and has the
consumer log like the web service: ``LOG_FORMAT`` lines with the request id of each job.

Two roles run this same command (``deploy/``): the workers with ``-n`` (no periodic jobs) and
one scheduler without it, which queues the periodic jobs and runs jobs too.
"""

from __future__ import annotations

from server import create_app
from server.queue import huey

app = create_app()
huey.app_logging = True

__all__ = ["app", "huey"]
