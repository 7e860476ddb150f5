"""Schemas of the dangerous water points (防溺水): the point, its registration and edits, the
caller's due visits and the coverage figures."""

from __future__ import annotations

import marshmallow as ma
from marshmallow import validate

from server.api.checkpoint_schemas import PositionOut
from server.api.fields import BoundedDate, BoundedInt, Id, Text
from server.api.schemas import RefSchema
from server.geo import COORD_SYSTEMS
from server.geo_shapes import MAX_VERTICES, SHAPE_TYPES
from server.models.water import MEASURE_NAMES, WATER_KIND_NAMES

KINDS = list(WATER_KIND_NAMES)
RADIUS = {"min": 10, "max": 500}
PHONE = validate.Regexp(r"^[0-9+\- ]+$", error="Digits, +, - and spaces only.")


def _coordinate(limit: float, **kwargs) -> ma.fields.Float:
    """A latitude (90) or longitude (180), finite."""
    return ma.fields.Float(
        validate=validate.Range(min=-limit, max=limit), allow_nan=False, **kwargs
    )


class Vertex(ma.fields.List):
    """One vertex: [lat, lng]."""

    def __init__(self, **kwargs):
        """Two finite numbers."""
        super().__init__(_coordinate(180), validate=validate.Length(equal=2), **kwargs)


class ShapeIn(ma.Schema):
    """A river's line or a pond's polygon, [lat, lng] vertices in the point's coordinate system
    (a line 2-200 vertices, a polygon 3-200)."""

    type = ma.fields.String(required=True, validate=validate.OneOf(SHAPE_TYPES))
    coordinates = ma.fields.List(
        Vertex(), required=True, validate=validate.Length(min=2, max=MAX_VERTICES)
    )


class MeasuresSchema(ma.Schema):
    """The measures in place at the point; a key left out is false (not in place)."""

    warning_sign = ma.fields.Boolean(metadata={"description": MEASURE_NAMES["warning_sign"]})
    barrier = ma.fields.Boolean(metadata={"description": MEASURE_NAMES["barrier"]})
    life_buoy = ma.fields.Boolean(metadata={"description": MEASURE_NAMES["life_buoy"]})
    rope = ma.fields.Boolean(metadata={"description": MEASURE_NAMES["rope"]})
    pole = ma.fields.Boolean(metadata={"description": MEASURE_NAMES["pole"]})


class _WaterPointFields(ma.Schema):
    """What a point is registered or edited with."""

    name = Text(min_length=1, max_length=60)
    kind = ma.fields.String(validate=validate.OneOf(KINDS))
    lat = _coordinate(90)
    lng = _coordinate(180)
    accuracy = ma.fields.Float(
        validate=validate.Range(min=0, max=10_000),
        allow_nan=False,
        metadata={"description": "The phone's accuracy (m) when taken; checked, not stored"},
    )
    coord_system = ma.fields.String(validate=validate.OneOf(COORD_SYSTEMS))
    radius_m = BoundedInt(**RADIUS, metadata={"description": "Allowed distance, m"})
    shape = ma.fields.Nested(ShapeIn, allow_none=True)
    measures = ma.fields.Nested(MeasuresSchema)
    caretaker_name = Text(max_length=30, allow_none=True)
    caretaker_phone = Text(max_length=20, allow_none=True, validate=PHONE)
    note = Text(max_length=500, allow_none=True)
    school_ids = ma.fields.List(Id(), validate=validate.Length(min=1, max=20))

    @ma.validates_schema
    def _position_whole(self, data: dict, **kwargs) -> None:
        """A position is lat, lng and coord_system together (or, in an edit, none of them)."""
        given = [key for key in ("lat", "lng", "coord_system") if key in data]
        if given and len(given) != 3:
            raise ma.ValidationError("Give lat, lng and coord_system together.", "lat")


class WaterPointCreate(_WaterPointFields):
    """A point registered on site, or at a desk with a map's position."""

    name = Text(required=True, min_length=1, max_length=60)
    kind = ma.fields.String(required=True, validate=validate.OneOf(KINDS))
    lat = _coordinate(90, required=True)
    lng = _coordinate(180, required=True)
    coord_system = ma.fields.String(required=True, validate=validate.OneOf(COORD_SYSTEMS))
    radius_m = BoundedInt(
        **RADIUS, load_default=50, metadata={"description": "Allowed distance, m"}
    )
    school_ids = ma.fields.List(Id(), required=True, validate=validate.Length(min=1, max=20))


class WaterPointPatch(_WaterPointFields):
    """What may change; omitted fields stay as they are (``measures`` replaces them all)."""

    active = ma.fields.Boolean()


class WaterPointListQuery(ma.Schema):
    unit_id = Id(required=True)
    include_inactive = ma.fields.Boolean(
        load_default=False, metadata={"description": "Retired points too (water.manage)"}
    )


class ShapeOut(ma.Schema):
    type = ma.fields.String()
    coordinates = ma.fields.List(ma.fields.List(ma.fields.Float()))


class MeasuresOut(ma.Schema):
    warning_sign = ma.fields.Boolean()
    barrier = ma.fields.Boolean()
    life_buoy = ma.fields.Boolean()
    rope = ma.fields.Boolean()
    pole = ma.fields.Boolean()


class CaretakerSchema(ma.Schema):
    name = ma.fields.String(allow_none=True)
    phone = ma.fields.String(allow_none=True)


class PersonSchema(ma.Schema):
    id = ma.fields.Integer()
    name = ma.fields.String(allow_none=True)


class LastVisitSchema(ma.Schema):
    patrol_id = ma.fields.Integer()
    scanned_at = ma.fields.DateTime()
    user = ma.fields.Nested(PersonSchema)
    failed = ma.fields.Integer(metadata={"description": "Items failed at that visit"})


class NextDueSchema(ma.Schema):
    slot_id = ma.fields.Integer()
    opens_at = ma.fields.DateTime()
    closes_at = ma.fields.DateTime()
    status = ma.fields.String()


class WaterPointSchema(ma.Schema):
    """A water point with what the phone shows beside it."""

    id = ma.fields.Integer()
    checkpoint_id = ma.fields.Integer(
        metadata={"description": "Open a visit with GET /checkpoints/scan?checkpoint_id="}
    )
    name = ma.fields.String()
    kind = ma.fields.String(metadata={"description": ", ".join(KINDS)})
    kind_name = ma.fields.String()
    position = ma.fields.Nested(PositionOut)
    shape = ma.fields.Nested(ShapeOut, allow_none=True)
    radius_m = ma.fields.Integer()
    measures = ma.fields.Nested(MeasuresOut)
    missing_measures = ma.fields.List(
        ma.fields.String(), metadata={"description": "The names of the measures not in place"}
    )
    caretaker = ma.fields.Nested(CaretakerSchema, allow_none=True)
    note = ma.fields.String(allow_none=True)
    unit = ma.fields.Nested(RefSchema, metadata={"description": "The unit that registered it"})
    schools = ma.fields.List(ma.fields.Nested(RefSchema))
    active = ma.fields.Boolean()
    last_visit = ma.fields.Nested(LastVisitSchema, allow_none=True)
    next_due = ma.fields.Nested(
        NextDueSchema, allow_none=True, metadata={"description": "The earliest open window"}
    )
    may_manage = ma.fields.Boolean(
        metadata={"description": "The caller holds water.manage at every school it concerns"}
    )


class WaterPointsResponse(ma.Schema):
    water_points = ma.fields.List(ma.fields.Nested(WaterPointSchema))


class DuePointSchema(ma.Schema):
    id = ma.fields.Integer()
    name = ma.fields.String()
    kind = ma.fields.String()
    kind_name = ma.fields.String()


class DueSchema(ma.Schema):
    slot_id = ma.fields.Integer()
    water_point = ma.fields.Nested(DuePointSchema)
    checkpoint_id = ma.fields.Integer()
    school = ma.fields.Nested(RefSchema)
    opens_at = ma.fields.DateTime()
    closes_at = ma.fields.DateTime()
    status = ma.fields.String()
    period_name = ma.fields.String(metadata={"description": "汛期, 暑假 or 平时"})


class DueResponse(ma.Schema):
    visits = ma.fields.List(ma.fields.Nested(DueSchema))
    count = ma.fields.Integer()


class CoverageQuery(ma.Schema):
    unit_id = Id(required=True)
    date_from = BoundedDate(
        data_key="from", load_default=None, metadata={"description": "Default: 90 days ago"}
    )
    date_to = BoundedDate(
        data_key="to", load_default=None, metadata={"description": "Default: today"}
    )


class Counts(ma.Schema):
    due = ma.fields.Integer()
    done = ma.fields.Integer()
    late = ma.fields.Integer()
    missed = ma.fields.Integer()
    open = ma.fields.Integer()
    rate = ma.fields.Float(allow_none=True, metadata={"description": "(done+late)/(due-open)"})


class SchoolCounts(Counts):
    school = ma.fields.Nested(RefSchema)


class PointRef(ma.Schema):
    id = ma.fields.Integer()
    name = ma.fields.String()


class PointCounts(Counts):
    water_point = ma.fields.Nested(PointRef)


class PeriodCounts(Counts):
    code = ma.fields.String(metadata={"description": "regular, flood, summer..."})
    name = ma.fields.String(metadata={"description": "平时, 汛期, 暑假..."})


class MissedSchema(ma.Schema):
    slot_id = ma.fields.Integer()
    water_point = ma.fields.Nested(PointRef)
    school = ma.fields.Nested(RefSchema)
    opens_at = ma.fields.DateTime()
    closes_at = ma.fields.DateTime()
    period_name = ma.fields.String()


class CoverageResponse(ma.Schema):
    date_from = ma.fields.Date(data_key="from")
    date_to = ma.fields.Date(data_key="to")
    totals = ma.fields.Nested(Counts)
    schools = ma.fields.List(ma.fields.Nested(SchoolCounts))
    points = ma.fields.List(ma.fields.Nested(PointCounts))
    periods = ma.fields.List(ma.fields.Nested(PeriodCounts))
    missed = ma.fields.List(
        ma.fields.Nested(MissedSchema),
        metadata={"description": "Windows passed without a visit, newest first (at most 500)"},
    )
