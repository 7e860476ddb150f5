"""Schemas of patrol plans, the caller's slots of the day and patrol compliance."""

from __future__ import annotations

import re
from datetime import time
from typing import Any

import marshmallow as ma
from marshmallow import validate

from server.api.fields import BoundedDate, BoundedInt, Id, Named, Text
from server.api.schemas import RefSchema
from server.models.patrols import RECURRENCES, SLOT_STATUSES
from server.roles import ROLES

_MD = validate.Regexp(r"^(0[1-9]|1[0-2])-(0[1-9]|[12]\d|3[01])$", error="MM-DD")
HHMM_PATTERN = r"^([01]\d|2[0-3]):[0-5]\d$"


class ClockTime(ma.fields.String):
    """A local time of day as "HH:MM" in and out (China time)."""

    def __init__(self, **kwargs: Any):
        """The pattern validates, and shows in the OpenAPI document."""
        metadata = {"pattern": HHMM_PATTERN, "example": "07:30", **kwargs.pop("metadata", {})}
        super().__init__(metadata=metadata, **kwargs)

    def _deserialize(self, value: Any, attr: str | None, data: Any, **kwargs: Any) -> time:
        """ "07:30" -> time(7, 30) (validators would see the time, so the pattern is checked
        here)."""
        text = super()._deserialize(value, attr, data, **kwargs)
        if not re.fullmatch(HHMM_PATTERN, text):
            raise ma.ValidationError("A time of day as HH:MM.")
        hours, minutes = text.split(":")
        return time(int(hours), int(minutes))

    def _serialize(self, value: Any, attr: str | None, obj: Any, **kwargs: Any) -> str | None:
        """time(7, 30) -> "07:30"."""
        return None if value is None else value.strftime("%H:%M")


class _PatrolPlanFields(ma.Schema):
    """The fields a plan is written with (the create schema adds the school)."""

    name = Text(min_length=2, max_length=60)
    template_code = Text(min_length=1, max_length=40)
    checkpoint_ids = ma.fields.List(Id(), validate=validate.Length(min=1, max=100))
    assignee_user_id = Id(allow_none=True, metadata={"description": "A person; or assignee_role"})
    assignee_role = ma.fields.String(
        allow_none=True,
        validate=validate.Length(max=30),
        metadata={"description": "Everyone holding this role at the school (teacher, guard...)"},
    )
    recurrence = ma.fields.String(validate=validate.OneOf(RECURRENCES))
    weekdays = ma.fields.List(
        BoundedInt(min=1, max=7),
        validate=validate.Length(max=7),
        metadata={"description": "For recurrence weekdays: ISO weekdays, 1 = Monday"},
    )
    window_start = ClockTime(metadata={"description": "Local (China) time the slot opens"})
    window_end = ClockTime(metadata={"description": "Local time it closes; after window_start"})
    season_start = ma.fields.String(allow_none=True, validate=_MD, metadata={"example": "05-01"})
    season_end = ma.fields.String(allow_none=True, validate=_MD, metadata={"example": "09-30"})
    remind_minutes_before = BoundedInt(min=0, max=720)
    escalate_after_misses = BoundedInt(min=1, max=30)


class PatrolPlanCreate(_PatrolPlanFields):
    """A new plan: every field but the optional ones is required."""

    school_id = Id(required=True)
    name = Text(required=True, min_length=2, max_length=60)
    template_code = Text(required=True, min_length=1, max_length=40)
    checkpoint_ids = ma.fields.List(Id(), required=True, validate=validate.Length(min=1, max=100))
    assignee_user_id = Id(allow_none=True, load_default=None)
    assignee_role = ma.fields.String(
        allow_none=True, load_default=None, validate=validate.Length(max=30)
    )
    recurrence = ma.fields.String(required=True, validate=validate.OneOf(RECURRENCES))
    weekdays = ma.fields.List(
        BoundedInt(min=1, max=7), load_default=list, validate=validate.Length(max=7)
    )
    window_start = ClockTime(required=True)
    window_end = ClockTime(required=True)
    season_start = ma.fields.String(allow_none=True, load_default=None, validate=_MD)
    season_end = ma.fields.String(allow_none=True, load_default=None, validate=_MD)
    remind_minutes_before = BoundedInt(min=0, max=720, load_default=30)
    escalate_after_misses = BoundedInt(min=1, max=30, load_default=2)


class PatrolPlanPatch(_PatrolPlanFields):
    """Only the fields given change; the plan as a whole is checked again."""


class PatrolPlanListQuery(ma.Schema):
    school_id = Id(required=True)


class PatrolPlanAssignee(ma.Schema):
    id = ma.fields.Integer()
    display_name = ma.fields.String(allow_none=True)


class PatrolPlanSchema(ma.Schema):
    id = ma.fields.Integer()
    school = ma.fields.Nested(RefSchema)
    name = ma.fields.String()
    template_code = ma.fields.String()
    checkpoints = ma.fields.List(ma.fields.Nested(RefSchema))
    assignee = ma.fields.Nested(PatrolPlanAssignee, allow_none=True)
    assignee_role = ma.fields.String(allow_none=True)
    assignee_role_name = Named(ROLES, source="assignee_role", allow_none=True)
    recurrence = ma.fields.String()
    weekdays = ma.fields.List(ma.fields.Integer())
    window_start = ClockTime()
    window_end = ClockTime()
    season_start = ma.fields.String(allow_none=True)
    season_end = ma.fields.String(allow_none=True)
    remind_minutes_before = ma.fields.Integer()
    escalate_after_misses = ma.fields.Integer()
    active = ma.fields.Boolean()
    created_at = ma.fields.DateTime()


class PatrolPlansResponse(ma.Schema):
    plans = ma.fields.List(ma.fields.Nested(PatrolPlanSchema))


class SlotCheckpointSchema(RefSchema):
    kind = ma.fields.String(
        metadata={"description": "place or bus (scan its sticker), water (open it by its id)"}
    )


class PatrolSlotSchema(ma.Schema):
    """One round due today: a plan's checkpoint within its window."""

    id = ma.fields.Integer()
    plan = ma.fields.Nested(RefSchema)
    checkpoint = ma.fields.Nested(SlotCheckpointSchema)
    school = ma.fields.Nested(RefSchema)
    opens_at = ma.fields.DateTime()
    closes_at = ma.fields.DateTime()
    status = ma.fields.String(validate=validate.OneOf(SLOT_STATUSES))
    patrol_id = ma.fields.Integer(allow_none=True)


class PatrolSlotCounts(ma.Schema):
    open = ma.fields.Integer()
    done = ma.fields.Integer()
    late = ma.fields.Integer()
    missed = ma.fields.Integer()


class PatrolTodayResponse(ma.Schema):
    slots = ma.fields.List(ma.fields.Nested(PatrolSlotSchema))
    counts = ma.fields.Nested(PatrolSlotCounts)


class PatrolSlotGroup(ma.Schema):
    """The to-do list's rounds: open slots whose window has opened or opens within the hour."""

    count = ma.fields.Integer()
    items = ma.fields.List(ma.fields.Nested(PatrolSlotSchema))


class PatrolComplianceQuery(ma.Schema):
    unit_id = Id(required=True)
    date_from = BoundedDate(load_default=None, metadata={"description": "Default: 29 days ago"})
    date_to = BoundedDate(load_default=None, metadata={"description": "Default: today"})
    by = ma.fields.String(
        load_default="school", validate=validate.OneOf(["checkpoint", "person", "school"])
    )


class ComplianceKey(ma.Schema):
    """What a row counts: a checkpoint, person or school (id null: a role nobody did)."""

    id = ma.fields.Integer(allow_none=True)
    name = ma.fields.String(allow_none=True)


class ComplianceFigures(ma.Schema):
    due = ma.fields.Integer()
    done_on_time = ma.fields.Integer()
    done_late = ma.fields.Integer()
    missed = ma.fields.Integer()
    late_submissions = ma.fields.Integer(
        metadata={"description": "Patrols received more than 30 minutes after their scan"}
    )
    rate = ma.fields.Float(allow_none=True, metadata={"description": "On time / due"})


class PatrolComplianceRow(ComplianceFigures):
    key = ma.fields.Nested(ComplianceKey)


class PatrolComplianceResponse(ma.Schema):
    unit = ma.fields.Nested(RefSchema)
    date_from = ma.fields.Date()
    date_to = ma.fields.Date()
    rows = ma.fields.List(
        ma.fields.Nested(PatrolComplianceRow), metadata={"description": "The worst rate first"}
    )
    totals = ma.fields.Nested(ComplianceFigures)
