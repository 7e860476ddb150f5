"""``flask jobs``: run a periodic job once, by hand or from cron.

Safe beside running workers: every job claims its rows (a schedule's firing, a hazard's
escalation step, a delivery), so nothing goes out twice.
"""

from __future__ import annotations

from datetime import timedelta

import click

from server.services.delivery import recover_lost_claims
from server.services.escalation import escalate_overdue
from server.services.job_status import delivery_counts, last_runs, troubled_deliveries
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


def _when(moment) -> str:
    """A UTC time to the second, as operators read logs."""
    return moment.strftime("%Y-%m-%d %H:%M:%S") if moment is not None else "-"


@group.command("status")
@click.option("--days", default=7, show_default=True, type=click.IntRange(1, 365))
@click.option("--limit", default=20, show_default=True, type=click.IntRange(1, 1000))
def status(days: int, limit: int) -> None:
    """Show the last run of each periodic job, the pushes of the last DAYS by state, and the
    newest that ended uncertain (a worker died sending them: maybe delivered, never re-sent)
    or failed. Times are UTC."""
    runs = last_runs()
    click.echo("periodic jobs (last period claimed, worker, finished):")
    if not runs:
        click.echo("  none yet: is the scheduler running?")
    for run in runs:
        finished = _when(run.finished_at) if run.finished_at else "running or failed"
        click.echo(f"  {run.job:<28} {_when(run.period)}  {run.worker}  {finished}")
    since = timedelta(days=days)
    counts = delivery_counts(since)
    shown = ", ".join(f"{state} {count}" for state, count in counts.items()) or "none"
    click.echo(f"pushes of the last {days} day(s): {shown}")
    troubled = troubled_deliveries(since, limit)
    if troubled:
        click.echo("uncertain or failed (newest first):")
    for row in troubled:
        error = f"{row.errcode} {row.errmsg or ''}".strip() if row.errcode is not None else ""
        click.echo(
            f"  #{row.id} {row.status:<9} {_when(row.created_at)} user {row.user_id} "
            f"template {row.template_id} {error}".rstrip()
        )
