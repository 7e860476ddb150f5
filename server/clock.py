"""Time helpers. Dates that people see (phases, deadlines) are in China Standard Time."""

from __future__ import annotations

from datetime import date, datetime
from zoneinfo import ZoneInfo

CHINA_TZ = ZoneInfo("Asia/Shanghai")


def local_today() -> date:
    """Today's date in China, where a phase or a deadline begins at local midnight."""
    return datetime.now(CHINA_TZ).date()


def local_time(moment: datetime) -> str:
    """An instant as people in China read it: ``2026-06-01 08:00``."""
    return moment.astimezone(CHINA_TZ).strftime("%Y-%m-%d %H:%M")
