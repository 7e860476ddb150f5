"""What every console template may use: the Chinese names, local times, the user's header."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from flask import g

from server.clock import CHINA_TZ
from server.console import bp, labels


@bp.app_template_filter("local_dt")
def local_dt(value: datetime | None) -> str:
    """An instant as Beijing time, to the minute."""
    return value.astimezone(CHINA_TZ).strftime("%Y-%m-%d %H:%M") if value else "—"


@bp.app_template_filter("local_date")
def local_date(value: date | datetime | None) -> str:
    """A date (an instant: its Beijing date)."""
    if value is None:
        return "—"
    if isinstance(value, datetime):
        value = value.astimezone(CHINA_TZ).date()
    return value.isoformat()


def _header() -> dict[str, Any]:
    """The logged-in user's name and the units of their grants, for the page header."""
    user = g.get("user")
    if user is None:
        return {}
    units = sorted({grant.unit.name for grant in user.grants})
    return {"user_name": user.display_name or f"用户{user.id}", "user_units": units}


@bp.context_processor
def _globals() -> dict[str, Any]:
    """Labels and the header in every console template."""
    return {
        "STATUS_NAMES": labels.STATUS_NAMES,
        "SEVERITY_NAMES": labels.SEVERITY_NAMES,
        "STAGE_NAMES": labels.STAGE_NAMES,
        "EVENT_NAMES": labels.EVENT_NAMES,
        "escalation_name": labels.escalation_name,
        **_header(),
    }


@bp.app_template_filter("pct")
def pct(rate: float | None) -> str:
    """A rate (0..1) as a percentage with one decimal; a dash when nothing was due."""
    return "—" if rate is None else f"{rate * 100:.1f}%"


@bp.app_template_filter("days")
def days(value: float | None) -> str:
    """A number of days with one decimal; a dash when there is none."""
    return "—" if value is None else f"{value:.1f} 天"
