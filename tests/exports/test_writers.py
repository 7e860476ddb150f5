"""The writers on their own: widths count CJK characters double, sheet names Excel accepts,
and a long export streams through write-only mode with every row."""

from __future__ import annotations

from datetime import date

from server.services.exports.columns import DATE, INTEGER, Column, Table
from server.services.exports.writers import display_width, widths, write_xlsx
from tests.exports.conftest import sheet_of


def test_cjk_characters_count_double():
    assert display_width("abc") == 3
    assert display_width("隐患台账") == 8
    assert display_width("第一行\n很长的第二行") == 12
    assert display_width(date(2026, 1, 1)) == 10
    columns = [Column("编号", INTEGER), Column("说明")]
    # Ten characters and an ASCII comma, plus a margin of two.
    assert widths(columns, [[1, "配电箱门损坏,电线裸露"]]) == [6, 23]


def test_a_long_export_keeps_every_row_and_a_valid_sheet_name():
    columns = [Column("编号", INTEGER), Column("日期", DATE)]
    rows = ([i, date(2026, 1, 1 + i % 28)] for i in range(1200))
    seen: list[int] = []
    data, count = write_xlsx(Table(columns, rows, 1200), "A/B:C?[单位]*", seen.append)
    assert count == 1200 and seen[-1] == 1200
    sheet = sheet_of(data)
    assert sheet.title == "ABC单位"
    assert sheet.max_row == 1201
    assert sheet.cell(1201, 1).value == 1199 and sheet.cell(1201, 2).is_date
