"""Schemas of checklist templates (``Template``, the version in effect at a school) and of a
unit's own items."""

from __future__ import annotations

import marshmallow as ma
from marshmallow import validate

from server.api.fields import Id, Text
from server.api.schemas import RefSchema


class FocusProblemRef(ma.Schema):
    code = ma.fields.String()
    name = ma.fields.String()


class ChecklistItemSchema(ma.Schema):
    id = ma.fields.Integer()
    code = ma.fields.String()
    text = ma.fields.String()
    hint = ma.fields.String(allow_none=True)
    focus_problem = ma.fields.Nested(FocusProblemRef)


class ChecklistTemplateSchema(ma.Schema):
    """A checklist template: the version in effect at a school, with its items in order."""

    id = ma.fields.Integer(metadata={"description": "This version's id (a patrol names it)"})
    code = ma.fields.String(metadata={"example": "fire_daily"})
    kind = ma.fields.String(metadata={"description": "fire, water, bus or perimeter"})
    name = ma.fields.String()
    version = ma.fields.Integer()
    unit = ma.fields.Nested(
        RefSchema,
        allow_none=True,
        metadata={"description": "The unit whose own version this is; null: the shipped one"},
    )
    items = ma.fields.List(ma.fields.Nested(ChecklistItemSchema))


class ChecklistTemplatesResponse(ma.Schema):
    templates = ma.fields.List(ma.fields.Nested(ChecklistTemplateSchema))


class ChecklistQuery(ma.Schema):
    school_id = Id(required=True)


class NewItem(ma.Schema):
    text = Text(required=True, min_length=2, max_length=200)
    hint = Text(load_default=None, allow_none=True, max_length=300)
    focus_problem = Text(required=True, min_length=1, max_length=60)


class AddItems(ma.Schema):
    """Items a unit adds for its schools; they join the items in effect at the unit."""

    unit_id = Id(required=True)
    items = ma.fields.List(
        ma.fields.Nested(NewItem), required=True, validate=validate.Length(min=1, max=20)
    )
