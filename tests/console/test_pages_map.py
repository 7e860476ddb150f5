"""The console's map: a unit's open hazards (capped, major and overdue first), checkpoints,
water points and campus boundaries, in the tiles' coordinate system; and the conversion."""

from __future__ import annotations

import json
import re

import pytest

from server.config import ConfigError, load_settings
from server.extensions import db
from server.services import console_map
from server.services.console_map import for_display
from server.services.demo_water import seed_water_points
from tests.console.conftest import days_ago
from tests.console.forms import text_of
from tests.hazards.conftest import unit_by_code
from tests.support.statements import counted

DATA_RE = re.compile(r'<script type="application/json" id="map-data">(.*?)</script>', re.S)


def map_of(response) -> dict:
    """The data the map page embeds for its script."""
    assert response.status_code == 200, response.status_code
    return json.loads(DATA_RE.search(text_of(response)).group(1))


def test_wgs84_points_are_shown_in_gcj02_on_chinese_tiles():
    # Tiananmen, the usual published reference pair, as (lat, lng).
    wgs84, gcj02 = (39.916527, 116.397128), (39.917929, 116.403364)
    shown = for_display(*wgs84, "wgs84", "gcj02")
    assert shown == pytest.approx(list(gcj02), abs=1e-5)
    # And back: a GCJ-02 position on WGS-84 tiles.
    assert for_display(*shown, "gcj02", "wgs84") == pytest.approx(list(wgs84), abs=1e-6)
    assert for_display(*wgs84, "wgs84", "wgs84") == list(wgs84)


def test_outside_china_nothing_moves():
    assert for_display(48.8584, 2.2945, "wgs84", "gcj02") == [48.8584, 2.2945]
    assert for_display(40.6892, -74.0445, "gcj02", "wgs84") == [40.6892, -74.0445]


def test_the_map_shows_a_schools_layers(demo, people, browser_as, hazard_at):
    late = hazard_at(planned_until=days_ago(2))
    major = hazard_at(severity="major", description="围墙开裂倾斜")
    hazard_at("school_admin@sibling", school_id=unit_by_code("YQ102").id)
    seed_water_points(unit_by_code("YQ101"))
    db.session.commit()
    school = unit_by_code("YQ101")
    browser = browser_as(people["school_admin@own"])
    data = map_of(browser.get("/console/map"))
    assert data["unit"]["name"] == "符离中心小学" and data["tiles"]["url"] == ""
    assert [h["id"] for h in data["hazards"]] == [major, late]
    assert [h["overdue"] for h in data["hazards"]] == [False, True]
    assert data["hazards"][0]["severity"] == "major" and data["hazards_total"] == 2
    assert {p["name"] for p in data["checkpoints"]} == {"食堂", "教学楼", "东大门"}
    shapes = {w["name"]: w["shape"]["type"] for w in data["water"]}
    assert shapes == {"沱河符离段": "LineString", "后李村南大塘": "Polygon"}
    assert [c["school"] for c in data["campuses"]] == ["符离中心小学"]
    # Stored in GCJ-02, shown on WGS-84 tiles (the default): moved by a few hundred metres.
    canteen = next(p for p in data["checkpoints"] if p["name"] == "食堂")
    assert canteen["at"] == pytest.approx(for_display(33.7716, 116.9598, "gcj02", "wgs84"))
    assert canteen["at"] != pytest.approx([33.7716, 116.9598], abs=1e-4)
    page = text_of(browser.get(f"/console/map?unit_id={school.id}"))
    assert "未配置底图" in page and "vendor/leaflet/leaflet.js" in page


def test_the_map_follows_the_tile_settings(app, demo, people, browser_as):
    app.config.update(
        MAP_TILE_URL="https://tiles.example.cn/{z}/{x}/{y}.png",
        MAP_TILE_ATTRIBUTION="© 示例地图",
        MAP_TILE_CRS="gcj02",
    )
    data = map_of(browser_as(people["school_admin@own"]).get("/console/map"))
    assert data["tiles"] == {
        "url": "https://tiles.example.cn/{z}/{x}/{y}.png",
        "attribution": "© 示例地图",
    }
    canteen = next(p for p in data["checkpoints"] if p["name"] == "食堂")
    assert canteen["at"] == [33.7716, 116.9598]  # stored in GCJ-02 already


def test_the_district_map_is_capped_and_scoped(demo, people, browser_as, hazard_at, monkeypatch):
    first = hazard_at()
    second = hazard_at(description="食堂操作间扶手松动")
    other = hazard_at("school_admin@sibling", school_id=unit_by_code("YQ102").id)
    bureau = browser_as(people["bureau_admin@above"])
    data = map_of(bureau.get("/console/map"))
    assert data["unit"]["name"] == "埇桥区教育体育局"
    assert [h["id"] for h in data["hazards"]] == [other, second, first]
    monkeypatch.setattr(console_map, "HAZARD_LIMIT", 2)
    capped = bureau.get("/console/map")
    assert [h["id"] for h in map_of(capped)["hazards"]] == [other, second]
    assert "只显示前 2 处" in text_of(capped)
    # Another center school's supervisor, and a school's admin above their school: out of scope.
    yq100 = unit_by_code("YQ100").id
    assert (
        browser_as(people["supervisor@sibling"]).get(f"/console/map?unit_id={yq100}").status_code
        == 404
    )
    assert (
        browser_as(people["school_admin@own"]).get(f"/console/map?unit_id={yq100}").status_code
        == 404
    )
    assert bureau.get("/console/map?unit_id=99999999").status_code == 404


def test_the_tile_system_is_wgs84_or_gcj02(monkeypatch):
    monkeypatch.setenv("MAP_TILE_CRS", "GCJ02")
    assert load_settings()["MAP_TILE_CRS"] == "gcj02"
    monkeypatch.setenv("MAP_TILE_CRS", "bd09")
    with pytest.raises(ConfigError, match="MAP_TILE_CRS"):
        load_settings()
    monkeypatch.delenv("MAP_TILE_CRS")
    settings = load_settings()
    assert (settings["MAP_TILE_CRS"], settings["MAP_TILE_URL"]) == ("wgs84", "")


def test_the_map_runs_a_bounded_number_of_statements(demo, people, browser_as, hazard_at):
    bureau = browser_as(people["bureau_admin@above"])
    hazard_at()
    seed_water_points(unit_by_code("YQ101"))
    db.session.commit()
    with counted() as few:
        bureau.get("/console/map")
    hazard_at("school_admin@sibling", school_id=unit_by_code("YQ102").id)
    for _ in range(3):
        hazard_at()
    with counted() as many:
        bureau.get("/console/map")
    assert len(many) == len(few)
