"""The distance from a position to a water point's line or polygon (server/geo_shapes.py)."""

from __future__ import annotations

import math

import pytest

from server.geo import GCJ02, WGS84, Position, wgs84_to_gcj02
from server.geo_shapes import check_shape, distance_to_shape, to_geojson

# A river bank running 200 m east from (33.8, 117.0), and a 100 m square pond north of it.
M_PER_DEG_LAT = 111_195.0
LAT, LNG = 33.8, 117.0
M_PER_DEG_LNG = M_PER_DEG_LAT * math.cos(math.radians(LAT))
BANK = {"type": "LineString", "coordinates": [[LAT, LNG], [LAT, LNG + 200 / M_PER_DEG_LNG]]}
POND = {
    "type": "Polygon",
    "coordinates": [
        [LAT, LNG],
        [LAT, LNG + 100 / M_PER_DEG_LNG],
        [LAT + 100 / M_PER_DEG_LAT, LNG + 100 / M_PER_DEG_LNG],
        [LAT + 100 / M_PER_DEG_LAT, LNG],
    ],
}


def at(north_m: float, east_m: float, system: str = WGS84) -> Position:
    """A position so many metres north and east of (LAT, LNG) (WGS-84)."""
    lat, lng = LAT + north_m / M_PER_DEG_LAT, LNG + east_m / M_PER_DEG_LNG
    if system == GCJ02:
        lat, lng = wgs84_to_gcj02(lat, lng)
    return Position(lat, lng, system)


@pytest.mark.parametrize(
    ("north", "east", "expected"),
    [(30, 100, 30), (-45, 150, 45), (0, 260, 60), (10, -20, math.hypot(10, 20))],
)
def test_distance_to_a_line_is_to_its_nearest_segment(north, east, expected):
    """Beside the bank: the perpendicular distance; past its end: to the end point."""
    assert distance_to_shape(at(north, east), BANK, WGS84) == pytest.approx(expected, abs=0.5)


def test_inside_a_polygon_is_zero_and_outside_is_to_the_edge():
    """In the pond: 0; 30 m south of it: 30; beyond a corner: to the corner."""
    assert distance_to_shape(at(50, 50), POND, WGS84) == 0.0
    assert distance_to_shape(at(-30, 50), POND, WGS84) == pytest.approx(30, abs=0.5)
    assert distance_to_shape(at(130, 140), POND, WGS84) == pytest.approx(50, abs=0.5)


def test_a_phone_in_the_other_system_is_converted_first():
    """A GCJ-02 position 30 m from a WGS-84 bank is 30 m away, not the ~500 m offset."""
    assert distance_to_shape(at(30, 100, GCJ02), BANK, WGS84) == pytest.approx(30, abs=1)


@pytest.mark.parametrize(
    "shape",
    [
        None,
        {"type": "Point", "coordinates": [[1, 2]]},
        {"type": "LineString", "coordinates": [[1, 2]]},
        {"type": "LineString", "coordinates": [[1, 2], [1, 2]]},
        {"type": "Polygon", "coordinates": [[1, 2], [1, 3]]},
        {"type": "LineString", "coordinates": [[91, 2], [1, 3]]},
        {"type": "LineString", "coordinates": [[1, "2"], [1, 3]]},
        {"type": "LineString", "coordinates": [[1, True], [1, 3]]},
        {"type": "LineString", "coordinates": [[float("nan"), 2], [1, 3]]},
        {"type": "LineString", "coordinates": [[1, 2, 3], [1, 3]]},
        {"type": "LineString", "coordinates": [[1, 1 + i / 1000] for i in range(201)]},
    ],
)
def test_unusable_shapes_are_refused(shape):
    """Anything but a LineString of 2+ or a Polygon of 3+ distinct in-range vertices."""
    with pytest.raises(ValueError):
        check_shape(shape)


def test_geojson_is_wgs84_lng_lat_with_a_closed_ring():
    """Export swaps to [lng, lat], converts GCJ-02 to WGS-84 and closes the polygon."""
    gcj = [list(wgs84_to_gcj02(lat, lng)) for lat, lng in POND["coordinates"]]
    geometry = to_geojson({"type": "Polygon", "coordinates": gcj}, GCJ02)
    ring = geometry["coordinates"][0]
    assert ring[0] == ring[-1] and len(ring) == 5
    assert ring[0] == pytest.approx([LNG, LAT], abs=1e-5)
    line = to_geojson(BANK, WGS84)
    assert line == {
        "type": "LineString",
        "coordinates": [[LNG, LAT], [round(BANK["coordinates"][1][1], 7), LAT]],
    }
