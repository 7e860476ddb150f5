"""Campaigns are data: a JSON file per campaign, loaded by ``flask campaign load``."""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import Any

import marshmallow as ma
from sqlalchemy import select

from server.extensions import db
from server.models import Area, Campaign, CampaignPhase, FocusProblem
from server.services.data_files import read_data_file
from server.services.views import View

CAMPAIGN_DIR = Path(__file__).resolve().parent.parent / "data" / "campaigns"
_CODE = ma.validate.Regexp(r"^[a-z0-9][a-z0-9_.\-]*$", error="lower-case letters, digits, . _ -")


class _FocusProblemFile(ma.Schema):
    code = ma.fields.String(required=True, validate=[_CODE, ma.validate.Length(max=60)])
    name = ma.fields.String(required=True, validate=ma.validate.Length(min=1, max=200))


class _AreaFile(ma.Schema):
    code = ma.fields.String(required=True, validate=[_CODE, ma.validate.Length(max=40)])
    name = ma.fields.String(required=True, validate=ma.validate.Length(min=1, max=100))
    focus_problems = ma.fields.List(
        ma.fields.Nested(_FocusProblemFile), required=True, validate=ma.validate.Length(min=1)
    )


class _PhaseFile(ma.Schema):
    code = ma.fields.String(required=True, validate=[_CODE, ma.validate.Length(max=40)])
    name = ma.fields.String(required=True, validate=ma.validate.Length(min=1, max=100))
    description = ma.fields.String(load_default="", validate=ma.validate.Length(max=500))
    starts_on = ma.fields.Date(required=True)
    ends_on = ma.fields.Date(required=True)


class CampaignFile(ma.Schema):
    """The shape of a campaign file (see server/data/campaigns/)."""

    format = ma.fields.Integer(required=True, validate=ma.validate.Equal(1))
    code = ma.fields.String(required=True, validate=[_CODE, ma.validate.Length(max=40)])
    name = ma.fields.String(required=True, validate=ma.validate.Length(min=1, max=200))
    year = ma.fields.Integer(required=True, validate=ma.validate.Range(min=2000, max=2100))
    source = ma.fields.String(load_default="")
    phases = ma.fields.List(
        ma.fields.Nested(_PhaseFile), required=True, validate=ma.validate.Length(min=1)
    )
    areas = ma.fields.List(
        ma.fields.Nested(_AreaFile), required=True, validate=ma.validate.Length(min=1)
    )

    @ma.validates_schema
    def _check_consistency(self, data: dict[str, Any], **_: Any) -> None:
        """Phases in order without overlap; codes unique at every level."""
        previous_end: date | None = None
        for phase in data["phases"]:
            if phase["ends_on"] < phase["starts_on"]:
                raise ma.ValidationError(f"phase {phase['code']} ends before it starts")
            if previous_end is not None and phase["starts_on"] <= previous_end:
                raise ma.ValidationError(f"phase {phase['code']} overlaps the one before")
            previous_end = phase["ends_on"]
        _unique([p["code"] for p in data["phases"]], "phase")
        _unique([a["code"] for a in data["areas"]], "area")
        _unique([f["code"] for a in data["areas"] for f in a["focus_problems"]], "focus problem")


def _unique(codes: list[str], what: str) -> None:
    """Raise a validation error naming the first repeated code."""
    seen: set[str] = set()
    for code in codes:
        if code in seen:
            raise ma.ValidationError(f"{what} code {code!r} appears twice")
        seen.add(code)


class CampaignFileError(ValueError):
    """The file cannot be loaded; the message says why."""


def read_campaign_file(path: Path) -> dict[str, Any]:
    """Parse and validate a campaign file."""
    return read_data_file(path, CampaignFile(), CampaignFileError)


def _sync(existing: list, wanted: list[dict[str, Any]], make, what: str) -> list:
    """Update rows by code and add new ones; refuse removals, since hazards refer to codes."""
    by_code = {row.code: row for row in existing}
    missing = set(by_code) - {item["code"] for item in wanted}
    if missing:
        raise CampaignFileError(f"{what} codes cannot be removed once loaded: {sorted(missing)}")
    rows = []
    for seq, item in enumerate(wanted, start=1):
        row = by_code.get(item["code"]) or make()
        row.seq = seq
        for key, value in item.items():
            if not isinstance(value, list):
                setattr(row, key, value)
        rows.append(row)
    return rows


def load_campaign(data: dict[str, Any]) -> Campaign:
    """Create or update a campaign from validated file data, then commit."""
    campaign = db.session.scalars(select(Campaign).where(Campaign.code == data["code"])).first()
    if campaign is None:
        campaign = Campaign(code=data["code"])
        db.session.add(campaign)
    campaign.name = data["name"]
    campaign.year = data["year"]
    campaign.starts_on = data["phases"][0]["starts_on"]
    campaign.ends_on = data["phases"][-1]["ends_on"]
    campaign.phases = _sync(campaign.phases, data["phases"], CampaignPhase, "phase")
    campaign.areas = _sync(campaign.areas, data["areas"], Area, "area")
    for area, area_data in zip(campaign.areas, data["areas"], strict=True):
        area.focus_problems = _sync(
            area.focus_problems, area_data["focus_problems"], FocusProblem, "focus problem"
        )
    db.session.commit()
    return campaign


def campaign_by_code(code: str) -> Campaign | None:
    """The campaign with this code, if one was loaded."""
    return db.session.scalars(select(Campaign).where(Campaign.code == code)).first()


def active_campaign(today: date) -> Campaign | None:
    """The campaign running today; between campaigns, the latest one that has started, so
    reports can still be filed under its taxonomy."""
    running = db.session.scalars(
        select(Campaign)
        .where(Campaign.starts_on <= today, Campaign.ends_on >= today)
        .order_by(Campaign.starts_on.desc())
    ).first()
    if running is not None:
        return running
    return db.session.scalars(
        select(Campaign).where(Campaign.starts_on <= today).order_by(Campaign.starts_on.desc())
    ).first()


def campaign_view(campaign: Campaign, today: date) -> View:
    """The campaign as of ``today``: whether it is running and which phase is current."""
    return View(
        campaign,
        in_progress=campaign.starts_on <= today <= campaign.ends_on,
        phases=[
            View(phase, current=phase.starts_on <= today <= phase.ends_on)
            for phase in campaign.phases
        ],
    )
