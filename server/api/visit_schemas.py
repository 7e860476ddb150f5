"""Schemas of the supervision visits, the laggards list and accountability actions."""

from __future__ import annotations

import marshmallow as ma
from marshmallow import validate

from server.api.fields import BoundedDate, BoundedInt, Id, Text
from server.api.hazard_schemas import HazardSummary, PositionFields, UserRefSchema
from server.api.schemas import RefSchema
from server.models.hazards import SEVERITIES
from server.models.supervision import ACTION_KINDS, ORGANISATIONS, VISIT_STATUSES


def _distinct(ids: list[int]) -> None:
    """Refuse an id listed twice."""
    if len(set(ids)) != len(ids):
        raise ma.ValidationError("An id is listed twice.")


class TeamMember(ma.Schema):
    name = Text(required=True, min_length=1, max_length=30)
    organisation = Text(
        required=True,
        min_length=1,
        max_length=30,
        metadata={"description": f"One of {'/'.join(ORGANISATIONS)}, or the body's own name"},
    )
    role = Text(load_default=None, allow_none=True, max_length=30)


_TEAM = validate.Length(min=1, max=20, error="A team has 1 to 20 members.")


class VisitCreate(ma.Schema):
    unit_id = Id(required=True, metadata={"description": "The visiting unit (bureau or center)"})
    visit_date = BoundedDate(required=True)
    title = Text(required=True, min_length=2, max_length=100)
    announced = ma.fields.Boolean(
        required=True,
        metadata={
            "description": "false: unannounced (暗访), hidden from the schools until its date"
        },
    )
    team = ma.fields.List(ma.fields.Nested(TeamMember), required=True, validate=_TEAM)
    what_checked = Text(required=True, min_length=2, max_length=2000)
    report = Text(load_default=None, allow_none=True, max_length=5000)
    status = ma.fields.String(load_default="planned", validate=validate.OneOf(VISIT_STATUSES))
    school_ids = ma.fields.List(
        Id(), required=True, validate=[validate.Length(min=1, max=50), _distinct]
    )


class VisitPatch(ma.Schema):
    visit_date = BoundedDate()
    title = Text(min_length=2, max_length=100)
    announced = ma.fields.Boolean()
    team = ma.fields.List(ma.fields.Nested(TeamMember), validate=_TEAM)
    what_checked = Text(min_length=2, max_length=2000)
    report = Text(allow_none=True, max_length=5000)
    status = ma.fields.String(validate=validate.OneOf(VISIT_STATUSES))

    @ma.validates_schema
    def _not_empty(self, data, **kwargs):
        """A patch changes something."""
        if not data:
            raise ma.ValidationError("Nothing to change.")


class VisitListQuery(ma.Schema):
    school_id = Id()
    from_ = BoundedDate(data_key="from", attribute="from")
    to = BoundedDate()
    limit = BoundedInt(min=1, max=100, load_default=50)
    offset = BoundedInt(min=0, load_default=0)


class TeamMemberOut(ma.Schema):
    name = ma.fields.String()
    organisation = ma.fields.String()
    role = ma.fields.String(allow_none=True)


class VisitSchema(ma.Schema):
    id = ma.fields.Integer()
    unit = ma.fields.Nested(RefSchema)
    visit_date = ma.fields.Date()
    title = ma.fields.String()
    announced = ma.fields.Boolean()
    team = ma.fields.List(ma.fields.Nested(TeamMemberOut))
    what_checked = ma.fields.String()
    report = ma.fields.String(allow_none=True)
    status = ma.fields.String()
    status_name = ma.fields.String()
    schools = ma.fields.List(
        ma.fields.Nested(RefSchema),
        metadata={"description": "The visiting side sees all; a visited school only its own"},
    )
    findings_count = ma.fields.Integer()
    created_by = ma.fields.Nested(UserRefSchema)
    created_at = ma.fields.DateTime()
    can_edit = ma.fields.Boolean()


class VisitDetail(VisitSchema):
    findings = ma.fields.List(ma.fields.Nested(HazardSummary))


class VisitPage(ma.Schema):
    visits = ma.fields.List(ma.fields.Nested(VisitSchema))
    next_offset = ma.fields.Integer(allow_none=True)


def _distinct_photos(ids: list[int]) -> None:
    """Refuse a photo listed twice."""
    if len(set(ids)) != len(ids):
        raise ma.ValidationError("A photo is listed twice.")


class FindingCreate(PositionFields):
    """A finding is reported like any hazard, at one of the visited schools."""

    client_uuid = ma.fields.UUID(required=True)
    school_id = Id(required=True)
    focus_problem = Text(load_default=None, allow_none=True, min_length=1, max_length=60)
    description = Text(required=True, min_length=2, max_length=1000)
    place = Text(load_default=None, allow_none=True, max_length=60)
    severity = ma.fields.String(required=True, validate=validate.OneOf(SEVERITIES))
    photo_ids = ma.fields.List(
        Id(),
        required=True,
        validate=[validate.Length(min=1, max=9, error="Attach 1 to 9 photos."), _distinct_photos],
    )


class LaggardQuery(ma.Schema):
    unit_id = Id(required=True)
    from_ = BoundedDate(data_key="from", attribute="from")
    to = BoundedDate()


class OverdueEvidence(ma.Schema):
    count = BoundedInt(min=0, required=True)
    hazard_ids = ma.fields.List(Id(), required=True, validate=validate.Length(max=20))


class MissedEvidence(ma.Schema):
    count = BoundedInt(min=0, required=True)
    slot_ids = ma.fields.List(Id(), required=True, validate=validate.Length(max=20))


class ActionRef(ma.Schema):
    id = ma.fields.Integer()
    kind = ma.fields.String()
    created_at = ma.fields.DateTime()
    visit_id = ma.fields.Integer(allow_none=True)


class Laggard(ma.Schema):
    school = ma.fields.Nested(RefSchema)
    overdue = ma.fields.Nested(OverdueEvidence)
    missed_patrols = ma.fields.Nested(MissedEvidence)
    accountability = ma.fields.List(ma.fields.Nested(ActionRef))


class Thresholds(ma.Schema):
    overdue = ma.fields.Integer()
    missed_patrols = ma.fields.Integer()


class LaggardList(ma.Schema):
    unit = ma.fields.Nested(RefSchema)
    from_ = ma.fields.Date(data_key="from", attribute="from")
    to = ma.fields.Date()
    thresholds = ma.fields.Nested(Thresholds)
    laggards = ma.fields.List(ma.fields.Nested(Laggard))


class Evidence(ma.Schema):
    from_ = BoundedDate(data_key="from", attribute="from", required=True)
    to = BoundedDate(required=True)
    overdue = ma.fields.Nested(OverdueEvidence, required=True)
    missed_patrols = ma.fields.Nested(MissedEvidence, required=True)


class ActionCreate(ma.Schema):
    kind = ma.fields.String(required=True, validate=validate.OneOf(ACTION_KINDS))
    reason = Text(required=True, min_length=2, max_length=2000)
    evidence = ma.fields.Nested(
        Evidence,
        load_default=None,
        allow_none=True,
        metadata={"description": "Omitted: the laggards list's evidence of the last 30 days"},
    )
    visit_id = Id(load_default=None, allow_none=True)


class EvidenceOut(ma.Schema):
    """Evidence as stored with an action (its dates as ISO strings)."""

    from_ = ma.fields.String(data_key="from", attribute="from", metadata={"format": "date"})
    to = ma.fields.String(metadata={"format": "date"})
    overdue = ma.fields.Nested(OverdueEvidence)
    missed_patrols = ma.fields.Nested(MissedEvidence)


class ActionSchema(ma.Schema):
    id = ma.fields.Integer()
    unit = ma.fields.Nested(RefSchema)
    kind = ma.fields.String()
    kind_name = ma.fields.String()
    reason = ma.fields.String()
    evidence = ma.fields.Nested(EvidenceOut)
    visit_id = ma.fields.Integer(allow_none=True)
    created_by = ma.fields.Nested(UserRefSchema)
    created_at = ma.fields.DateTime()


class ActionList(ma.Schema):
    actions = ma.fields.List(ma.fields.Nested(ActionSchema))
