"""``flask water-points import FILE --by USER``, ``list`` and ``demo``: a real .xlsx (made with
openpyxl) and a .csv, all or nothing with each problem by line and column, and importing the
same file again changes nothing."""

from __future__ import annotations

import csv
from datetime import UTC, datetime
from pathlib import Path

import pytest
from openpyxl import Workbook
from sqlalchemy import func, select

from server.cli import water_points as cli
from server.clock import CHINA_TZ
from server.extensions import db
from server.models.patrols import Checkpoint, PatrolPlan, PatrolSlot
from server.models.water import WaterPoint
from server.services import water_import
from tests.water.conftest import school_id, user_id, water_plans

HEADER = [
    "名称", "类型", "纬度", "经度", "坐标系", "半径(米)", "警示标志", "护栏围挡", "救生圈",
    "救生绳", "救生杆", "管护人", "管护人电话", "涉及学校", "备注",
]  # fmt: skip
RIVER = ["沱河符离段", "河流", "33.7790", "116.9700", "gcj02", "80", "有", "无", "有", "无", "无",
         "张村委", "13800000000", "YQ101、YQ102", "河堤北侧有台阶"]  # fmt: skip
POND = ["后李村大塘", "池塘", "33.768", "116.964", "", "", "有", "有", "无", "有", "",
        "", "", "YQ101", ""]  # fmt: skip


def _xlsx(path: Path, rows: list[list]) -> Path:
    """A workbook with the header and rows (numbers as numbers, as Excel keeps them)."""
    book = Workbook()
    sheet = book.active
    sheet.append(HEADER)
    for row in rows:
        sheet.append([float(c) if c.replace(".", "").isdigit() and "." in c else c for c in row])
    book.save(path)
    return path


def _csv(path: Path, rows: list[list]) -> Path:
    """A UTF-8 CSV (with the BOM Excel writes) of the header and rows."""
    with path.open("w", encoding="utf-8-sig", newline="") as handle:
        csv.writer(handle).writerows([HEADER, *rows])
    return path


def _count() -> int:
    return db.session.scalar(select(func.count(WaterPoint.id)))


@pytest.fixture
def run(runner, water, monkeypatch):
    """Run ``flask water-points import`` as the center school's supervisor (water.manage at both
    of its schools), on 3 June 2026 at 09:00 China time (inside a flood-season window: the
    slots an import makes do not depend on when the tests run)."""
    nine = datetime(2026, 6, 3, 9, 0, tzinfo=CHINA_TZ).astimezone(UTC)
    monkeypatch.setattr(water_import, "utcnow", lambda: nine)

    def _run(path: Path, by: str | None = None):
        by = by or str(user_id("demo-supervisor"))
        return runner.invoke(args=["water-points", "import", str(path), "--by", by])

    return _run


def test_an_xlsx_is_imported_and_the_plans_made(run, tmp_path):
    result = run(_xlsx(tmp_path / "points.xlsx", [RIVER, POND]))
    assert result.exit_code == 0, result.output
    assert "2 points created, 0 updated" in result.output
    river = db.session.scalars(
        select(WaterPoint).join(Checkpoint).where(Checkpoint.name == "沱河符离段")
    ).one()
    assert river.kind == "river" and river.checkpoint.radius_m == 80
    assert (river.checkpoint.lat, river.checkpoint.lng) == (33.779, 116.97)
    assert river.checkpoint.kind == "water" and river.checkpoint.school_id == school_id("YQ101")
    assert river.measures == {
        "warning_sign": True, "barrier": False, "life_buoy": True, "rope": False, "pole": False,
    }  # fmt: skip
    assert [s.code for s in river.schools] == ["YQ101", "YQ102"]
    assert river.unit.code == "YQ100" and river.created_by_id == user_id("demo-supervisor")
    pond = db.session.scalars(
        select(WaterPoint).join(Checkpoint).where(Checkpoint.name == "后李村大塘")
    ).one()
    assert pond.checkpoint.coord_system == "gcj02" and pond.checkpoint.radius_m == 50
    assert pond.measures["life_buoy"] is False and pond.caretaker_name is None
    [school], [kindergarten] = water_plans("YQ101"), water_plans("YQ102")
    assert len(school.checkpoints) == 2 and len(kindergarten.checkpoints) == 1
    assert _water_slots() == 3  # each window due at once


def _water_slots() -> int:
    """How many slots the water-visit plans have (the demo's bus trips have theirs too)."""
    water = select(PatrolPlan.id).where(PatrolPlan.managed_by == "water")
    return db.session.scalar(select(func.count(PatrolSlot.id)).where(PatrolSlot.plan_id.in_(water)))


def test_importing_the_same_file_again_changes_nothing(run, tmp_path):
    path = _csv(tmp_path / "points.csv", [RIVER, POND])
    assert run(path).exit_code == 0
    again = run(path)
    assert again.exit_code == 0, again.output
    assert "0 points created, 2 updated" in again.output
    assert _count() == 2 and len(water_plans("YQ101")) == 1
    assert _water_slots() == 3
    # A changed row updates its point.
    changed = [*POND[:8], "有", *POND[9:]]
    assert run(_csv(tmp_path / "fixed.csv", [changed])).exit_code == 0
    db.session.expire_all()
    pond = db.session.scalars(
        select(WaterPoint).join(Checkpoint).where(Checkpoint.name == "后李村大塘")
    ).one()
    assert pond.measures["life_buoy"] is True and _count() == 2


def test_a_bad_row_imports_nothing_and_says_where(run, tmp_path):
    bad = [
        RIVER,
        [
            "",
            "大海",
            "91",
            "east",
            "bd09",
            "5",
            "也许",
            "无",
            "无",
            "无",
            "无",
            "",
            "call me",
            "YQ999、YQ100",
            "",
        ],
        [*POND[:13], "", ""],
        POND,
        POND,
    ]
    result = run(_xlsx(tmp_path / "bad.xlsx", bad))
    assert result.exit_code != 0
    out = result.output
    for expected in (
        "bad.xlsx:3: 名称: empty",
        "bad.xlsx:3: 类型: '大海'",
        "bad.xlsx:3: 纬度: 91 is not between -90 and 90",
        "bad.xlsx:3: 经度: 'east' is not a number",
        "bad.xlsx:3: 坐标系: 'bd09'",
        "bad.xlsx:3: 半径(米): 5 is not between 10 and 500",
        "bad.xlsx:3: 警示标志: '也许' is not 有 or 无",
        "bad.xlsx:3: 管护人电话: digits",
        "bad.xlsx:3: 涉及学校: no unit has the code YQ999",
        "bad.xlsx:3: 涉及学校: YQ100 is not a school or kindergarten",
        "bad.xlsx:4: 涉及学校: name 1 to 20 unit codes",
        "bad.xlsx:6: 名称: 后李村大塘 repeats line 5",
        "nothing was imported",
    ):
        assert expected in out, (expected, out)
    assert "bad.xlsx:2:" not in out and _count() == 0 and water_plans() == []
    # Control characters (a .csv: a workbook cannot even hold them).
    control = ["沟\x01渠", "沟渠", "33.7", "116.9", "", "", "", "", "", "", "", "", "", "YQ101", ""]
    result = run(_csv(tmp_path / "control.csv", [RIVER, control]))
    assert "control.csv:3: 名称: contains control characters" in result.output
    assert _count() == 0


def test_only_someone_holding_water_manage_at_the_schools_may_import(run, tmp_path):
    path = _csv(tmp_path / "points.csv", [RIVER])
    result = run(path, by=str(user_id("demo-water_patrol")))  # YQ101 only, not YQ102
    assert result.exit_code != 0
    assert "points.csv:2: 涉及学校: user" in result.output and "YQ102" in result.output
    assert run(path, by="99999").exit_code != 0
    assert run(path, by=str(2**63)).exit_code != 0
    assert _count() == 0


def test_a_file_that_is_not_a_table_is_refused(run, tmp_path):
    empty = tmp_path / "empty.csv"
    empty.write_text("", encoding="utf-8")
    assert "the file is empty" in run(empty).output
    wrong = tmp_path / "wrong.csv"
    wrong.write_text("名称,类型\n沱河,河流\n", encoding="utf-8")
    assert "lacks the columns: 纬度, 经度, 涉及学校" in run(wrong).output
    text = tmp_path / "points.txt"
    text.write_text("x", encoding="utf-8")
    assert "only .xlsx and .csv" in run(text).output
    assert _count() == 0


def test_list(runner, run, tmp_path):
    run(_csv(tmp_path / "points.csv", [RIVER, POND]))
    listed = runner.invoke(args=["water-points", "list", "--unit", "YQ102"])
    assert listed.exit_code == 0, listed.output
    assert "沱河符离段\t河流\tYQ101、YQ102\t缺:护栏围挡、救生绳、救生杆" in listed.output
    assert "后李村大塘" not in listed.output and "1 water point(s)" in listed.output
    [pond] = db.session.scalars(
        select(WaterPoint.id).join(Checkpoint).where(Checkpoint.name == "后李村大塘")
    )
    db.session.get(WaterPoint, pond).checkpoint.active = False
    db.session.commit()
    assert "1 water point(s)" in runner.invoke(args=["water-points", "list"]).output
    retired = runner.invoke(args=["water-points", "list", "--all"]).output
    assert "后李村大塘\t池塘\tYQ101\t缺:救生圈、救生杆 [retired]" in retired
    assert runner.invoke(args=["water-points", "list", "--unit", "NOPE"]).exit_code != 0


def test_demo_water_points(runner, water):
    result = runner.invoke(args=["water-points", "demo"])
    assert result.exit_code == 0, result.output
    again = runner.invoke(args=["water-points", "demo"])
    assert again.output.startswith("demo water points already")
    db.session.expire_all()
    points = {
        p.checkpoint.name: p for p in db.session.scalars(select(WaterPoint).order_by(WaterPoint.id))
    }
    river, pond = points["沱河符离段"], points["后李村南大塘"]
    assert river.checkpoint.shape["type"] == "LineString" and river.kind == "river"
    assert pond.checkpoint.shape["type"] == "Polygon" and pond.measures["life_buoy"] is False
    assert {p.created_by_id for p in points.values()} == {user_id("demo-water_patrol")}
    assert [s.code for s in river.schools] == ["YQ101"]
    [plan] = water_plans("YQ101")
    assert sorted(cp.name for cp in plan.checkpoints) == sorted(points)


def test_check_schedule(runner, tmp_path, monkeypatch):
    result = runner.invoke(args=["water-points", "check-schedule"])
    assert result.exit_code == 0, result.output
    assert "2026.json: 47 windows (平时 18、汛期 11、暑假 18)" in result.output
    (tmp_path / "2028.json").write_text('{"format": 1, "year": 2027}', encoding="utf-8")
    monkeypatch.setattr(cli, "SCHEDULE_DIR", tmp_path)
    result = runner.invoke(args=["water-points", "check-schedule"])
    assert result.exit_code != 0
    assert "2028.json: year 2027 does not match the file's name (2028)" in result.output
