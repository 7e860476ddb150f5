"""Schemas of the patrol submission and records."""

from __future__ import annotations

import datetime as dt
from typing import Any

import marshmallow as ma
from marshmallow import validate

from server.api.fields import BoundedInt, Id, Text
from server.api.hazard_schemas import PhotoSchema, PositionFields, PositionSchema, UserRefSchema
from server.api.schemas import RefSchema
from server.models.patrols import ANSWERS

# A checklist has a few dozen items; a list far longer than any template is refused unread.
MAX_ANSWERS = 100
# What a checkpoint's QR code carries before the token (the phone may send it whole).
QR_PREFIX = "SAFETY-CP:"


def _distinct(ids: list[int]) -> None:
    """Refuse a photo listed twice."""
    if len(set(ids)) != len(ids):
        raise ma.ValidationError("A photo is listed twice.")


class PhoneTime(ma.fields.AwareDateTime):
    """An instant on the phone's clock, ISO 8601; without an offset it is taken as UTC. Years
    outside 2000-2100 are refused before any arithmetic (year 9999 at -12:00 overflows)."""

    def __init__(self, **kwargs: Any):
        """UTC when the phone sends no offset."""
        super().__init__(default_timezone=dt.UTC, **kwargs)

    def _deserialize(self, value: Any, attr: str | None, data: Any, **kwargs: Any) -> Any:
        """Parse, check the year, and return the instant in UTC."""
        moment = super()._deserialize(value, attr, data, **kwargs)
        if not 2000 <= moment.year <= 2100:
            raise self.make_error("invalid", input=value, obj_type=self.OBJ_TYPE)
        return moment.astimezone(dt.UTC)


class AnswerIn(ma.Schema):
    item_id = Id(required=True)
    answer = ma.fields.String(required=True, validate=validate.OneOf(ANSWERS))
    note = Text(load_default=None, allow_none=True, max_length=500)
    photo_ids = ma.fields.List(
        Id(),
        load_default=list,
        validate=[validate.Length(max=9, error="At most 9 photos per item."), _distinct],
    )


class PatrolCreate(PositionFields):
    client_uuid = ma.fields.UUID(required=True)
    token = Text(
        max_length=80,
        metadata={"description": "The checkpoint's token (the QR content, with or without "
                  "its SAFETY-CP: prefix)"},
    )  # fmt: skip
    checkpoint_id = Id(
        metadata={"description": "Instead of token, for a water point (it carries no sticker)"}
    )
    template_id = Id(required=True)
    scanned_at = PhoneTime(required=True, metadata={"description": "When the code was scanned"})
    sent_at = PhoneTime(required=True, metadata={"description": "When the phone sent the round"})
    answers = ma.fields.List(
        ma.fields.Nested(AnswerIn),
        required=True,
        validate=validate.Length(min=1, max=MAX_ANSWERS),
    )

    @ma.validates_schema
    def _one_target(self, data: dict, **kwargs: Any) -> None:
        """Exactly one of token and checkpoint_id."""
        if ("token" in data) == ("checkpoint_id" in data):
            raise ma.ValidationError("Give either token or checkpoint_id.", "token")

    @ma.post_load
    def _normalise(self, data: dict, **kwargs: Any) -> dict:
        """The token without the QR prefix (None when the round names a checkpoint_id); the
        UUID as its string."""
        data["token"] = data["token"].removeprefix(QR_PREFIX) if "token" in data else None
        data.setdefault("checkpoint_id", None)
        data["client_uuid"] = str(data["client_uuid"])
        return data


class TemplateRef(ma.Schema):
    id = ma.fields.Integer()
    code = ma.fields.String()
    name = ma.fields.String()
    version = ma.fields.Integer()


class FlagSchema(ma.Schema):
    kind = ma.fields.String(metadata={"description": "photo_reused"})
    photo_id = ma.fields.Integer(allow_none=True)
    detail = ma.fields.Dict(
        metadata={"description": "patrol_id or hazard_id of the earlier record, match "
                  "(same_photo | similar_picture), other_photo_id"}
    )  # fmt: skip


class AnswerCounts(ma.Schema):
    # "pass" is a Python keyword: the key is given by data_key.
    passed = ma.fields.Integer(data_key="pass", attribute="pass")
    fail = ma.fields.Integer()
    na = ma.fields.Integer()


class ItemRef(ma.Schema):
    id = ma.fields.Integer()
    code = ma.fields.String()
    text = ma.fields.String()


class AnswerOut(ma.Schema):
    item = ma.fields.Nested(ItemRef)
    answer = ma.fields.String()
    note = ma.fields.String(allow_none=True)
    hazard_id = ma.fields.Integer(allow_none=True)
    photos = ma.fields.List(ma.fields.Nested(PhotoSchema))


class PatrolSummary(ma.Schema):
    id = ma.fields.Integer()
    client_uuid = ma.fields.String()
    checkpoint = ma.fields.Nested(RefSchema)
    school = ma.fields.Nested(RefSchema)
    template = ma.fields.Nested(TemplateRef)
    user = ma.fields.Nested(UserRefSchema)
    slot_id = ma.fields.Integer(allow_none=True)
    position = ma.fields.Nested(PositionSchema)
    accuracy_m = ma.fields.Float()
    distance_m = ma.fields.Float()
    scanned_at = ma.fields.DateTime()
    sent_at = ma.fields.DateTime()
    received_at = ma.fields.DateTime()
    late_submission = ma.fields.Boolean(
        metadata={"description": "Received more than 30 minutes after the scan"}
    )
    flags = ma.fields.List(ma.fields.Nested(FlagSchema))
    counts = ma.fields.Nested(AnswerCounts)


class PatrolDetail(PatrolSummary):
    answers = ma.fields.List(ma.fields.Nested(AnswerOut))


class PatrolListQuery(ma.Schema):
    mine = ma.fields.Boolean(load_default=False)
    school_id = Id(metadata={"description": "Rounds at this unit and below (patrol.view)"})
    before_id = Id()
    limit = BoundedInt(load_default=20, min=1, max=100)


class PatrolPage(ma.Schema):
    patrols = ma.fields.List(ma.fields.Nested(PatrolSummary))
    next_before_id = ma.fields.Integer(allow_none=True)
