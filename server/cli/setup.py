"""``flask setup``: what a fresh embedded install needs after ``flask db upgrade``."""

from __future__ import annotations

from pathlib import Path

import click
from flask import current_app

from server.cli.calendar import load as load_calendars
from server.cli.campaign import load
from server.cli.checklists import load as load_checklists
from server.cli.demo import seed
from server.extensions import db
from server.services.invitations import create_first_admin_invitation, qr_png


@click.group("setup")
def group() -> None:
    """Set-up steps for a new installation."""


@group.command("storage")
def storage_command() -> None:
    """Create the bucket (or media folder) if it does not exist."""
    current_app.extensions["store"].ensure_ready()
    click.echo("object store ready")


@group.command("demo")
@click.pass_context
def demo_command(ctx: click.Context) -> None:
    """Prepare the embedded demo: the store, the shipped campaigns, calendars and checklists,
    and the demo district."""
    ctx.invoke(storage_command)
    ctx.invoke(load)
    ctx.invoke(load_calendars)
    ctx.invoke(load_checklists)
    ctx.invoke(seed)


@group.command("first-admin")
@click.option("--unit-code", required=True, help="The bureau's unit code (e.g. YQ000).")
@click.option(
    "--name", "bureau_name", help="Create the bureau with this name if no unit has the code."
)
@click.option(
    "--days",
    type=click.IntRange(1, 30),
    default=7,
    show_default=True,
    help="Days the invitation stays valid.",
)
@click.option(
    "--out",
    type=click.Path(dir_okay=False, path_type=Path),
    help="Where to write the QR code PNG (default: DATA_DIR/first-admin-<code>.png).",
)
def first_admin_command(unit_code: str, bureau_name: str | None, days: int, out: Path | None):
    """Make a one-use invitation for the bureau's first admin and write its QR code.

    The admin opens the mini-program, taps 加入单位 and scans the QR code or types the code.
    """
    try:
        invitation = create_first_admin_invitation(unit_code.strip(), bureau_name, days)
    except ValueError as exc:
        db.session.rollback()
        raise click.ClickException(str(exc)) from exc
    path = out or Path(current_app.config["DATA_DIR"]) / f"first-admin-{invitation.code}.png"
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(qr_png(invitation))
    click.echo(f"invitation code: {invitation.code}")
    click.echo(f"role: bureau_admin at {invitation.unit.code} {invitation.unit.name}")
    click.echo(f"valid until: {invitation.expires_at.isoformat(timespec='minutes')} (1 use)")
    click.echo(f"QR code: {path.resolve()}")
