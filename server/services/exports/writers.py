"""The file writers: Excel (openpyxl, write-only so a large ledger streams), CSV and GeoJSON.

Excel gets what a ledger printed at the bureau needs: Chinese headers in a frozen first row,
columns as wide as their content (a CJK character counts double), dates as date cells, and a
landscape A4 page fitted to width with the header row repeated and the unit and period in the
page header.
"""

from __future__ import annotations

import csv
import io
import json
import unicodedata
from collections.abc import Callable, Iterator
from datetime import date, datetime
from decimal import Decimal
from itertools import chain, islice
from typing import Any

from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.styles import Font
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.properties import PageSetupProperties

from server.services.exports.columns import DATE, DATETIME, INTEGER, NUMBER, Column, Table

# Rows measured for the column widths (the rest stream through unmeasured).
MEASURED_ROWS = 500
MIN_WIDTH, MAX_WIDTH = 6, 60
FORMATS = {DATE: "yyyy-mm-dd", DATETIME: "yyyy-mm-dd hh:mm", NUMBER: "#,##0.00", INTEGER: "0"}
PAPER_A4 = "9"
SHEET_FORBIDDEN = set(":\\/?*[]")
Progress = Callable[[int], None]


def display_width(value: Any) -> int:
    """How many character cells ``value`` takes when shown: wide (CJK) characters count two."""
    if value is None:
        return 0
    if isinstance(value, datetime):
        return 16
    if isinstance(value, date):
        return 10
    text = str(value)
    longest = max(text.split("\n"), key=len) if text else ""
    return sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in longest)


def widths(columns: list[Column], rows: list[list[Any]]) -> list[int]:
    """Each column's width: its widest header or cell, within 6 .. 60 (long text wraps)."""
    result = []
    for index, column in enumerate(columns):
        widest = max([display_width(column.header), *(display_width(r[index]) for r in rows)])
        result.append(min(MAX_WIDTH, max(MIN_WIDTH, widest + 2)))
    return result


def _counted(rows: Iterator[list[Any]], progress: Progress) -> Iterator[list[Any]]:
    """Pass rows through, reporting how many went by every 200."""
    count = 0
    for row in rows:
        yield row
        count += 1
        if count % 200 == 0:
            progress(count)
    progress(count)


def write_xlsx(table: Table, title: str, progress: Progress) -> tuple[bytes, int]:
    """The table as an .xlsx workbook; returns its bytes and the number of data rows."""
    workbook = Workbook(write_only=True)
    # Excel refuses these characters in a sheet's name, and names longer than 31.
    name = "".join(ch for ch in title if ch not in SHEET_FORBIDDEN)[:31]
    sheet = workbook.create_sheet(name or "导出")
    rows = _counted(table.rows, progress)
    head = list(islice(rows, MEASURED_ROWS))
    for index, width in enumerate(widths(table.columns, head), start=1):
        sheet.column_dimensions[get_column_letter(index)].width = width
    sheet.freeze_panes = "A2"
    sheet.print_title_rows = "1:1"
    sheet.page_setup.orientation = "landscape"
    sheet.page_setup.paperSize = PAPER_A4
    sheet.page_setup.fitToWidth = 1
    # 0: as many pages tall as it takes (only the width is fitted).
    sheet.page_setup.fitToHeight = 0
    sheet.sheet_properties.pageSetUpPr = PageSetupProperties(fitToPage=True)
    sheet.oddHeader.center.text = title
    sheet.oddFooter.center.text = "第 &P 页 / 共 &N 页"
    bold = Font(bold=True)
    sheet.append([_cell(sheet, c.header, None, bold) for c in table.columns])
    count = 0
    for values in chain(head, rows):
        sheet.append([_cell(sheet, v, c.type) for v, c in zip(values, table.columns, strict=True)])
        count += 1
    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue(), count


def _cell(sheet, value: Any, kind: str | None, font: Font | None = None) -> WriteOnlyCell:
    """One cell with the number format of its column type."""
    if isinstance(value, Decimal):
        value = float(value)
    cell = WriteOnlyCell(sheet, value=value)
    if kind in FORMATS and value is not None:
        cell.number_format = FORMATS[kind]
    if font is not None:
        cell.font = font
    return cell


def _csv_value(value: Any, kind: str) -> str:
    """A cell as CSV text: ISO dates, plain numbers."""
    if value is None:
        return ""
    if kind == DATETIME and isinstance(value, datetime):
        return value.strftime("%Y-%m-%d %H:%M")
    if isinstance(value, date):
        return value.isoformat()
    return str(value)


def write_csv(table: Table, progress: Progress) -> tuple[bytes, int]:
    """The table as UTF-8 CSV with a byte-order mark (so Excel opens the Chinese right)."""
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow([c.header for c in table.columns])
    count = 0
    for values in _counted(table.rows, progress):
        writer.writerow([_csv_value(v, c.type) for v, c in zip(values, table.columns, strict=True)])
        count += 1
    return ("\ufeff" + out.getvalue()).encode("utf-8"), count


def write_geojson(table: Table, progress: Progress) -> tuple[bytes, int]:
    """The table's features as a GeoJSON FeatureCollection (WGS-84, RFC 7946)."""
    if table.features is None:
        raise ValueError("this export has no positions")
    features = []
    for feature in table.features():
        features.append(feature)
        if len(features) % 200 == 0:
            progress(len(features))
    progress(len(features))
    document = {"type": "FeatureCollection", "features": features}
    return json.dumps(document, ensure_ascii=False, default=str).encode("utf-8"), len(features)
