"""``flask campaign``: load campaign files and list what is loaded."""

from __future__ import annotations

from pathlib import Path

import click
from sqlalchemy import select

from server.extensions import db
from server.models import Campaign
from server.services.campaigns import (
    CAMPAIGN_DIR,
    CampaignFileError,
    load_campaign,
    read_campaign_file,
)


@click.group("campaign")
def group() -> None:
    """Campaigns: their phases and the taxonomy of areas and focus problems."""


@group.command("load")
@click.argument("files", nargs=-1, type=click.Path(exists=True, dir_okay=False, path_type=Path))
def load(files: tuple[Path, ...]) -> None:
    """Load campaign files (default: every file the project ships). Re-loading updates names
    and dates and adds new codes; codes already loaded cannot be removed."""
    paths = list(files) or sorted(CAMPAIGN_DIR.glob("*.json"))
    if not paths:
        raise click.ClickException(f"no campaign files in {CAMPAIGN_DIR}")
    try:
        parsed = [read_campaign_file(path) for path in paths]
        for path, data in zip(paths, parsed, strict=True):
            campaign = load_campaign(data)
            problems = sum(len(area.focus_problems) for area in campaign.areas)
            click.echo(
                f"loaded {campaign.code} from {path.name}: {len(campaign.phases)} phases, "
                f"{len(campaign.areas)} areas, {problems} focus problems"
            )
    except CampaignFileError as exc:
        db.session.rollback()
        raise click.ClickException(str(exc)) from exc


@group.command("list")
def list_campaigns() -> None:
    """List the loaded campaigns with their dates."""
    for campaign in db.session.scalars(select(Campaign).order_by(Campaign.starts_on)):
        click.echo(f"{campaign.code}\t{campaign.year}\t{campaign.starts_on}..{campaign.ends_on}")
