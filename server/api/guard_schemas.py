"""Schemas of the guards' post: shifts at the gate, hand-over notes and the perimeter log."""

from __future__ import annotations

from typing import Any

import marshmallow as ma
from marshmallow import validate

from server.api.fields import BoundedInt, Id, Text
from server.api.hazard_schemas import PhotoSchema, PositionFields, PositionSchema
from server.api.patrol_schemas import QR_PREFIX, PhoneTime
from server.api.schemas import RefSchema
from server.models.guards import LOG_KINDS, LOG_STATUSES


def _distinct(ids: list[int]) -> None:
    """Refuse a photo listed twice."""
    if len(set(ids)) != len(ids):
        raise ma.ValidationError("A photo is listed twice.")


class GuardPersonRef(ma.Schema):
    id = ma.fields.Integer()
    name = ma.fields.String(allow_none=True)


class ShiftStart(PositionFields):
    client_uuid = ma.fields.UUID(required=True)
    token = Text(
        required=True,
        max_length=80,
        metadata={"description": "The gate checkpoint's token (the QR content, with or "
                  "without its SAFETY-CP: prefix)"},
    )  # fmt: skip
    started_at = PhoneTime(required=True, metadata={"description": "When the gate was scanned"})

    @ma.post_load
    def _normalise(self, data: dict, **kwargs: Any) -> dict:
        """The token without the QR prefix; the UUID as its string."""
        data["token"] = data["token"].removeprefix(QR_PREFIX)
        data["client_uuid"] = str(data["client_uuid"])
        return data


class ShiftEnd(ma.Schema):
    handover_note = Text(
        load_default=None,
        allow_none=True,
        max_length=500,
        metadata={"description": "What the next guard should know (0-500 characters)"},
    )


class ShiftSchema(ma.Schema):
    id = ma.fields.Integer()
    school = ma.fields.Nested(RefSchema)
    checkpoint = ma.fields.Nested(RefSchema)
    user = ma.fields.Nested(GuardPersonRef)
    started_at = ma.fields.DateTime()
    ended_at = ma.fields.DateTime(allow_none=True)
    handover_note = ma.fields.String(allow_none=True)
    log_count = ma.fields.Integer()


class HandoverSchema(ma.Schema):
    shift_id = ma.fields.Integer()
    note = ma.fields.String()
    # "from" is a Python keyword: the key is given by data_key.
    from_ = ma.fields.Nested(GuardPersonRef, data_key="from", attribute="from")
    ended_at = ma.fields.DateTime()


class ShiftStarted(ma.Schema):
    shift = ma.fields.Nested(ShiftSchema)
    handover = ma.fields.Nested(HandoverSchema, allow_none=True)


class LogSchema(ma.Schema):
    id = ma.fields.Integer()
    client_uuid = ma.fields.String()
    shift_id = ma.fields.Integer()
    school = ma.fields.Nested(RefSchema)
    user = ma.fields.Nested(GuardPersonRef)
    kind = ma.fields.String(metadata={"description": ", ".join(LOG_KINDS)})
    kind_name = ma.fields.String()
    note = ma.fields.String(allow_none=True)
    position = ma.fields.Nested(PositionSchema)
    photos = ma.fields.List(ma.fields.Nested(PhotoSchema))
    occurred_at = ma.fields.DateTime()
    created_at = ma.fields.DateTime()
    status = ma.fields.String(metadata={"description": ", ".join(LOG_STATUSES)})
    hazard_id = ma.fields.Integer(allow_none=True)


class CurrentShift(ma.Schema):
    shift = ma.fields.Nested(ShiftSchema, allow_none=True)
    handover = ma.fields.Nested(HandoverSchema, allow_none=True)
    logs = ma.fields.List(ma.fields.Nested(LogSchema))


class LogCreate(PositionFields):
    client_uuid = ma.fields.UUID(required=True)
    kind = ma.fields.String(required=True, validate=validate.OneOf(LOG_KINDS))
    photo_ids = ma.fields.List(
        Id(),
        required=True,
        validate=[validate.Length(min=1, max=3, error="Attach 1 to 3 photos."), _distinct],
    )
    note = Text(
        load_default=None,
        allow_none=True,
        max_length=200,
        metadata={"description": "Required for kind other"},
    )
    occurred_at = PhoneTime(required=True, metadata={"description": "When it was seen"})
    raise_hazard = ma.fields.Boolean(load_default=False)

    @ma.validates_schema
    def _note_for_other(self, data: dict, **kwargs: Any) -> None:
        """ "Other" says nothing by itself: it needs a note."""
        if data.get("kind") == "other" and not data.get("note"):
            raise ma.ValidationError("Say what it is (required for other).", "note")

    @ma.post_load
    def _normalise(self, data: dict, **kwargs: Any) -> dict:
        """The UUID as its string."""
        data["client_uuid"] = str(data["client_uuid"])
        return data


class ShiftListQuery(ma.Schema):
    school_id = Id(required=True, metadata={"description": "Shifts at this unit and below"})
    before_id = Id()
    limit = BoundedInt(load_default=20, min=1, max=100)


class ShiftPage(ma.Schema):
    shifts = ma.fields.List(ma.fields.Nested(ShiftSchema))
    next_before_id = ma.fields.Integer(allow_none=True)


class LogListQuery(ma.Schema):
    shift_id = Id(metadata={"description": "The entries of one shift"})
    school_id = Id(metadata={"description": "Entries at this unit and below (patrol.view)"})
    before_id = Id()
    limit = BoundedInt(load_default=20, min=1, max=100)

    @ma.validates_schema
    def _one_filter(self, data: dict, **kwargs: Any) -> None:
        """Exactly one of shift_id and school_id."""
        if ("shift_id" in data) == ("school_id" in data):
            raise ma.ValidationError("Give either shift_id or school_id.", "shift_id")


class LogPage(ma.Schema):
    logs = ma.fields.List(ma.fields.Nested(LogSchema))
    next_before_id = ma.fields.Integer(allow_none=True)
