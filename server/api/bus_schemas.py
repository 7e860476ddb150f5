"""Schemas of the school-bus registry and the day's board (the contract's "School buses")."""

from __future__ import annotations

import marshmallow as ma
from marshmallow import validate

from server.api.fields import BoundedDate, BoundedInt, Id, Text
from server.api.patrol_plan_schemas import ClockTime
from server.api.schemas import RefSchema
from server.models.buses import TRIP_CODES

# A plate as printed: a province character, letters and digits (spaces and · are dropped).
PLATE = validate.Regexp(r"^[\w·\s]+$", error="A plate has letters, digits and characters.")
PHONE = validate.Regexp(r"^[0-9+\- ]+$", error="Digits, +, - and spaces only.")
DOCUMENT_STATES = ("valid", "expiring", "expired", "missing")


class TripIn(ma.Schema):
    code = ma.fields.String(required=True, validate=validate.OneOf(TRIP_CODES))
    departs_at = ClockTime(required=True, metadata={"description": "Local time, HH:MM"})


class DriverIn(ma.Schema):
    name = Text(required=True, min_length=1, max_length=30)
    phone = Text(allow_none=True, max_length=20, validate=PHONE)
    licence_no = Text(allow_none=True, max_length=30)
    licence_expires_on = BoundedDate(required=True)


class _BusFields(ma.Schema):
    """The fields a bus is written with (create: the required ones; PATCH: any)."""

    plate = Text(min_length=2, max_length=12, validate=PLATE, metadata={"example": "皖L12345"})
    seats = BoundedInt(min=1, max=80)
    operator = Text(min_length=1, max_length=60)
    agreement_number = Text(allow_none=True, max_length=40)
    agreement_expires_on = BoundedDate(allow_none=True)
    video_alarm_device = Text(allow_none=True, max_length=60)
    route = Text(allow_none=True, max_length=200)
    school_ids = ma.fields.List(
        Id(),
        validate=validate.Length(min=1, max=20),
        metadata={"description": "The schools it serves (the running school always is one)"},
    )
    trips = ma.fields.List(ma.fields.Nested(TripIn), validate=validate.Length(min=1, max=3))
    drivers = ma.fields.List(ma.fields.Nested(DriverIn), validate=validate.Length(max=5))


class BusCreate(_BusFields):
    """A new bus: the running school, plate, seats, operator and trips are required."""

    school_id = Id(required=True, metadata={"description": "The school that runs the bus"})
    plate = Text(
        required=True, min_length=2, max_length=12, validate=PLATE, metadata={"example": "皖L12345"}
    )
    seats = BoundedInt(required=True, min=1, max=80)
    operator = Text(required=True, min_length=1, max_length=60)
    trips = ma.fields.List(
        ma.fields.Nested(TripIn), required=True, validate=validate.Length(min=1, max=3)
    )


class BusPatch(_BusFields):
    """Any create field but the school (``drivers``, ``trips``, ``school_ids`` replace their
    lists), and ``active``."""

    active = ma.fields.Boolean()


class BusListQuery(ma.Schema):
    unit_id = Id(required=True)
    include_inactive = ma.fields.Boolean(load_default=False)


class SchoolQuery(ma.Schema):
    school_id = Id(required=True)


class BoardQuery(ma.Schema):
    school_id = Id(required=True)
    day = BoundedDate(load_default=None, metadata={"description": "Default: today (China)"})


class AgreementOut(ma.Schema):
    number = ma.fields.String(allow_none=True)
    expires_on = ma.fields.Date(allow_none=True)
    state = ma.fields.String(metadata={"enum": list(DOCUMENT_STATES)})


class VideoAlarmOut(ma.Schema):
    device = ma.fields.String(allow_none=True)
    fitted = ma.fields.Boolean()


class TripOut(ma.Schema):
    code = ma.fields.String()
    name = ma.fields.String()
    departs_at = ClockTime()


class DriverOut(ma.Schema):
    id = ma.fields.Integer()
    name = ma.fields.String()
    phone = ma.fields.String(allow_none=True)
    licence_no = ma.fields.String(allow_none=True)
    licence_expires_on = ma.fields.Date()
    licence_state = ma.fields.String(metadata={"enum": ["valid", "expiring", "expired"]})


class BusSchema(ma.Schema):
    """A bus; ``token`` only for bus.manage holders at the running school."""

    id = ma.fields.Integer()
    checkpoint_id = ma.fields.Integer()
    plate = ma.fields.String()
    seats = ma.fields.Integer()
    operator = ma.fields.String()
    agreement = ma.fields.Nested(AgreementOut)
    video_alarm = ma.fields.Nested(VideoAlarmOut)
    route = ma.fields.String(allow_none=True)
    school = ma.fields.Nested(RefSchema)
    schools = ma.fields.List(ma.fields.Nested(RefSchema))
    trips = ma.fields.List(ma.fields.Nested(TripOut))
    drivers = ma.fields.List(ma.fields.Nested(DriverOut))
    active = ma.fields.Boolean()
    token = ma.fields.String(metadata={"description": "The sticker's content after SAFETY-CP:"})


class BusesResponse(ma.Schema):
    buses = ma.fields.List(ma.fields.Nested(BusSchema))


class BusRefOut(ma.Schema):
    id = ma.fields.Integer()
    plate = ma.fields.String()
    seats = ma.fields.Integer()


class AlertOut(ma.Schema):
    kind = ma.fields.String(metadata={"enum": ["agreement", "licence", "video_alarm"]})
    state = ma.fields.String(metadata={"enum": ["expired", "expiring", "missing"]})
    text = ma.fields.String()


class FailedItemOut(ma.Schema):
    code = ma.fields.String()
    text = ma.fields.String()
    hazard_id = ma.fields.Integer(allow_none=True)


class BoardTripOut(ma.Schema):
    code = ma.fields.String()
    name = ma.fields.String()
    departs_at = ClockTime()
    slot_id = ma.fields.Integer(allow_none=True)
    opens_at = ma.fields.DateTime()
    closes_at = ma.fields.DateTime()
    state = ma.fields.String(
        metadata={"enum": ["cleared", "failed", "pending", "missed", "late", "none"]}
    )
    patrol_id = ma.fields.Integer(allow_none=True)
    inspector = ma.fields.Nested(RefSchema, allow_none=True)
    inspected_at = ma.fields.DateTime(allow_none=True)
    failed_items = ma.fields.List(ma.fields.Nested(FailedItemOut))


class BoardBusOut(ma.Schema):
    bus = ma.fields.Nested(BusRefOut)
    checkpoint_id = ma.fields.Integer()
    alerts = ma.fields.List(ma.fields.Nested(AlertOut))
    trips = ma.fields.List(ma.fields.Nested(BoardTripOut))


class BoardCounts(ma.Schema):
    cleared = ma.fields.Integer()
    failed = ma.fields.Integer()
    pending = ma.fields.Integer()
    missed = ma.fields.Integer()
    late = ma.fields.Integer()


class BoardResponse(ma.Schema):
    day = ma.fields.Date()
    school = ma.fields.Nested(RefSchema)
    counts = ma.fields.Nested(BoardCounts)
    buses = ma.fields.List(ma.fields.Nested(BoardBusOut))
