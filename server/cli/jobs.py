"""``flask jobs``: run a periodic job once, by hand or from cron."""

from __future__ import annotations

import click

from server.services.escalation import escalate_overdue
from server.services.photos import sweep_orphans


@click.group("jobs")
def group() -> None:
    """Periodic jobs (the worker runs them on schedule: huey_consumer server.jobs.huey)."""


@group.command("escalate")
def escalate() -> None:
    """Escalate overdue hazards now."""
    click.echo(f"{escalate_overdue()} hazard(s) escalated")


@group.command("sweep-photos")
def sweep_photos() -> None:
    """Delete uploads that were never attached to a report within a day."""
    click.echo(f"{sweep_orphans()} orphan photo(s) deleted")
