"""Schemas of class rosters, the bindings waiting for the class teacher, and family codes."""

from __future__ import annotations

import marshmallow as ma

from server.api.fields import Named, PersonName
from server.api.schemas import RefSchema
from server.roles import LINK_STATUS_NAMES, RELATION_NAMES


class PupilSchema(ma.Schema):
    """A pupil on the roster, with how many guardians are bound and how many wait."""

    id = ma.fields.Integer()
    name = ma.fields.String()
    guardians = ma.fields.Integer(metadata={"description": "Approved bindings"})
    waiting = ma.fields.Integer(metadata={"description": "Bindings waiting for a decision"})


class RosterResponse(ma.Schema):
    class_ = ma.fields.Nested(RefSchema, data_key="class")
    pupils = ma.fields.List(ma.fields.Nested(PupilSchema))


class PupilRequest(ma.Schema):
    name = PersonName(required=True)


class BindingSchema(ma.Schema):
    """A parent's binding as the class teacher sees it (dumped from the binding)."""

    id = ma.fields.Integer()
    child = ma.fields.Nested(RefSchema)
    relation = ma.fields.String()
    relation_name = Named(RELATION_NAMES, source="relation")
    parent_name = ma.fields.String(
        attribute="parent.display_name",
        allow_none=True,
        metadata={"description": "The parent's name; null for old bindings made without one"},
    )
    parent_name_under_review = ma.fields.Boolean(
        metadata={"description": "The name the parent gave is held by WeChat's text check"}
    )
    status = ma.fields.String()
    status_name = Named(LINK_STATUS_NAMES, source="status")
    created_at = ma.fields.DateTime()


class BindingsResponse(ma.Schema):
    bindings = ma.fields.List(ma.fields.Nested(BindingSchema))


class FamilyCodeSchema(ma.Schema):
    """A one-time family code for one pupil (shown once, to the class teacher)."""

    code = ma.fields.String()
    child = ma.fields.Nested(RefSchema)
    expires_at = ma.fields.DateTime()
