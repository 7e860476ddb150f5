"""Schemas of the to-do list (待办)."""

from __future__ import annotations

import marshmallow as ma

from server.api.hazard_schemas import HazardSummary
from server.api.patrol_plan_schemas import PatrolSlotGroup
from server.api.schemas import RefSchema


class HazardGroup(ma.Schema):
    """Hazards waiting for one step of the caller's: how many, and the first few."""

    count = ma.fields.Integer(metadata={"description": "All hazards of the group"})
    items = ma.fields.List(
        ma.fields.Nested(HazardSummary), metadata={"description": "At most 5, in the group's order"}
    )


class HazardGroups(ma.Schema):
    overdue = ma.fields.Nested(
        HazardGroup, metadata={"description": "Past the deadline where the caller answers for it"}
    )
    verify = ma.fields.Nested(
        HazardGroup, metadata={"description": "Fixes the caller may sign off (not their own)"}
    )
    fix = ma.fields.Nested(
        HazardGroup,
        metadata={"description": "Plans naming the caller, and fixes rejected back to them"},
    )
    plan = ma.fields.Nested(HazardGroup, metadata={"description": "Reported, awaiting a plan"})
    classify = ma.fields.Nested(
        HazardGroup, metadata={"description": "Reported without a focus problem (不确定)"}
    )


class PendingNotice(ma.Schema):
    """A notice a child of the caller's has not yet been acknowledged for."""

    id = ma.fields.Integer()
    title = ma.fields.String()
    sent_at = ma.fields.DateTime()
    unit = ma.fields.Nested(RefSchema)
    children_pending = ma.fields.Integer(
        metadata={"description": "The caller's children no guardian has acknowledged it for"}
    )


class NoticeGroup(ma.Schema):
    count = ma.fields.Integer()
    items = ma.fields.List(
        ma.fields.Nested(PendingNotice), metadata={"description": "At most 20, newest first"}
    )


class TodoResponse(ma.Schema):
    hazards = ma.fields.Nested(HazardGroups)
    notices = ma.fields.Nested(NoticeGroup)
    patrols = ma.fields.Nested(PatrolSlotGroup)
    total = ma.fields.Integer(metadata={"description": "The sum of every group's count"})
