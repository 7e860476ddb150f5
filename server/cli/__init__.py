"""Command-line groups (``flask --app server ...``), each in its own module."""

from __future__ import annotations

from flask import Flask

from server.cli import (
    backup,
    calendar,
    campaign,
    checklists,
    demo,
    jobs,
    setup,
    units,
    water_points,
    wechat,
)


def register_cli(app: Flask) -> None:
    """Attach every command group to the app."""
    for module in (
        backup,
        campaign,
        calendar,
        checklists,
        units,
        demo,
        wechat,
        setup,
        jobs,
        water_points,
    ):
        app.cli.add_command(module.group)
