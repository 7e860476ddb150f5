"""``flask setup``: what a fresh embedded install needs after ``flask db upgrade``."""

from __future__ import annotations

import click
from flask import current_app

from server.cli.campaign import load
from server.cli.demo import seed


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
    """Prepare the embedded demo: the store, the shipped campaigns and the demo district."""
    ctx.invoke(storage_command)
    ctx.invoke(load)
    ctx.invoke(seed)
