"""Coordinate systems (WGS-84 / GCJ-02) and the geometry on positions, in server.geo."""

from __future__ import annotations

import math
import random

import pytest

from server import geo
from server.geo import (
    COORD_SYSTEMS,
    EARTH_RADIUS_M,
    GCJ02,
    WGS84,
    Position,
    bounding_box,
    gcj02_to_wgs84,
    haversine_m,
    out_of_china,
    point_in_polygon,
    to_geojson_point,
    to_system,
    wgs84_to_gcj02,
    within_radius,
)

# WGS-84 reference points, and their GCJ-02 images computed once with the public formula.
TIANANMEN_WGS = (39.908823, 116.397470)
TIANANMEN_GCJ = (39.91022649807321, 116.4037135824225)
SUZHOU_ANHUI_WGS = (33.646, 116.964)
SUZHOU_ANHUI_GCJ = (33.64443463843195, 116.96938274879973)

PARIS = (48.8566, 2.3522)
SYDNEY = (-33.8688, 151.2093)


def offset_position(center: Position, bearing_deg: float, distance_m: float) -> Position:
    """The point ``distance_m`` from ``center`` along ``bearing_deg`` on the sphere, same system."""
    lat1 = math.radians(center.lat)
    lng1 = math.radians(center.lng)
    theta = math.radians(bearing_deg)
    delta = distance_m / EARTH_RADIUS_M
    lat2 = math.asin(
        math.sin(lat1) * math.cos(delta) + math.cos(lat1) * math.sin(delta) * math.cos(theta)
    )
    lng2 = lng1 + math.atan2(
        math.sin(theta) * math.sin(delta) * math.cos(lat1),
        math.cos(delta) - math.sin(lat1) * math.sin(lat2),
    )
    lng_deg = (math.degrees(lng2) + 180.0) % 360.0 - 180.0
    return Position(math.degrees(lat2), lng_deg, center.system)


# --- Position validation ----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("lat", "lng", "system", "message"),
    [
        (91, 116.4, WGS84, "lat must be between -90 and 90"),
        (-90.0001, 116.4, WGS84, "lat must be between -90 and 90"),
        (39.9, -181, WGS84, "lng must be between -180 and 180"),
        (39.9, 180.5, GCJ02, "lng must be between -180 and 180"),
        (math.nan, 116.4, WGS84, "lat must be a finite number"),
        (39.9, math.nan, WGS84, "lng must be a finite number"),
        (math.inf, 116.4, WGS84, "lat must be a finite number"),
        (39.9, -math.inf, WGS84, "lng must be a finite number"),
        ("39.9", 116.4, WGS84, "lat must be a number"),
        (39.9, None, WGS84, "lng must be a number"),
        (True, 116.4, WGS84, "lat must be a number"),
        (39.9, 116.4, "bd09", "unknown coordinate system 'bd09'"),
        (39.9, 116.4, "WGS84", "unknown coordinate system"),
        (39.9, 116.4, None, "unknown coordinate system"),
    ],
)
def test_position_rejects_invalid_values(lat, lng, system, message):
    with pytest.raises(ValueError, match=message):
        Position(lat, lng, system)


def test_position_accepts_the_extremes_and_stores_floats():
    assert Position(90, 180, WGS84) == Position(90.0, 180.0, WGS84)
    corner = Position(-90, -180, GCJ02)
    assert (corner.lat, corner.lng) == (-90.0, -180.0)
    assert isinstance(corner.lat, float)
    assert isinstance(corner.lng, float)
    assert COORD_SYSTEMS == ("wgs84", "gcj02")


def test_position_is_immutable():
    position = Position(39.9, 116.4, WGS84)
    with pytest.raises(AttributeError):
        position.lat = 40.0  # type: ignore[misc]


# --- GCJ-02 transform -------------------------------------------------------------------------


def test_tiananmen_reference_value():
    lat, lng = wgs84_to_gcj02(*TIANANMEN_WGS)
    assert lat == pytest.approx(TIANANMEN_GCJ[0], abs=1e-9)
    assert lng == pytest.approx(TIANANMEN_GCJ[1], abs=1e-9)
    # The published value for this point, to the 6 decimals usually quoted.
    assert lat == pytest.approx(39.910225, abs=5e-6)
    assert lng == pytest.approx(116.403712, abs=5e-6)
    # The shift is the few hundred metres that make raw comparisons wrong (north-east here).
    shift = haversine_m(Position(*TIANANMEN_WGS, WGS84), Position(lat, lng, WGS84))
    assert 500 < shift < 600
    assert lat > TIANANMEN_WGS[0]
    assert lng > TIANANMEN_WGS[1]


def test_suzhou_anhui_reference_value():
    lat, lng = wgs84_to_gcj02(*SUZHOU_ANHUI_WGS)
    assert lat == pytest.approx(SUZHOU_ANHUI_GCJ[0], abs=1e-9)
    assert lng == pytest.approx(SUZHOU_ANHUI_GCJ[1], abs=1e-9)
    shift = haversine_m(Position(*SUZHOU_ANHUI_WGS, WGS84), Position(lat, lng, WGS84))
    assert 450 < shift < 600
    # Here the shift is south-east: the offset is irregular, not a constant translation.
    assert lat < SUZHOU_ANHUI_WGS[0]
    assert lng > SUZHOU_ANHUI_WGS[1]


def test_inverse_of_reference_values():
    for wgs, gcj in ((TIANANMEN_WGS, TIANANMEN_GCJ), (SUZHOU_ANHUI_WGS, SUZHOU_ANHUI_GCJ)):
        lat, lng = gcj02_to_wgs84(*gcj)
        assert lat == pytest.approx(wgs[0], abs=1e-7)
        assert lng == pytest.approx(wgs[1], abs=1e-7)


def china_grid() -> list[tuple[float, float]]:
    """A regular grid over China plus seeded random points, all well inside the GCJ-02 box."""
    points = [(lat / 2.0, lng / 2.0) for lat in range(36, 108, 3) for lng in range(150, 270, 3)]
    rng = random.Random(20240601)
    points += [(rng.uniform(18.0, 53.5), rng.uniform(73.5, 135.0)) for _ in range(2000)]
    return points


def test_round_trip_across_china_within_1e_7_degrees():
    points = china_grid()
    assert len(points) > 2500
    worst = 0.0
    for lat, lng in points:
        assert not out_of_china(lat, lng)
        gcj = wgs84_to_gcj02(lat, lng)
        back_lat, back_lng = gcj02_to_wgs84(*gcj)
        worst = max(worst, abs(back_lat - lat), abs(back_lng - lng))
    assert worst < 1e-7


def test_iterated_inverse_beats_the_one_step_approximation():
    # The one-step inverse (subtract the offset taken at the GCJ-02 point) misses by more than
    # 1e-7 degree somewhere on the grid; this is what makes the round-trip test above meaningful.
    worst_one_step = 0.0
    for lat, lng in china_grid():
        gcj_lat, gcj_lng = wgs84_to_gcj02(lat, lng)
        dlat, dlng = geo._gcj02_offset(gcj_lat, gcj_lng)
        worst_one_step = max(worst_one_step, abs(gcj_lat - dlat - lat), abs(gcj_lng - dlng - lng))
    assert worst_one_step > 1e-6


def test_out_of_china_box_edges():
    # The rough rectangle of the public algorithm: lng 72.004..137.8347, lat 0.8293..55.8271.
    for lat, lng in ((35.0, 72.004), (35.0, 137.8347), (0.8293, 105.0), (55.8271, 105.0)):
        assert not out_of_china(lat, lng)
    for lat, lng in ((35.0, 72.0), (35.0, 137.84), (0.829, 105.0), (55.83, 105.0)):
        assert out_of_china(lat, lng)


@pytest.mark.parametrize(
    "point", [PARIS, SYDNEY, (35.6762, 139.6503), (40.7128, -74.0060), (-22.9, -43.2)]
)
def test_out_of_china_is_identity_both_ways(point):
    assert out_of_china(*point)
    assert wgs84_to_gcj02(*point) == point
    assert gcj02_to_wgs84(*point) == point
    wgs = Position(*point, WGS84)
    assert to_system(wgs, GCJ02) == Position(*point, GCJ02)
    assert to_system(Position(*point, GCJ02), WGS84) == wgs


@pytest.mark.parametrize("point", [TIANANMEN_WGS, SUZHOU_ANHUI_WGS, (22.54, 114.06), (43.8, 87.6)])
def test_points_in_china_are_shifted(point):
    assert not out_of_china(*point)
    assert wgs84_to_gcj02(*point) != point


def test_to_system():
    wgs = Position(*TIANANMEN_WGS, WGS84)
    assert to_system(wgs, WGS84) is wgs
    gcj = to_system(wgs, GCJ02)
    assert gcj.system == GCJ02
    assert (gcj.lat, gcj.lng) == pytest.approx(TIANANMEN_GCJ, abs=1e-9)
    back = to_system(gcj, WGS84)
    assert back.system == WGS84
    assert (back.lat, back.lng) == pytest.approx(TIANANMEN_WGS, abs=1e-7)
    with pytest.raises(ValueError, match="bd09"):
        to_system(wgs, "bd09")


# --- Distances --------------------------------------------------------------------------------


def test_haversine_one_degree_of_latitude():
    distance = haversine_m(Position(30.0, 116.0, WGS84), Position(31.0, 116.0, WGS84))
    assert distance == pytest.approx(EARTH_RADIUS_M * math.pi / 180.0, rel=1e-12)
    assert distance == pytest.approx(111_195, abs=1)


def test_haversine_fifty_metres_and_symmetry():
    a = Position(*TIANANMEN_WGS, WGS84)
    for bearing in (0, 45, 90, 200, 315):
        b = offset_position(a, bearing, 50.0)
        assert haversine_m(a, b) == pytest.approx(50.0, abs=1e-6)
        assert haversine_m(b, a) == pytest.approx(50.0, abs=1e-6)
    assert haversine_m(a, a) == 0.0


def test_haversine_antipodes_and_long_distance():
    assert haversine_m(Position(0, 0, WGS84), Position(0, 180, WGS84)) == pytest.approx(
        math.pi * EARTH_RADIUS_M
    )
    # Beijing to Paris is about 8,200 km, and the GCJ-02 shift cannot matter at this scale.
    beijing_paris = haversine_m(Position(*TIANANMEN_WGS, GCJ02), Position(*PARIS, WGS84))
    assert 8_150_000 < beijing_paris < 8_300_000


@pytest.mark.parametrize("wgs", [TIANANMEN_WGS, SUZHOU_ANHUI_WGS])
def test_haversine_converts_between_systems(wgs):
    as_wgs = Position(*wgs, WGS84)
    as_gcj = Position(*wgs84_to_gcj02(*wgs), GCJ02)
    # The same physical place, reported in the two systems, is the same place.
    assert haversine_m(as_wgs, as_gcj) < 0.5
    assert haversine_m(as_gcj, as_wgs) < 0.5
    # Comparing the raw numbers as if they were in one system would be hundreds of metres off.
    naive = haversine_m(as_wgs, Position(as_gcj.lat, as_gcj.lng, WGS84))
    assert naive > 400


def test_within_radius():
    center = Position(*TIANANMEN_GCJ, GCJ02)
    assert within_radius(center, center, 0)
    assert within_radius(offset_position(center, 30, 49.0), center, 50)
    assert not within_radius(offset_position(center, 30, 51.0), center, 50)
    # A point reported in WGS-84 is converted before measuring.
    near = offset_position(center, 120, 20.0)
    near_wgs = to_system(near, WGS84)
    assert within_radius(near_wgs, center, 50)
    # Its raw GCJ-02 numbers mislabelled as WGS-84 land ~550 m away once converted.
    assert not within_radius(Position(near.lat, near.lng, WGS84), center, 50)
    # The same place as the center, reported in WGS-84, is within a metre of it.
    assert within_radius(Position(*TIANANMEN_WGS, WGS84), center, 1)


@pytest.mark.parametrize("radius", [-1, math.nan, math.inf, "50", True])
def test_within_radius_rejects_bad_radius(radius):
    center = Position(*TIANANMEN_WGS, WGS84)
    with pytest.raises(ValueError, match="radius_m"):
        within_radius(center, center, radius)
    with pytest.raises(ValueError, match="radius_m"):
        bounding_box(center, radius)


# --- Polygons ---------------------------------------------------------------------------------

# A square campus about 220 m across, in GCJ-02 (as drawn on a Chinese map).
SQUARE = [(39.9100, 116.4000), (39.9100, 116.4026), (39.9120, 116.4026), (39.9120, 116.4000)]

# An L-shaped campus: the notch (north-east quarter) is not part of it.
#   (39.9120,116.4000) +----+ (39.9120,116.4013)
#                      |    |
#                      |    +----+ (39.9110,116.4026)
#                      |         |
#   (39.9100,116.4000) +---------+ (39.9100,116.4026)
L_SHAPE = [
    (39.9100, 116.4000),
    (39.9100, 116.4026),
    (39.9110, 116.4026),
    (39.9110, 116.4013),
    (39.9120, 116.4013),
    (39.9120, 116.4000),
]


def test_square_campus_inside_outside():
    assert point_in_polygon(Position(39.9110, 116.4013, GCJ02), SQUARE, GCJ02)
    assert point_in_polygon(Position(39.91001, 116.40259, GCJ02), SQUARE, GCJ02)
    assert not point_in_polygon(Position(39.9125, 116.4013, GCJ02), SQUARE, GCJ02)
    assert not point_in_polygon(Position(39.9110, 116.4030, GCJ02), SQUARE, GCJ02)
    assert not point_in_polygon(Position(39.9099, 116.3999, GCJ02), SQUARE, GCJ02)
    # Level with a vertex but outside: the ray passes through vertices without miscounting.
    assert not point_in_polygon(Position(39.9100, 116.3990, GCJ02), SQUARE, GCJ02)
    assert not point_in_polygon(Position(39.9120, 116.3990, GCJ02), SQUARE, GCJ02)


def test_square_campus_boundary_counts_as_inside():
    on_edges = [
        Position(39.9100, 116.4013, GCJ02),  # south edge
        Position(39.9120, 116.4013, GCJ02),  # north edge
        Position(39.9110, 116.4000, GCJ02),  # west edge
        Position(39.9110, 116.4026, GCJ02),  # east edge
        Position(39.9100, 116.4000, GCJ02),  # a vertex
        Position(39.9120, 116.4026, GCJ02),  # the opposite vertex
    ]
    for point in on_edges:
        assert point_in_polygon(point, SQUARE, GCJ02), point
    # A metre outside the east edge is outside.
    just_out = offset_position(Position(39.9110, 116.4026, GCJ02), 90, 1.0)
    assert not point_in_polygon(just_out, SQUARE, GCJ02)


def test_closed_and_open_rings_agree():
    closed = [*SQUARE, SQUARE[0]]
    for point in (Position(39.9110, 116.4013, GCJ02), Position(39.9125, 116.4013, GCJ02)):
        assert point_in_polygon(point, closed, GCJ02) == point_in_polygon(point, SQUARE, GCJ02)


def test_vertex_order_does_not_matter():
    clockwise = list(reversed(SQUARE))
    assert point_in_polygon(Position(39.9110, 116.4013, GCJ02), clockwise, GCJ02)
    assert not point_in_polygon(Position(39.9125, 116.4013, GCJ02), clockwise, GCJ02)


def test_concave_l_shaped_campus():
    inside = [
        Position(39.9105, 116.4006, GCJ02),  # the corner square
        Position(39.9115, 116.4006, GCJ02),  # the north arm
        Position(39.9105, 116.4020, GCJ02),  # the east arm
        Position(39.9110, 116.4020, GCJ02),  # on the notch's south edge
        Position(39.9115, 116.4013, GCJ02),  # on the notch's west edge
    ]
    outside = [
        Position(39.9115, 116.4020, GCJ02),  # in the notch, inside the bounding box
        Position(39.91101, 116.40200, GCJ02),  # a metre into the notch
        Position(39.9118, 116.4024, GCJ02),
    ]
    for point in inside:
        assert point_in_polygon(point, L_SHAPE, GCJ02), point
    for point in outside:
        assert not point_in_polygon(point, L_SHAPE, GCJ02), point


def test_point_in_the_other_system_is_converted():
    # The phone reports WGS-84 while the campus was drawn on a GCJ-02 map.
    center_gcj = Position(39.9110, 116.4013, GCJ02)
    center_wgs = to_system(center_gcj, WGS84)
    assert point_in_polygon(center_wgs, SQUARE, GCJ02)
    # Its raw numbers, taken as GCJ-02, are hundreds of metres away, off campus.
    assert not point_in_polygon(Position(center_wgs.lat, center_wgs.lng, GCJ02), SQUARE, GCJ02)
    # And the other way round: a polygon in WGS-84, a point in GCJ-02.
    square_wgs = [gcj02_to_wgs84(lat, lng) for lat, lng in SQUARE]
    assert point_in_polygon(center_gcj, square_wgs, WGS84)
    assert not point_in_polygon(Position(39.9125, 116.4013, GCJ02), square_wgs, WGS84)


def test_polygon_across_the_antimeridian():
    polygon = [(-17.0, 179.99), (-17.0, -179.99), (-16.99, -179.99), (-16.99, 179.99)]
    assert point_in_polygon(Position(-16.995, 180.0, WGS84), polygon, WGS84)
    assert point_in_polygon(Position(-16.995, -179.995, WGS84), polygon, WGS84)
    assert not point_in_polygon(Position(-16.995, 179.98, WGS84), polygon, WGS84)


@pytest.mark.parametrize(
    "polygon",
    [[], [(39.91, 116.40)], [(39.91, 116.40), (39.92, 116.41), (39.91, 116.40)], [(1, 1)] * 4],
)
def test_degenerate_polygon_is_refused(polygon):
    with pytest.raises(ValueError, match="3 distinct vertices"):
        point_in_polygon(Position(39.91, 116.40, GCJ02), polygon, GCJ02)


def test_polygon_unknown_system_is_refused():
    with pytest.raises(ValueError, match="bd09"):
        point_in_polygon(Position(39.91, 116.40, GCJ02), SQUARE, "bd09")


# --- Bounding boxes ---------------------------------------------------------------------------


def in_box(position: Position, box: tuple[float, float, float, float]) -> bool:
    min_lat, min_lng, max_lat, max_lng = box
    return min_lat <= position.lat <= max_lat and min_lng <= position.lng <= max_lng


@pytest.mark.parametrize(
    "center",
    [
        Position(*TIANANMEN_GCJ, GCJ02),
        Position(*SUZHOU_ANHUI_WGS, WGS84),
        Position(0.0, 0.0, WGS84),
        Position(-45.0, 170.0, WGS84),
        Position(70.0, 20.0, WGS84),
        Position(89.0, 10.0, WGS84),
    ],
)
@pytest.mark.parametrize("radius", [0.0, 1.0, 50.0, 5_000.0, 100_000.0])
def test_bounding_box_contains_the_whole_circle(center, radius):
    box = bounding_box(center, radius)
    min_lat, min_lng, max_lat, max_lng = box
    assert min_lat <= center.lat <= max_lat
    assert min_lng <= center.lng <= max_lng
    for step in range(720):
        on_circle = offset_position(center, step / 2.0, radius)
        assert in_box(on_circle, box), (step / 2.0, on_circle, box)


def test_bounding_box_is_tight_at_campus_scale():
    center = Position(*TIANANMEN_GCJ, GCJ02)
    min_lat, min_lng, max_lat, max_lng = bounding_box(center, 50.0)
    half_lat = math.degrees(50.0 / EARTH_RADIUS_M)
    half_lng = half_lat / math.cos(math.radians(center.lat))
    assert max_lat - center.lat == pytest.approx(half_lat, rel=1e-4)
    assert center.lat - min_lat == pytest.approx(half_lat, rel=1e-4)
    assert max_lng - center.lng == pytest.approx(half_lng, rel=1e-4)
    assert center.lng - min_lng == pytest.approx(half_lng, rel=1e-4)
    # The east and west extremes of the circle touch the box, so it is no wider than needed.
    east = offset_position(center, 90, 50.0)
    assert east.lng == pytest.approx(max_lng, abs=1e-7)


def test_bounding_box_agrees_with_within_radius_across_systems():
    # The pre-filter must never drop a point the exact check would accept, whatever system the
    # point came in: convert it into the center's system, as within_radius does.
    center = Position(*TIANANMEN_GCJ, GCJ02)
    box = bounding_box(center, 50.0)
    rng = random.Random(7)
    accepted = 0
    for _ in range(3000):
        candidate = offset_position(center, rng.uniform(0, 360), rng.uniform(0, 80))
        reported = to_system(candidate, WGS84) if rng.random() < 0.5 else candidate
        if within_radius(reported, center, 50.0):
            accepted += 1
            assert in_box(to_system(reported, center.system), box)
    assert accepted > 500


def test_bounding_box_near_the_pole_clamps_and_takes_every_longitude():
    box = bounding_box(Position(89.9999, 30.0, WGS84), 50.0)
    min_lat = 89.9999 - math.degrees(50.0 / EARTH_RADIUS_M)
    assert box == (pytest.approx(min_lat), -180.0, 90.0, 180.0)
    south = bounding_box(Position(-90.0, 0.0, WGS84), 1000.0)
    assert south[0] == -90.0
    assert (south[1], south[3]) == (-180.0, 180.0)


def test_bounding_box_across_the_antimeridian_takes_every_longitude():
    center = Position(-17.0, 179.9999, WGS84)
    box = bounding_box(center, 50.0)
    assert (box[1], box[3]) == (-180.0, 180.0)
    assert box[0] < center.lat < box[2]
    assert box[2] - box[0] < 0.001  # latitude stays selective
    for step in range(0, 360, 5):
        assert in_box(offset_position(center, step, 50.0), box)


def test_bounding_box_of_a_huge_radius_is_the_world():
    assert bounding_box(Position(10.0, 10.0, WGS84), 25_000_000.0) == (-90.0, -180.0, 90.0, 180.0)


# --- GeoJSON ----------------------------------------------------------------------------------


def test_geojson_point_converts_gcj02_to_wgs84_in_lng_lat_order():
    geometry = to_geojson_point(Position(*TIANANMEN_GCJ, GCJ02))
    assert geometry["type"] == "Point"
    lng, lat = geometry["coordinates"]
    assert lat == pytest.approx(TIANANMEN_WGS[0], abs=2e-7)
    assert lng == pytest.approx(TIANANMEN_WGS[1], abs=2e-7)
    assert geometry == {"type": "Point", "coordinates": [116.39747, 39.908823]}


def test_geojson_point_wgs84_is_rounded_to_7_decimals():
    geometry = to_geojson_point(Position(39.123456789, 116.987654321, WGS84))
    assert geometry == {"type": "Point", "coordinates": [116.9876543, 39.1234568]}
    assert to_geojson_point(Position(*PARIS, GCJ02)) == {
        "type": "Point",
        "coordinates": [PARIS[1], PARIS[0]],
    }
