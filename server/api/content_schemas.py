"""Schemas of the content checks: WeChat's message push, and held items for their reviewers."""

from __future__ import annotations

import marshmallow as ma

from server.api.fields import BoundedInt, Id


class PushSignatureQuery(ma.Schema):
    """What WeChat adds to every message push (and to the URL check, with ``echostr``)."""

    class Meta:
        unknown = ma.EXCLUDE

    signature = ma.fields.String(required=True, validate=ma.validate.Length(max=64))
    timestamp = ma.fields.String(required=True, validate=ma.validate.Length(max=20))
    nonce = ma.fields.String(required=True, validate=ma.validate.Length(max=64))
    echostr = ma.fields.String(validate=ma.validate.Length(max=200))
    openid = ma.fields.String(validate=ma.validate.Length(max=64))


class MediaCheckResult(ma.Schema):
    """WeChat's verdict: ``suggest`` (pass, review, risky) and ``label``."""

    class Meta:
        unknown = ma.EXCLUDE

    suggest = ma.fields.String(validate=ma.validate.Length(max=10))
    label = BoundedInt()


class PushEvent(ma.Schema):
    """A message push in JSON mode; only ``wxa_media_check`` events are acted on:
    ``{"Event": "wxa_media_check", "trace_id", "result": {"suggest", "label"}, ...}``."""

    class Meta:
        unknown = ma.EXCLUDE

    Event = ma.fields.String(validate=ma.validate.Length(max=64))
    MsgType = ma.fields.String(validate=ma.validate.Length(max=64))
    trace_id = ma.fields.String(validate=ma.validate.Length(max=64))
    result = ma.fields.Nested(MediaCheckResult)


class ReviewsQuery(ma.Schema):
    unit_id = Id(required=True)


class ReviewSchema(ma.Schema):
    """A text or photo held by the content check, as its reviewer sees it."""

    id = ma.fields.Integer()
    kind = ma.fields.String(metadata={"description": "text or media"})
    subject = ma.fields.String(
        metadata={"description": "What it belongs to: notice, hazard, hazard_event, user"}
    )
    subject_id = ma.fields.Integer()
    field = ma.fields.String()
    content = ma.fields.String(allow_none=True, metadata={"description": "The held text"})
    photo_url = ma.fields.String(allow_none=True, metadata={"description": "The held photo"})
    status = ma.fields.String(
        metadata={
            "description": "pending (WeChat has not answered), review, risky, released, rejected"
        }
    )
    suggest = ma.fields.String(allow_none=True)
    label = ma.fields.Integer(allow_none=True)
    attempts = ma.fields.Integer()
    writer_id = ma.fields.Integer()
    writer_name = ma.fields.String(allow_none=True)
    unit_id = ma.fields.Integer(allow_none=True)
    unit_name = ma.fields.String(allow_none=True)
    created_at = ma.fields.DateTime()
    decided_at = ma.fields.DateTime(allow_none=True)


class ReviewsResponse(ma.Schema):
    reviews = ma.fields.List(ma.fields.Nested(ReviewSchema))
