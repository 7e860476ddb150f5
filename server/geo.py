"""Positions on the Earth, in the two coordinate systems a phone reports, and the geometry on them.

``wx.getLocation`` returns either ``wgs84`` (raw GPS) or ``gcj02`` (the "Mars" datum that the
Chinese national standard imposes on maps: inside mainland China it is WGS-84 shifted by a
deliberately irregular few hundred metres; outside China it is WGS-84 unchanged). The two look
alike — both are plain latitude/longitude pairs — so every position carries its system in a
:class:`Position`, and anything that compares two positions first converts one into the other's
system. Exports for GIS tools are always WGS-84.

Pure Python, standard library only: no Flask, no database.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

WGS84 = "wgs84"
GCJ02 = "gcj02"
COORD_SYSTEMS = (WGS84, GCJ02)

# Mean Earth radius (IUGG), for great-circle distances. A sphere is off from the ellipsoid by at
# most ~0.5 %, which is far below what matters for "is the phone on campus".
EARTH_RADIUS_M = 6371008.8

# Constants of the public GCJ-02 algorithm. They are part of the obfuscation, not geodesy: ``_A``
# is the Krasovsky 1940 semi-major axis and ``_EE`` its first eccentricity squared. They must be
# exactly these values or the result no longer matches Chinese maps.
_A = 6378245.0
_EE = 0.00669342162296594323

# The inverse transform is iterated until re-applying the forward transform lands within this many
# degrees (~0.1 mm) of the input, which is far finer than any phone's fix.
_INVERSE_TOLERANCE_DEG = 1e-9
_INVERSE_MAX_ITERATIONS = 30

# A point within this distance of a polygon edge counts as on the edge (and so inside). It only
# absorbs floating-point rounding: 1 mm is nothing next to GPS accuracy (metres).
_BOUNDARY_TOLERANCE_M = 1e-3

# Widening of bounding boxes so that floating-point rounding can never push a point that is within
# the radius just outside its box (1e-9 degree is about 0.1 mm).
_BOX_MARGIN_DEG = 1e-9

# GeoJSON output precision: 7 decimals of a degree is ~1 cm, beyond any phone's accuracy.
_GEOJSON_DECIMALS = 7


@dataclass(frozen=True)
class Position:
    """A latitude/longitude in degrees, together with the coordinate system it is expressed in.

    Validation happens on construction so an invalid position can never travel further into the
    system. Every problem raises :class:`ValueError` (even a wrong type), so callers parsing
    client input need to catch just one exception. ``system`` must be exactly ``"wgs84"`` or
    ``"gcj02"``, the strings ``wx.getLocation`` uses; anything else (for example Baidu's
    ``"bd09"``) is refused rather than guessed at. Integer coordinates are stored as floats.
    """

    lat: float
    lng: float
    system: str

    def __post_init__(self) -> None:
        """Check the coordinates are finite and in range and the system is known."""
        lat = _as_coordinate("lat", self.lat)
        lng = _as_coordinate("lng", self.lng)
        if not -90.0 <= lat <= 90.0:
            raise ValueError(f"lat must be between -90 and 90 degrees, got {lat!r}")
        if not -180.0 <= lng <= 180.0:
            raise ValueError(f"lng must be between -180 and 180 degrees, got {lng!r}")
        _check_system(self.system)
        # Frozen dataclass: store the float-normalised values through object.__setattr__.
        object.__setattr__(self, "lat", lat)
        object.__setattr__(self, "lng", lng)


def _as_coordinate(name: str, value: object) -> float:
    """Return ``value`` as a finite float, or raise ValueError naming the field."""
    # bool is an int subclass, but True as a latitude is always a bug, never a coordinate.
    if isinstance(value, bool) or not isinstance(value, int | float):
        raise ValueError(f"{name} must be a number, got {type(value).__name__}")
    result = float(value)
    if not math.isfinite(result):
        raise ValueError(f"{name} must be a finite number, got {result!r}")
    return result


def _check_system(system: object) -> None:
    """Raise ValueError unless ``system`` is one of :data:`COORD_SYSTEMS`."""
    if system not in COORD_SYSTEMS:
        raise ValueError(
            f"unknown coordinate system {system!r}: expected one of {', '.join(COORD_SYSTEMS)}"
        )


# --- GCJ-02 -----------------------------------------------------------------------------------


def out_of_china(lat: float, lng: float) -> bool:
    """Whether the GCJ-02 algorithm leaves this point unshifted.

    This is the rough rectangle used by the public GCJ-02 implementations, not China's border:
    the point is then "in China" for the purpose of the offset, which is what has to match the
    maps. (Some of Mongolia, Korea, etc. fall inside it; so do Hong Kong, Macau and Taiwan.)
    """
    return not (72.004 <= lng <= 137.8347 and 0.8293 <= lat <= 55.8271)


def _transform_lat(x: float, y: float) -> float:
    """The public GCJ-02 latitude polynomial, with ``x = lng - 105`` and ``y = lat - 35``."""
    ret = -100.0 + 2.0 * x + 3.0 * y + 0.2 * y * y + 0.1 * x * y + 0.2 * math.sqrt(abs(x))
    ret += (20.0 * math.sin(6.0 * x * math.pi) + 20.0 * math.sin(2.0 * x * math.pi)) * 2.0 / 3.0
    ret += (20.0 * math.sin(y * math.pi) + 40.0 * math.sin(y / 3.0 * math.pi)) * 2.0 / 3.0
    ret += (160.0 * math.sin(y / 12.0 * math.pi) + 320.0 * math.sin(y * math.pi / 30.0)) * 2.0 / 3.0
    return ret


def _transform_lng(x: float, y: float) -> float:
    """The public GCJ-02 longitude polynomial, with ``x = lng - 105`` and ``y = lat - 35``."""
    ret = 300.0 + x + 2.0 * y + 0.1 * x * x + 0.1 * x * y + 0.1 * math.sqrt(abs(x))
    ret += (20.0 * math.sin(6.0 * x * math.pi) + 20.0 * math.sin(2.0 * x * math.pi)) * 2.0 / 3.0
    ret += (20.0 * math.sin(x * math.pi) + 40.0 * math.sin(x / 3.0 * math.pi)) * 2.0 / 3.0
    ret += (150.0 * math.sin(x / 12.0 * math.pi) + 300.0 * math.sin(x / 30.0 * math.pi)) * 2.0 / 3.0
    return ret


def _gcj02_offset(lat: float, lng: float) -> tuple[float, float]:
    """The (dlat, dlng) in degrees that GCJ-02 adds to the WGS-84 point (lat, lng).

    Applies regardless of :func:`out_of_china`; callers decide whether the offset applies.
    """
    dlat = _transform_lat(lng - 105.0, lat - 35.0)
    dlng = _transform_lng(lng - 105.0, lat - 35.0)
    rad_lat = lat / 180.0 * math.pi
    magic = 1.0 - _EE * math.sin(rad_lat) ** 2
    sqrt_magic = math.sqrt(magic)
    # The polynomials give metres-ish values; these turn them into degrees on the ellipsoid.
    dlat = (dlat * 180.0) / ((_A * (1.0 - _EE)) / (magic * sqrt_magic) * math.pi)
    dlng = (dlng * 180.0) / (_A / sqrt_magic * math.cos(rad_lat) * math.pi)
    return dlat, dlng


def wgs84_to_gcj02(lat: float, lng: float) -> tuple[float, float]:
    """Convert a WGS-84 (lat, lng) to GCJ-02 with the standard public forward transform.

    Outside :func:`out_of_china`'s rectangle GCJ-02 equals WGS-84, so the point is returned as is.
    """
    if out_of_china(lat, lng):
        return lat, lng
    dlat, dlng = _gcj02_offset(lat, lng)
    return lat + dlat, lng + dlng


def gcj02_to_wgs84(lat: float, lng: float) -> tuple[float, float]:
    """Convert a GCJ-02 (lat, lng) to WGS-84, precisely, by iterating the forward transform.

    The common one-step inverse (subtract the offset computed at the GCJ-02 point) is off by up
    to a few metres, because the offset depends on the point it is computed at. Instead, start
    from that rough inverse and repeatedly correct the guess by how far its forward transform
    misses the target, until it misses by less than 1e-9 degree (~0.1 mm). The offset changes
    slowly with position, so this converges in a handful of steps; after 30 the best guess is
    returned.

    Points outside :func:`out_of_china`'s rectangle are returned unchanged. (Within a few hundred
    metres of that rectangle's edges — sea, steppe and Siberia, not schools — a WGS-84 point just
    inside can map to a GCJ-02 point just outside, which then does not round-trip.)
    """
    if out_of_china(lat, lng):
        return lat, lng
    dlat, dlng = _gcj02_offset(lat, lng)
    wgs_lat, wgs_lng = lat - dlat, lng - dlng
    for _ in range(_INVERSE_MAX_ITERATIONS):
        # The offset is applied unconditionally here: the guess is supposed to be in China, and
        # an out_of_china check could flip the transform off mid-iteration near the edges.
        dlat, dlng = _gcj02_offset(wgs_lat, wgs_lng)
        miss_lat = wgs_lat + dlat - lat
        miss_lng = wgs_lng + dlng - lng
        if abs(miss_lat) < _INVERSE_TOLERANCE_DEG and abs(miss_lng) < _INVERSE_TOLERANCE_DEG:
            break
        wgs_lat -= miss_lat
        wgs_lng -= miss_lng
    return wgs_lat, wgs_lng


def to_system(position: Position, system: str) -> Position:
    """Return ``position`` expressed in ``system`` (the same object if it already is)."""
    _check_system(system)
    if position.system == system:
        return position
    if system == GCJ02:
        lat, lng = wgs84_to_gcj02(position.lat, position.lng)
    else:
        lat, lng = gcj02_to_wgs84(position.lat, position.lng)
    return Position(lat, lng, system)


# --- Distances and areas ----------------------------------------------------------------------


def haversine_m(a: Position, b: Position) -> float:
    """Great-circle distance in metres between two positions, on a sphere of mean Earth radius.

    ``b`` is converted into ``a``'s system first, so the same physical place reported once in
    WGS-84 and once in GCJ-02 is 0 m from itself, not the few hundred metres the raw numbers
    differ by. (GCJ-02 is a slightly warped WGS-84, so distances measured in it differ from
    WGS-84 ones by well under 1 %: irrelevant at campus scale.)
    """
    b = to_system(b, a.system)
    lat1, lat2 = math.radians(a.lat), math.radians(b.lat)
    dlat = lat2 - lat1
    dlng = math.radians(b.lng - a.lng)
    h = math.sin(dlat / 2.0) ** 2 + math.cos(lat1) * math.cos(lat2) * math.sin(dlng / 2.0) ** 2
    # min() guards asin against rounding that pushes h a hair above 1 for antipodal points.
    return 2.0 * EARTH_RADIUS_M * math.asin(min(1.0, math.sqrt(h)))


def within_radius(point: Position, center: Position, radius_m: float) -> bool:
    """Whether ``point`` is at most ``radius_m`` metres from ``center`` (the circle included).

    The point is converted into the center's system, so this agrees with
    :func:`bounding_box` around the same center. A negative or non-finite radius is a bug in
    the caller and raises ValueError rather than quietly answering False.
    """
    _check_radius(radius_m)
    return haversine_m(center, point) <= radius_m


def _check_radius(radius_m: float) -> None:
    """Raise ValueError unless ``radius_m`` is a finite, non-negative number."""
    if isinstance(radius_m, bool) or not isinstance(radius_m, int | float):
        raise ValueError(f"radius_m must be a number, got {type(radius_m).__name__}")
    if not math.isfinite(radius_m) or radius_m < 0:
        raise ValueError(f"radius_m must be a finite number >= 0, got {radius_m!r}")


def point_in_polygon(point: Position, polygon: list[tuple[float, float]], system: str) -> bool:
    """Whether ``point`` is inside ``polygon``, whose (lat, lng) vertices are in ``system``.

    The polygon may be given closed (last vertex repeating the first) or open. The point is
    converted into ``system`` first. The vertices are projected onto a flat plane centred on the
    point (equirectangular: east-west distances scaled by cos(latitude)), which is accurate to a
    fraction of a millimetre per hundred metres at campus scale, and then tested by even-odd ray
    casting, so concave shapes work and self-intersecting ones follow the even-odd rule.

    Points on the boundary (within 1 mm of an edge, or on a vertex) count as inside: a phone
    standing on the school gate's line is at the school, and this makes the answer independent
    of which side floating-point rounding falls on.

    Raises ValueError for an unknown system or a polygon with fewer than 3 distinct vertices.
    """
    _check_system(system)
    vertices = list(polygon)
    if len(vertices) >= 2 and vertices[0] == vertices[-1]:
        vertices.pop()  # closed ring: the repeated vertex adds nothing
    if len(set(vertices)) < 3:
        raise ValueError("a polygon needs at least 3 distinct vertices")
    p = to_system(point, system)

    # Project into metres around the point, which then sits at the origin (0, 0).
    scale_y = math.pi / 180.0 * EARTH_RADIUS_M
    scale_x = scale_y * math.cos(math.radians(p.lat))
    projected = [
        (_wrap_lng(lng - p.lng) * scale_x, (lat - p.lat) * scale_y) for lat, lng in vertices
    ]

    inside = False
    for i, (x1, y1) in enumerate(projected):
        x2, y2 = projected[i - 1]  # i = 0 pairs with the last vertex, closing the ring
        if _distance_to_segment(x1, y1, x2, y2) <= _BOUNDARY_TOLERANCE_M:
            return True
        # Cast a ray from the origin towards +x; count edges that straddle y = 0 to its right.
        # The half-open test (y > 0) != (y > 0) counts a vertex on the ray exactly once.
        if (y1 > 0.0) != (y2 > 0.0):
            x_cross = x1 + (0.0 - y1) * (x2 - x1) / (y2 - y1)
            if x_cross > 0.0:
                inside = not inside
    return inside


def _wrap_lng(dlng: float) -> float:
    """Bring a longitude difference into [-180, 180), so polygons across the antimeridian work."""
    return (dlng + 180.0) % 360.0 - 180.0


def _distance_to_segment(x1: float, y1: float, x2: float, y2: float) -> float:
    """Distance from the origin to the segment (x1, y1)-(x2, y2), in the plane."""
    dx, dy = x2 - x1, y2 - y1
    length_sq = dx * dx + dy * dy
    if length_sq == 0.0:
        return math.hypot(x1, y1)
    # Parameter of the origin's projection onto the segment's line, clamped to the segment.
    t = max(0.0, min(1.0, -(x1 * dx + y1 * dy) / length_sq))
    return math.hypot(x1 + t * dx, y1 + t * dy)


def bounding_box(center: Position, radius_m: float) -> tuple[float, float, float, float]:
    """A (min_lat, min_lng, max_lat, max_lng) box, in ``center``'s system, around a circle.

    Meant as a cheap index pre-filter ("lat BETWEEN … AND lng BETWEEN …") before the exact
    :func:`within_radius` check: every point within ``radius_m`` of ``center`` is inside the box
    (it is a little wider than the circle, never narrower). The longitude half-width is the exact
    one for a circle on the sphere, ``asin(sin(r/R) / cos(lat))``, not the flat ``r / cos(lat)``.

    The box never wraps, so ``min_lat <= max_lat`` and ``min_lng <= max_lng`` always hold and a
    plain BETWEEN works:

    * latitudes are clamped to [-90, 90];
    * if the circle reaches a pole, every longitude is within reach of it: lng is [-180, 180];
    * if the circle crosses the antimeridian (±180°), the longitude range is widened to
      [-180, 180] rather than split in two. That box still contains the circle; it is just less
      selective, which costs nothing in practice since no school is near ±180°.
    """
    _check_radius(radius_m)
    angular = radius_m / EARTH_RADIUS_M  # the radius as an angle at the Earth's centre, radians
    dlat = math.degrees(angular) + _BOX_MARGIN_DEG
    min_lat = max(-90.0, center.lat - dlat)
    max_lat = min(90.0, center.lat + dlat)
    if min_lat <= -90.0 or max_lat >= 90.0 or angular >= math.pi / 2.0:
        return min_lat, -180.0, max_lat, 180.0
    ratio = math.sin(angular) / math.cos(math.radians(center.lat))
    if ratio >= 1.0:  # cannot happen once the poles are excluded, but asin must not see it
        return min_lat, -180.0, max_lat, 180.0
    dlng = math.degrees(math.asin(ratio)) + _BOX_MARGIN_DEG
    min_lng, max_lng = center.lng - dlng, center.lng + dlng
    if min_lng < -180.0 or max_lng > 180.0:
        return min_lat, -180.0, max_lat, 180.0
    return min_lat, min_lng, max_lat, max_lng


# --- Export -----------------------------------------------------------------------------------


def to_geojson_point(position: Position) -> dict:
    """A GeoJSON Point geometry for ``position``, always in WGS-84 as GeoJSON (RFC 7946) requires.

    Note GeoJSON's coordinate order is [longitude, latitude]. Coordinates are rounded to
    7 decimals (~1 cm).
    """
    wgs = to_system(position, WGS84)
    return {
        "type": "Point",
        "coordinates": [round(wgs.lng, _GEOJSON_DECIMALS), round(wgs.lat, _GEOJSON_DECIMALS)],
    }
