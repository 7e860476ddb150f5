"""Schemas of the inbox, subscription, notice and schedule endpoints."""

from __future__ import annotations

import marshmallow as ma
from marshmallow import validate

from server.api.fields import BoundedDate, BoundedInt, Id, IsSet, Text
from server.api.schemas import RefSchema, UnitSchema
from server.services.schedules import RECURRENCES
from server.services.subscriptions import RESULTS

_MD = validate.Regexp(r"^(0[1-9]|1[0-2])-(0[1-9]|[12]\d|3[01])$", error="MM-DD")
_HHMM = validate.Regexp(r"^([01]\d|2[0-3]):[0-5]\d$", error="HH:MM")


class InboxQuery(ma.Schema):
    before_id = Id()
    limit = BoundedInt(load_default=20, min=1, max=100)
    unread_only = ma.fields.Boolean(load_default=False)


class MessageSchema(ma.Schema):
    id = ma.fields.Integer()
    kind = ma.fields.String()
    title = ma.fields.String()
    body = ma.fields.String()
    page = ma.fields.String(allow_none=True)
    data = ma.fields.Dict()
    created_at = ma.fields.DateTime()
    read = IsSet(attribute="read_at")


class InboxPage(ma.Schema):
    messages = ma.fields.List(ma.fields.Nested(MessageSchema))
    unread_count = ma.fields.Integer()
    next_before_id = ma.fields.Integer(allow_none=True)


class UnreadCount(ma.Schema):
    unread_count = ma.fields.Integer()


class SubscriptionReport(ma.Schema):
    """What wx.requestSubscribeMessage answered: template id -> accept/reject/ban/filter."""

    results = ma.fields.Dict(
        keys=ma.fields.String(validate=validate.Length(min=1, max=64)),
        values=ma.fields.String(validate=validate.OneOf(RESULTS)),
        required=True,
        validate=validate.Length(min=1, max=3),
    )


class TemplateSchema(ma.Schema):
    key = ma.fields.String()
    template_id = ma.fields.String()
    title = ma.fields.String()
    long_term = ma.fields.Boolean()
    remaining = ma.fields.Integer()
    granted_long_term = ma.fields.Boolean()
    applies = ma.fields.Boolean(
        metadata={"description": "This purpose's messages reach the caller (ask only for these)"}
    )
    used_up = ma.fields.Boolean(
        metadata={"description": "A one-time grant was answered before and none is left: ask again"}
    )


class TemplatesResponse(ma.Schema):
    templates = ma.fields.List(ma.fields.Nested(TemplateSchema))


class NoticeCreate(ma.Schema):
    unit_id = Id(required=True)
    title = Text(required=True, min_length=2, max_length=60)
    body = Text(required=True, min_length=2, max_length=5000)
    unit_ids = ma.fields.List(Id(), load_default=list, validate=validate.Length(max=500))
    class_ids = ma.fields.List(Id(), load_default=list, validate=validate.Length(max=2000))
    attachment_photo_id = Id(load_default=None, allow_none=True)


class ChildStatus(ma.Schema):
    child_id = ma.fields.Integer()
    child_name = ma.fields.String()
    class_name = ma.fields.String()
    read = ma.fields.Boolean()
    acknowledged = ma.fields.Boolean()
    acknowledged_at = ma.fields.DateTime(allow_none=True)


class TargetSchema(ma.Schema):
    """One target of a notice: a unit (and everything below it) or a class."""

    unit_id = ma.fields.Integer(allow_none=True)
    class_id = ma.fields.Integer(allow_none=True)


class NoticeSchema(ma.Schema):
    id = ma.fields.Integer()
    title = ma.fields.String()
    body = ma.fields.String()
    unit = ma.fields.Nested(RefSchema)
    created_at = ma.fields.DateTime()
    sent_at = ma.fields.DateTime(allow_none=True)
    under_review = ma.fields.Boolean(
        metadata={"description": "Held by WeChat's content check: sent once released"}
    )
    attachment_url = ma.fields.String(allow_none=True)
    targets = ma.fields.List(ma.fields.Nested(TargetSchema))
    children = ma.fields.List(ma.fields.Nested(ChildStatus))


class NoticesResponse(ma.Schema):
    notices = ma.fields.List(ma.fields.Nested(NoticeSchema))


class ClassNoticeSchema(NoticeSchema):
    """A notice that reached a class, with the class's own figures."""

    class_children = ma.fields.Integer(metadata={"description": "The class's children reached"})
    class_acknowledged = ma.fields.Integer(
        metadata={"description": "Of those, the children acknowledged (by any guardian)"}
    )


class ClassNoticesResponse(ma.Schema):
    notices = ma.fields.List(ma.fields.Nested(ClassNoticeSchema))


class MineQuery(ma.Schema):
    before_id = Id()
    limit = BoundedInt(load_default=20, min=1, max=50)


class MyNoticesPage(NoticesResponse):
    next_before_id = ma.fields.Integer(allow_none=True)


class PreviewResponse(ma.Schema):
    parents = ma.fields.Integer()
    children = ma.fields.Integer()
    classes = ma.fields.Integer()
    pairs = ma.fields.Integer()


class SendResponse(ma.Schema):
    notice = ma.fields.Nested(NoticeSchema)
    reached = ma.fields.Integer(metadata={"description": "Parent-child pairs reached"})


class AcknowledgeRequest(ma.Schema):
    child_id = Id(required=True)


class CompletionQuery(ma.Schema):
    unit_id = Id()


class Rates(ma.Schema):
    reached = ma.fields.Integer()
    read = ma.fields.Integer()
    acknowledged = ma.fields.Integer()
    read_rate = ma.fields.Float(allow_none=True)
    ack_rate = ma.fields.Float(allow_none=True)


class BreakdownRow(Rates):
    kind = ma.fields.String()
    id = ma.fields.Integer()
    name = ma.fields.String()
    children = ma.fields.Integer(metadata={"description": "Children reached (the same as reached)"})
    reached_any = ma.fields.Boolean(
        metadata={
            "description": "The notice reached someone here; false: a targeted class (or unit) "
            "where no parent is bound, not a 0 % one"
        }
    )


class NoticeRef(ma.Schema):
    id = ma.fields.Integer()
    title = ma.fields.String()


class CompletionResponse(ma.Schema):
    notice = ma.fields.Nested(NoticeRef)
    unit = ma.fields.Nested(UnitSchema)
    totals = ma.fields.Nested(Rates)
    breakdown = ma.fields.List(ma.fields.Nested(BreakdownRow))


class ForClassQuery(ma.Schema):
    class_id = Id(required=True)


class PendingGuardian(ma.Schema):
    relation = ma.fields.String()
    relation_name = ma.fields.String()
    parent_name = ma.fields.String(allow_none=True)
    read = ma.fields.Boolean()


class PendingChild(ma.Schema):
    """A child of the class no guardian has acknowledged yet, with its guardians."""

    child_name = ma.fields.String()
    read = ma.fields.Boolean(metadata={"description": "Some guardian has opened the notice"})
    guardians = ma.fields.List(ma.fields.Nested(PendingGuardian))


class PendingResponse(ma.Schema):
    notice = ma.fields.Nested(NoticeRef)
    class_ = ma.fields.Nested(RefSchema, data_key="class")
    pending = ma.fields.List(ma.fields.Nested(PendingChild))
    parents = ma.fields.Integer(metadata={"description": "Distinct parents not yet acknowledged"})
    children = ma.fields.Integer(
        metadata={"description": "Children acknowledged by none of their guardians"}
    )
    reminded_today = ma.fields.Boolean()


class RemindResponse(ma.Schema):
    reminded = ma.fields.Integer()


class ScheduleFields(ma.Schema):
    """A schedule's own fields, as created and as edited."""

    name = Text(required=True, min_length=2, max_length=100)
    roles = ma.fields.List(
        Text(min_length=1, max_length=30), load_default=None, validate=validate.Length(max=20)
    )
    parents = ma.fields.Boolean(load_default=False)
    # Scheduled messages open the home page; notice templates need a notice to point at.
    template_key = ma.fields.String(
        load_default="task_reminder", validate=validate.OneOf(["task_reminder"])
    )
    title = Text(required=True, min_length=2, max_length=100)
    body = Text(required=True, min_length=2, max_length=500)
    recurrence = ma.fields.String(required=True, validate=validate.OneOf(RECURRENCES))
    weekdays = ma.fields.List(BoundedInt(min=0, max=6), load_default=None)
    time_of_day = ma.fields.String(required=True, validate=_HHMM)
    season_start = ma.fields.String(load_default=None, validate=_MD)
    season_end = ma.fields.String(load_default=None, validate=_MD)
    starts_on = BoundedDate(required=True)
    ends_on = BoundedDate(load_default=None)


class ScheduleCreate(ScheduleFields):
    unit_id = Id(required=True)


class ScheduleEdit(ScheduleFields):
    """The fields to change (PATCH: any of them; the unit stays); checked as a new schedule."""


class AudienceSchema(ma.Schema):
    """Who receives a scheduled push: staff of these roles, and/or parents."""

    roles = ma.fields.List(ma.fields.String())
    parents = ma.fields.Boolean()


class ScheduleSchema(ma.Schema):
    id = ma.fields.Integer()
    name = ma.fields.String()
    unit_id = ma.fields.Integer()
    audience = ma.fields.Nested(AudienceSchema)
    template_key = ma.fields.String()
    title = ma.fields.String()
    body = ma.fields.String()
    recurrence = ma.fields.String()
    weekdays = ma.fields.List(ma.fields.Integer(), allow_none=True)
    time_of_day = ma.fields.String()
    season_start = ma.fields.String(allow_none=True)
    season_end = ma.fields.String(allow_none=True)
    starts_on = ma.fields.Date()
    ends_on = ma.fields.Date(allow_none=True)
    enabled = ma.fields.Boolean()
    next_run_at = ma.fields.DateTime(allow_none=True)
    last_run_at = ma.fields.DateTime(allow_none=True)


class SchedulesResponse(ma.Schema):
    schedules = ma.fields.List(ma.fields.Nested(ScheduleSchema))


class ReceivedNoticeSchema(NoticeSchema):
    """A notice from above as the staff of a unit it reached see it (read-only)."""

    own_unit = ma.fields.Nested(RefSchema, metadata={"description": "The caller's unit it reached"})
    completion_unit_id = ma.fields.Integer(
        allow_none=True,
        metadata={"description": "unit_id for /notices/{id}/completion; null: counts not shown"},
    )
    totals = ma.fields.Nested(Rates, allow_none=True)


class ReceivedNoticesResponse(ma.Schema):
    notices = ma.fields.List(ma.fields.Nested(ReceivedNoticeSchema))
