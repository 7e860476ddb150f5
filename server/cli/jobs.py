"""``flask jobs``: run a periodic job once, by hand or from cron.

Safe beside running workers: every job claims its rows (a schedule's firing, a hazard's
escalation step, a delivery), so nothing goes out twice.
"""

from __future__ import annotations

from datetime import timedelta

import click

from server.services.delivery import recover_lost_claims
from server.services.escalation import escalate_overdue
from server.services.notify import requeue_stale
from server.services.photos import sweep_orphans
from server.services.schedules import run_due


@click.group("jobs")
def group() -> None:
    """Periodic jobs (the worker runs them on schedule: huey_consumer server.worker.huey)."""


@group.command("escalate")
def escalate() -> None:
    """Escalate overdue hazards now."""
    click.echo(f"{escalate_overdue()} hazard(s) escalated")


@group.command("sweep-photos")
def sweep_photos() -> None:
    """Delete uploads that were never attached to a report within a day."""
    click.echo(f"{sweep_orphans()} orphan photo(s) deleted")


@group.command("run-schedules")
def run_schedules() -> None:
    """Send the scheduled pushes that are due."""
    click.echo(f"{run_due()} schedule(s) fired")


@group.command("recover")
@click.option("--minutes", default=10, show_default=True, help="Claims older than this are lost.")
def recover(minutes: int) -> None:
    """Give back deliveries a dead worker claimed but never started, mark those it had in
    flight uncertain, and enqueue what is still pending."""
    returned, uncertain = recover_lost_claims(timedelta(minutes=minutes))
    queued = requeue_stale(timedelta(minutes=minutes))
    click.echo(f"{returned} returned to pending, {uncertain} uncertain, {queued} re-queued")
