"""What an export kind hands the writers: its columns (a header and a cell type each) and the
rows, plus the Chinese names the ledgers show for stored codes."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import UTC, date, datetime
from typing import Any

from server.clock import CHINA_TZ

TEXT = "text"
DATE = "date"
DATETIME = "datetime"
NUMBER = "number"
INTEGER = "integer"

STATUS_NAMES = {
    "reported": "待制定方案",
    "planned": "待整改",
    "rectifying": "整改中",
    "fix_submitted": "待验收",
    "verified": "已验收",
    "fixed_on_spot": "立行立改",
    "closed": "已关闭",
}
SEVERITY_NAMES = {"general": "一般隐患", "major": "重大隐患"}
EVENT_NAMES = {
    "reported": "上报",
    "planned": "制定方案",
    "plan_revised": "修改方案",
    "classify": "归类",
    "started": "开始整改",
    "fix_submitted": "提交整改",
    "fixed_on_spot": "立行立改",
    "verified": "验收销号",
    "rejected": "验收退回",
    "closed": "关闭",
    "marked_duplicate": "标记重复",
    "escalated": "逾期上报",
    "hazard_overdue": "逾期提醒",
}


@dataclass(frozen=True)
class Column:
    """One column of an export: its Chinese header and the type of its cells."""

    header: str
    type: str = TEXT


@dataclass
class Table:
    """An export's content: columns, a row iterator and the total (for progress), plus the
    features of a map export (GeoJSON) when the kind has positions."""

    columns: list[Column]
    rows: Iterator[list[Any]]
    total: int
    features: Callable[[], Iterator[dict]] | None = None


def local(moment: datetime | None) -> datetime | None:
    """A stored UTC instant as China's wall-clock time without a zone (Excel has none)."""
    if moment is None:
        return None
    return moment.astimezone(CHINA_TZ).replace(tzinfo=None)


def day_bounds(start: date, end: date) -> tuple[datetime, datetime]:
    """The UTC instants from the start of ``start`` to the end of ``end``, China time."""
    first = datetime.combine(start, datetime.min.time(), CHINA_TZ).astimezone(UTC)
    last = datetime.combine(end, datetime.max.time(), CHINA_TZ).astimezone(UTC)
    return first, last
