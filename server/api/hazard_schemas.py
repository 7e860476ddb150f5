"""Schemas of the hazard and photo endpoints."""

from __future__ import annotations

from typing import Any

import marshmallow as ma
from marshmallow import validate

from server.api.fields import BoundedDate, BoundedInt, Id, Money, Named, Text
from server.api.schemas import RefSchema
from server.errors import ApiError
from server.geo import COORD_SYSTEMS
from server.models.hazards import SEVERITIES, STATUSES
from server.roles import ROLES
from server.services.todo_groups import GROUPS as TODO_GROUPS

_LAT = validate.Range(min=-90, max=90)
_LNG = validate.Range(min=-180, max=180)


def _distinct(ids: list[int]) -> None:
    """Refuse a photo listed twice."""
    if len(set(ids)) != len(ids):
        raise ma.ValidationError("A photo is listed twice.")


_PHOTO_IDS = [validate.Length(min=1, max=9, error="Attach 1 to 9 photos."), _distinct]


class PositionFields(ma.Schema):
    """A phone position as ``wx.getLocation`` gives it, with its coordinate system."""

    lat = ma.fields.Float(required=True, validate=_LAT, allow_nan=False)
    lng = ma.fields.Float(required=True, validate=_LNG, allow_nan=False)
    accuracy = ma.fields.Float(
        required=True,
        validate=validate.Range(min=0, max=10000, min_inclusive=False),
        metadata={"description": "Horizontal accuracy in metres"},
    )
    coord_system = ma.fields.String(required=True, validate=validate.OneOf(COORD_SYSTEMS))


class PhotoUploadForm(ma.Schema):
    file = ma.fields.Raw(required=True, metadata={"type": "string", "format": "binary"})


class PhotoSchema(ma.Schema):
    id = ma.fields.Integer()
    width = ma.fields.Integer()
    height = ma.fields.Integer()
    taken_at = ma.fields.DateTime(allow_none=True)
    has_gps = ma.fields.Boolean()
    old = ma.fields.Boolean(
        metadata={"description": "The camera time is well before the upload (OLD_PHOTO_DAYS)"}
    )
    url = ma.fields.String(allow_none=True, metadata={"description": "None while under review"})
    thumb_url = ma.fields.String(allow_none=True)
    under_review = ma.fields.Boolean(
        metadata={"description": "Held by WeChat's media check: only its uploader sees it yet"}
    )
    refused = ma.fields.Boolean(
        metadata={
            "description": "Refused by WeChat's media check (or an admin): shown to nobody, "
            "no links; its uploader was told to take another"
        }
    )
    stage = ma.fields.String(
        allow_none=True,
        metadata={"description": "before (report), after (fix), or null while unattached"},
    )


class HazardCreate(PositionFields):
    client_uuid = ma.fields.UUID(required=True)
    school_id = Id(load_default=None, allow_none=True)
    focus_problem = Text(
        load_default=None,
        allow_none=True,
        min_length=1,
        max_length=60,
        metadata={"description": "Omitted or null: unsure (不确定); the safety officer classifies"},
    )
    description = Text(required=True, min_length=2, max_length=1000)
    place = Text(
        load_default=None,
        allow_none=True,
        max_length=60,
        metadata={"description": "Where it is, in words (三楼东侧走廊); blank is no place"},
    )
    severity = ma.fields.String(required=True, validate=validate.OneOf(SEVERITIES))
    photo_ids = ma.fields.List(Id(), required=True, validate=_PHOTO_IDS)
    checkpoint_token = Text(
        load_default=None,
        allow_none=True,
        max_length=80,
        metadata={"description": "A scanned checkpoint's token (SAFETY-CP: prefix optional): "
                  "the report is made at that checkpoint of the same school"},
    )  # fmt: skip


class CodeRefSchema(ma.Schema):
    code = ma.fields.String()
    name = ma.fields.String()


class UserRefSchema(ma.Schema):
    id = ma.fields.Integer()
    display_name = ma.fields.String(allow_none=True)


class PositionSchema(ma.Schema):
    lat = ma.fields.Float()
    lng = ma.fields.Float()
    # History entries keep no accuracy for the positions of their actions.
    accuracy = ma.fields.Float(allow_none=True)
    coord_system = ma.fields.String()


class PlanSchema(ma.Schema):
    responsible_person = ma.fields.String(allow_none=True)
    responsible_user_id = ma.fields.Integer(allow_none=True)
    deadline = ma.fields.Date(allow_none=True)
    measures = ma.fields.String(allow_none=True)
    funds_yuan = Money(allow_none=True)
    contingency = ma.fields.String(allow_none=True)


class HazardSummary(ma.Schema):
    id = ma.fields.Integer()
    client_uuid = ma.fields.String()
    school = ma.fields.Nested(RefSchema)
    area = ma.fields.Nested(CodeRefSchema, allow_none=True)
    focus_problem = ma.fields.Nested(
        CodeRefSchema, allow_none=True, metadata={"description": "null: not yet classified"}
    )
    description = ma.fields.String()
    place = ma.fields.String(allow_none=True)
    severity = ma.fields.String()
    status = ma.fields.String()
    overdue = ma.fields.Boolean()
    escalation_level = ma.fields.Integer()
    position = ma.fields.Nested(PositionSchema)
    inside_campus = ma.fields.Boolean(allow_none=True)
    reported_at = ma.fields.DateTime()
    reporter = ma.fields.Nested(UserRefSchema)
    deadline = ma.fields.Date(allow_none=True)
    responsible_person = ma.fields.String(allow_none=True)
    duplicate_of_id = ma.fields.Integer(allow_none=True)
    thumb_url = ma.fields.String(allow_none=True)
    old_photo = ma.fields.Boolean(
        metadata={"description": "A photo of the report was taken well before it was uploaded"}
    )
    checkpoint = ma.fields.Nested(
        RefSchema,
        allow_none=True,
        metadata={"description": "The checkpoint it was found at (a patrol, or a scanned code)"},
    )


class HazardDetail(HazardSummary):
    plan = ma.fields.Nested(PlanSchema)
    photos = ma.fields.List(ma.fields.Nested(PhotoSchema))
    fix_note = ma.fields.String(allow_none=True)
    close_reason = ma.fields.String(allow_none=True)
    closed_at = ma.fields.DateTime(allow_none=True)
    allowed_actions = ma.fields.List(ma.fields.String())


class HazardListQuery(ma.Schema):
    school_id = Id()
    area = Text(max_length=40)
    focus_problem = Text(max_length=60)
    status = ma.fields.String(validate=validate.OneOf(STATUSES))
    severity = ma.fields.String(validate=validate.OneOf(SEVERITIES))
    overdue = ma.fields.Boolean()
    todo = ma.fields.String(
        validate=validate.OneOf(TODO_GROUPS),
        metadata={"description": "Only the hazards of this group of the caller's to-do"},
    )
    reporter_id = Id()
    reported_from = BoundedDate()
    reported_to = BoundedDate()
    cursor = ma.fields.String(validate=validate.Length(max=40))
    limit = BoundedInt(load_default=20, min=1, max=100)


class HazardPage(ma.Schema):
    hazards = ma.fields.List(ma.fields.Nested(HazardSummary))
    next_cursor = ma.fields.String(allow_none=True)


class NearbyQuery(PositionFields):
    focus_problem = Text(required=True, min_length=1, max_length=60)
    accuracy = ma.fields.Float(load_default=None, allow_none=True)


class NearbyHazard(HazardSummary):
    distance_m = ma.fields.Float()


class NearbyResponse(ma.Schema):
    hazards = ma.fields.List(ma.fields.Nested(NearbyHazard))


class OriginRequest(ma.Schema):
    """Where the phone was when the action was taken (optional, recorded in the history)."""

    position = ma.fields.Nested(PositionFields, load_default=None, allow_none=True)


class PlanRequest(OriginRequest):
    """The five fields; the responsible person is picked, so the plan stores their own name."""

    responsible_user_id = Id(
        required=True,
        metadata={
            "description": "One of GET /hazards/{id}/responsible-candidates; the plan's "
            "responsible_person is this person's name"
        },
    )
    deadline = BoundedDate(required=True)
    measures = Text(required=True, min_length=2, max_length=2000)
    funds_yuan = Money(required=True)
    contingency = Text(required=True, min_length=2, max_length=2000)

    @ma.pre_load
    def _someone_picked(self, data: Any, **kwargs: Any) -> Any:
        """No responsible person picked: refused with a message the phone can show as it is
        (the usual schema error would read "invalid body" in English)."""
        if isinstance(data, dict) and data.get("responsible_user_id") is None:
            raise ApiError(
                422,
                "validation_error",
                "请从本校人员中选择整改责任人。",
                {"responsible_user_id": ["请从本校人员中选择整改责任人。"]},
            )
        return data


class FixRequest(PositionFields):
    photo_ids = ma.fields.List(Id(), required=True, validate=_PHOTO_IDS)
    note = Text(required=True, min_length=2, max_length=1000)


class VerifyRequest(OriginRequest):
    note = Text(load_default=None, allow_none=True, max_length=500)


class RejectRequest(OriginRequest):
    reason = Text(required=True, min_length=2, max_length=500)


class CloseRequest(OriginRequest):
    reason = Text(
        required=True,
        min_length=2,
        max_length=500,
        metadata={"description": "Why this is not a hazard (shown in its history)"},
    )


class ClassifyRequest(OriginRequest):
    focus_problem = Text(
        required=True,
        min_length=1,
        max_length=60,
        metadata={"description": "The code of the focus problem the hazard is filed under"},
    )


class DuplicateRequest(OriginRequest):
    original_id = Id(required=True)


class EventSchema(ma.Schema):
    id = ma.fields.Integer()
    kind = ma.fields.String()
    actor = ma.fields.Nested(UserRefSchema, allow_none=True)
    from_status = ma.fields.String(allow_none=True)
    to_status = ma.fields.String(allow_none=True)
    changes = ma.fields.Dict()
    note = ma.fields.String(allow_none=True)
    position = ma.fields.Nested(PositionSchema, allow_none=True)
    created_at = ma.fields.DateTime()


class EventsResponse(ma.Schema):
    events = ma.fields.List(ma.fields.Nested(EventSchema))


class SchoolsResponse(ma.Schema):
    schools = ma.fields.List(ma.fields.Nested(RefSchema))


class ResponsibleCandidate(ma.Schema):
    """A person who may be named responsible in the hazard's plan: name and roles, no phone."""

    id = ma.fields.Integer(metadata={"description": "Sent as the plan's responsible_user_id"})
    display_name = ma.fields.String(allow_none=True)
    roles = ma.fields.List(
        Named(ROLES, source="roles"),
        metadata={"description": "The names of the roles the person holds at the school"},
    )


class ResponsibleCandidatesResponse(ma.Schema):
    people = ma.fields.List(ma.fields.Nested(ResponsibleCandidate))
