"""Distance from a phone's position to a line or polygon: a river bank, a pond's edge (pure, no
Flask). A water point may be drawn as a LineString (a stretch of river) or a Polygon (a pond,
a reservoir); presence at it is being within a distance of the line, or inside the polygon or
within that distance of its edge.

Shapes are ``{"type": "LineString" | "Polygon", "coordinates": [[lat, lng], ...]}`` in one
coordinate system (the point's own, as the phone gave it). Note the order: [lat, lng], as every
position in this project, not GeoJSON's [lng, lat] (:func:`to_geojson` converts for export).
"""

from __future__ import annotations

import itertools
import math
from typing import Any

from server.geo import (
    EARTH_RADIUS_M,
    WGS84,
    Position,
    _distance_to_segment,
    _wrap_lng,
    point_in_polygon,
    to_system,
)

LINE, POLYGON = "LineString", "Polygon"
SHAPE_TYPES = (LINE, POLYGON)
# A river drawn on the phone by tapping: a few dozen vertices at most.
MAX_VERTICES = 200


def check_shape(shape: Any) -> list[tuple[float, float]]:
    """The shape's vertices as (lat, lng) pairs; ValueError when it is not a usable shape: an
    unknown type, a line of fewer than 2 distinct vertices or a polygon of fewer than 3, more
    than MAX_VERTICES, or a coordinate out of range."""
    if not isinstance(shape, dict) or shape.get("type") not in SHAPE_TYPES:
        raise ValueError(f"type must be one of {', '.join(SHAPE_TYPES)}")
    coordinates = shape.get("coordinates")
    if not isinstance(coordinates, list) or len(coordinates) > MAX_VERTICES:
        raise ValueError(f"coordinates must be a list of at most {MAX_VERTICES} [lat, lng] pairs")
    vertices = []
    for pair in coordinates:
        if (
            not isinstance(pair, list | tuple)
            or len(pair) != 2
            or not all(isinstance(v, int | float) and not isinstance(v, bool) for v in pair)
        ):
            raise ValueError("each vertex must be [lat, lng]")
        lat, lng = float(pair[0]), float(pair[1])
        if not (math.isfinite(lat) and math.isfinite(lng)) or abs(lat) > 90 or abs(lng) > 180:
            raise ValueError("a vertex is out of range")
        vertices.append((lat, lng))
    needed = 2 if shape["type"] == LINE else 3
    if len(set(vertices)) < needed:
        raise ValueError(f"a {shape['type']} needs at least {needed} distinct vertices")
    return vertices


def distance_to_shape(point: Position, shape: dict, system: str) -> float:
    """Metres from ``point`` to the shape (whose vertices are in ``system``): to the nearest
    segment of a line; 0 inside a polygon, else to its nearest edge. The point is converted into
    ``system`` first; the plane is projected around the point (accurate at a river's scale)."""
    vertices = check_shape(shape)
    if shape["type"] == POLYGON and point_in_polygon(point, vertices, system):
        return 0.0
    p = to_system(point, system)
    scale_y = math.pi / 180.0 * EARTH_RADIUS_M
    scale_x = scale_y * math.cos(math.radians(p.lat))
    projected = [
        (_wrap_lng(lng - p.lng) * scale_x, (lat - p.lat) * scale_y) for lat, lng in vertices
    ]
    segments = list(itertools.pairwise(projected))
    if shape["type"] == POLYGON:
        segments.append((projected[-1], projected[0]))
    return min(_distance_to_segment(x1, y1, x2, y2) for (x1, y1), (x2, y2) in segments)


def to_geojson(shape: dict, system: str) -> dict:
    """The shape as a GeoJSON geometry in WGS-84 ([lng, lat], a closed ring for a polygon)."""
    vertices = check_shape(shape)
    wgs = [to_system(Position(lat, lng, system), WGS84) for lat, lng in vertices]
    ring = [[round(v.lng, 7), round(v.lat, 7)] for v in wgs]
    if shape["type"] == POLYGON:
        if ring[0] != ring[-1]:
            ring.append(ring[0])
        return {"type": POLYGON, "coordinates": [ring]}
    return {"type": LINE, "coordinates": ring}
