"""The spreadsheet imports' problems in Chinese, each with the column it concerns.

The import services report in the operator's words (English, for the command line); the
console shows each problem to a bureau's clerk: translated here by pattern, with its column
(a header of the file) where the problem names one. A message no pattern knows is shown as it
came rather than hidden.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from server.roles import UNIT_KIND_NAMES


@dataclass(frozen=True)
class Problem:
    """One problem of a file: its line (None: the file as a whole), column and text."""

    line: int | None
    column: str
    text: str


def _kind(code: str) -> str:
    """A unit kind's Chinese name (the code when unknown)."""
    return UNIT_KIND_NAMES.get(code, code)


# (pattern, column, Chinese) — the column may be a group name ("{column}") or a header.
_ROW_PATTERNS: tuple[tuple[str, str, str], ...] = (
    # Units and classes.
    (r"(?P<column>\S+) is empty", "{column}", "不能为空"),
    (
        r"unknown unit type '(?P<v>.*)'",
        "单位类型",
        "“{v}”不是单位类型（教育局/中心校/集团校/学校/幼儿园）",
    ),
    (r"unknown ownership '(?P<v>.*)' \(公办 or 民办\)", "办学性质", "“{v}”应为公办或民办"),
    (
        r"a code \(32\), name \(100\) or class \(50\) is too long",
        "",
        "单位代码（32 字）、单位名称（100 字）或班级（50 字）过长",
    ),
    (r"a (?P<v>.+) has no classes", "班级", "{v}不设班级"),
    (
        r"unit (?P<code>\S+) differs from line (?P<n>\d+)",
        "单位代码",
        "单位 {code} 与第 {n} 行的写法不一致",
    ),
    (r"class (?P<v>.+) repeats line (?P<n>\d+)", "班级", "班级 {v} 与第 {n} 行重复"),
    (
        r"unit (?P<code>\S+) exists as a (?P<kind>\S+)",
        "单位类型",
        "单位 {code} 已存在，类型为{kind_name}",
    ),
    (r"unknown parent unit (?P<code>\S+)", "上级单位代码", "找不到上级单位 {code}"),
    (
        r"unit (?P<code>\S+) cannot move to another parent",
        "上级单位代码",
        "单位 {code} 不能改到其他上级单位下",
    ),
    (
        r"a (?P<kind>\S+) cannot sit under (?P<parent>\S+)",
        "上级单位代码",
        "{kind_name}不能设在{parent_name}之下",
    ),
    (
        r"unit (?P<code>\S+) is not under (?P<within>\S+)",
        "单位代码",
        "单位 {code} 不在您管理的单位之下",
    ),
    # Rosters.
    (r"单位代码, 班级 and 学生姓名 must all be filled in", "", "单位代码、班级和学生姓名都须填写"),
    (
        r"'(?P<v>.*)' is not a pupil's name \(2-20 characters, no signs\)",
        "学生姓名",
        "“{v}”不是学生姓名（2-20 个字，不含符号）",
    ),
    (r"no class (?P<v>.+) at unit (?P<code>\S+)", "班级", "单位 {code} 没有班级 {v}"),
    (
        r"(?P<name>.+) in (?P<v>.+) repeats line (?P<n>\d+)",
        "学生姓名",
        "{v}的{name}与第 {n} 行重复",
    ),
    # Water points: "column: problem".
    (r"(?P<column>[^:]+): empty", "{column}", "不能为空"),
    (r"(?P<column>[^:]+): contains control characters", "{column}", "含有控制字符"),
    (r"(?P<column>[^:]+): longer than (?P<n>\d+) characters", "{column}", "超过 {n} 个字"),
    (r"(?P<column>[^:]+): digits, \+, - and spaces only", "{column}", "只能填数字、+、- 和空格"),
    (
        r"(?P<column>[^:]+): '(?P<v>.*)' is not one of (?P<list>\S+)",
        "{column}",
        "“{v}”应为 {list} 之一",
    ),
    (r"(?P<column>[^:]+): '(?P<v>.*)' is not a number", "{column}", "“{v}”不是数字"),
    (
        r"(?P<column>[^:]+): (?P<v>\S+) is not between (?P<a>\S+) and (?P<b>\S+)",
        "{column}",
        "{v} 不在 {a} 到 {b} 之间",
    ),
    (
        r"(?P<column>[^:]+): '(?P<v>.*)' is not wgs84 or gcj02",
        "{column}",
        "“{v}”应为 wgs84 或 gcj02",
    ),
    (r"(?P<column>[^:]+): '(?P<v>.*)' is not 有 or 无", "{column}", "“{v}”应为有或无"),
    (r"(?P<column>[^:]+): name 1 to 20 unit codes", "{column}", "须填 1 到 20 个单位代码"),
    (
        r"(?P<column>[^:]+): no unit has the code (?P<code>\S+)",
        "{column}",
        "没有代码为 {code} 的单位",
    ),
    (
        r"(?P<column>[^:]+): (?P<code>\S+) is not a school or kindergarten",
        "{column}",
        "{code} 不是学校或幼儿园",
    ),
    (r"(?P<column>[^:]+): (?P<v>.+) repeats line (?P<n>\d+)", "{column}", "{v} 与第 {n} 行重复"),
    (
        r"(?P<column>[^:]+): user \d+ may not manage water points at (?P<code>\S+)",
        "{column}",
        "您无权管理 {code} 的危险水域",
    ),
)
_FILE_PATTERNS: tuple[tuple[str, str], ...] = (
    (
        r"the CSV file must be UTF-8 encoded",
        "CSV 文件须为 UTF-8 编码（在 Excel 中另存为“CSV UTF-8”）",
    ),
    (r"cannot open the workbook: .*", "无法打开这个 Excel 文件：它不是 .xlsx 工作簿，或已损坏"),
    (r"only \.xlsx and \.csv files can be imported", "只能导入 .xlsx 或 .csv 文件"),
    (r"the file is empty", "文件是空的"),
    (r"the header row lacks the columns: (?P<v>.+)", "第一行（表头）缺少这些列：{v}"),
    (r"the file has more than (?P<n>\d+) rows", "文件超过 {n} 行，请分成几个文件导入"),
)
_COMPILED_ROWS = [(re.compile(p + r"\Z"), c, t) for p, c, t in _ROW_PATTERNS]
_COMPILED_FILE = [(re.compile(p + r"\Z"), t) for p, t in _FILE_PATTERNS]


def _fill(template: str, found: dict[str, str]) -> str:
    """A template filled with the match's groups and the kinds' Chinese names."""
    values = dict(found)
    for key in ("kind", "parent"):
        if key in values:
            values[f"{key}_name"] = "顶级" if values[key] == "nothing" else _kind(values[key])
    return template.format(**values)


def row_problem(line: int, message: str) -> Problem:
    """One problem of a row, in Chinese with its column."""
    for pattern, column, text in _COMPILED_ROWS:
        found = pattern.match(message)
        if found:
            groups = found.groupdict()
            return Problem(line, _fill(column, groups).strip(), _fill(text, groups))
    return Problem(line, "", message)


def row_problems(errors: list[tuple[int, str]]) -> list[Problem]:
    """Every problem of the rows (a unit row's several problems come joined by "; ")."""
    return [row_problem(line, part) for line, message in errors for part in message.split("; ")]


def file_problem(message: str) -> str:
    """A problem of the file as a whole, in Chinese."""
    for pattern, text in _COMPILED_FILE:
        found = pattern.match(message)
        if found:
            return text.format(**found.groupdict())
    return message
