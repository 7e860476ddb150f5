"""Schemas of a school's checkpoints and of scanning one."""

from __future__ import annotations

import marshmallow as ma
from marshmallow import validate

from server.api.checklist_schemas import ChecklistTemplateSchema
from server.api.fields import BoundedInt, Id, Text
from server.api.schemas import RefSchema
from server.geo import COORD_SYSTEMS

RADIUS = {"min": 10, "max": 500}


def _codes(**kwargs) -> ma.fields.List:
    """A list of 1-10 template codes (``fire_daily``)."""
    return ma.fields.List(
        Text(min_length=1, max_length=40), validate=validate.Length(min=1, max=10), **kwargs
    )


class PositionOut(ma.Schema):
    lat = ma.fields.Float()
    lng = ma.fields.Float()
    coord_system = ma.fields.String()


class CheckpointSchema(ma.Schema):
    """A checkpoint; ``token`` only for those who manage the school's checkpoints."""

    id = ma.fields.Integer()
    school = ma.fields.Nested(RefSchema)
    name = ma.fields.String()
    position = ma.fields.Nested(PositionOut)
    radius_m = ma.fields.Integer()
    template_codes = ma.fields.List(ma.fields.String())
    active = ma.fields.Boolean()
    kind = ma.fields.String(metadata={"description": "place, water (no sticker) or bus"})
    shape = ma.fields.Dict(
        allow_none=True,
        metadata={
            "description": "A water point's line or polygon: {type, coordinates: [[lat, lng]]}"
        },
    )
    token = ma.fields.String(
        metadata={"description": "What the QR code carries after SAFETY-CP: (managers only)"}
    )


class CheckpointsResponse(ma.Schema):
    checkpoints = ma.fields.List(ma.fields.Nested(CheckpointSchema))


class SchoolQuery(ma.Schema):
    school_id = Id(required=True)


class CheckpointCreate(ma.Schema):
    """A checkpoint recorded on site: the phone's position with its coordinate system."""

    school_id = Id(required=True)
    name = Text(required=True, min_length=1, max_length=60)
    lat = ma.fields.Float(required=True, validate=validate.Range(min=-90, max=90), allow_nan=False)
    lng = ma.fields.Float(
        required=True, validate=validate.Range(min=-180, max=180), allow_nan=False
    )
    coord_system = ma.fields.String(required=True, validate=validate.OneOf(COORD_SYSTEMS))
    radius_m = BoundedInt(required=True, **RADIUS, metadata={"description": "Allowed radius, m"})
    template_codes = _codes(required=True)


class CheckpointPatch(ma.Schema):
    """What may change; omitted fields stay as they are."""

    name = Text(min_length=1, max_length=60)
    radius_m = BoundedInt(**RADIUS)
    template_codes = _codes()
    active = ma.fields.Boolean()


class ScanQuery(ma.Schema):
    """A scanned code, or (water points only, which carry no sticker) the checkpoint's id."""

    token = Text(
        min_length=1,
        max_length=100,
        metadata={"description": "The scanned token, or the whole QR content SAFETY-CP:<token>"},
    )
    checkpoint_id = Id(metadata={"description": "A water point's checkpoint (no sticker)"})

    @ma.validates_schema
    def _one_target(self, data: dict, **kwargs) -> None:
        """Exactly one of token and checkpoint_id."""
        if ("token" in data) == ("checkpoint_id" in data):
            raise ma.ValidationError("Give either token or checkpoint_id.", "token")


class ScanResponse(ma.Schema):
    checkpoint = ma.fields.Nested(CheckpointSchema)
    templates = ma.fields.List(ma.fields.Nested(ChecklistTemplateSchema))
