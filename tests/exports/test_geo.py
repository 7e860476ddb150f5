"""Hazards and water points for GIS tools: GeoJSON in WGS-84 (the GCJ-02 positions phones
report, converted), and the same as CSV."""

from __future__ import annotations

from server.extensions import db
from server.geo import WGS84, Position, to_system
from server.geo_shapes import to_geojson
from server.services.demo_water import DEMO_WATER_POINTS, seed_water_points
from tests.exports.conftest import csv_rows, geojson_of
from tests.hazards.conftest import CAMPUS, unit_by_code


def _wgs(lat: float, lng: float) -> list[float]:
    """A GCJ-02 point as GeoJSON's [lng, lat] in WGS-84."""
    wgs = to_system(Position(lat, lng, "gcj02"), WGS84)
    return [round(wgs.lng, 7), round(wgs.lat, 7)]


def test_hazards_geojson_is_wgs84(people, report, export, download, client):
    hazard_id = report(people["teacher@own"])[0].get_json()["id"]
    school = unit_by_code("YQ101")
    job = export(people["school_admin@own"], "hazards_geo", "geojson", school.id).get_json()
    assert job["contains_personal_data"] is False
    response = download(people["school_admin@own"], job["id"])
    assert response.content_type == "application/geo+json"
    document = geojson_of(response.data)
    assert document["type"] == "FeatureCollection"
    feature = next(f for f in document["features"] if f["id"] == hazard_id)
    expected = _wgs(CAMPUS["lat"], CAMPUS["lng"])
    assert feature["geometry"] == {"type": "Point", "coordinates": expected}
    # GCJ-02 is shifted by hundreds of metres: the conversion really happened.
    assert abs(expected[0] - CAMPUS["lng"]) > 1e-3
    assert feature["properties"]["学校"] == "符离中心小学"
    assert feature["properties"]["隐患描述"] == "配电箱门损坏,电线裸露"
    assert feature["properties"]["状态"] == "待制定方案"

    rows = csv_rows(
        download(
            people["school_admin@own"],
            export(people["school_admin@own"], "hazards_geo", "csv", school.id).get_json()["id"],
        ).data
    )
    header = rows[0]
    row = next(r for r in rows[1:] if int(r[0]) == hazard_id)
    assert [float(row[header.index("经度")]), float(row[header.index("纬度")])] == expected


def test_water_points_geojson_has_their_shapes(people, export, download):
    school = unit_by_code("YQ101")
    seed_water_points(school)
    db.session.commit()
    job = export(people["school_admin@own"], "water_points_geo", "geojson", school.id).get_json()
    assert job["contains_personal_data"] is True
    document = geojson_of(download(people["school_admin@own"], job["id"]).data)
    by_name = {f["properties"]["名称"]: f for f in document["features"]}
    for data in DEMO_WATER_POINTS:
        feature = by_name[data["name"]]
        assert feature["geometry"] == to_geojson(data["shape"], "gcj02")
        assert feature["properties"]["管护责任人"] == data["caretaker_name"]
        assert feature["properties"]["涉及学校"] == "符离中心小学"
        assert feature["properties"]["半径(米)"] == data["radius_m"]
    assert by_name["沱河符离段"]["geometry"]["type"] == "LineString"
    assert by_name["沱河符离段"]["properties"]["类型"] == "河流"
    assert by_name["沱河符离段"]["properties"]["已有防护措施"] == "警示标志、救生圈"
    pond = by_name["后李村南大塘"]["geometry"]["coordinates"][0]
    assert pond[0] == pond[-1] == _wgs(33.7683, 116.9636)

    csv_job = export(people["school_admin@own"], "water_points_geo", "csv", school.id).get_json()
    rows = csv_rows(download(people["school_admin@own"], csv_job["id"]).data)
    header = rows[0]
    river = next(r for r in rows[1:] if r[header.index("名称")] == "沱河符离段")
    position = [float(river[header.index("经度")]), float(river[header.index("纬度")])]
    assert position == _wgs(33.7772, 116.9600)


def test_a_sibling_school_exports_none_of_ours(people, export, download):
    seed_water_points(unit_by_code("YQ101"))
    db.session.commit()
    sibling = unit_by_code("YQ102")
    job = export(people["school_admin@sibling"], "water_points_geo", "geojson", sibling.id)
    document = geojson_of(download(people["school_admin@sibling"], job.get_json()["id"]).data)
    assert document["features"] == []
