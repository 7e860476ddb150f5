"""Schemas of the exports: asking for one, the job as it is built, and the export log."""

from __future__ import annotations

import marshmallow as ma
from marshmallow import validate

from server.api.fields import BoundedDate, BoundedInt, Id
from server.api.hazard_schemas import UserRefSchema
from server.api.schemas import RefSchema
from server.models.exports import FORMATS, STATUSES
from server.services.exports import KINDS


class ExportCreate(ma.Schema):
    """An export of the unit and below for a period (China dates; the last 30 days when left
    out, at most 400 days). Formats per kind: hazard_ledger xlsx/csv; patrol_records,
    water_visits, bus_inspections, evaluation_ranking (the year of ``to``) and figures_by_unit
    xlsx; hazards_geo and water_points_geo geojson/csv."""

    kind = ma.fields.String(required=True, validate=validate.OneOf(sorted(KINDS)))
    format = ma.fields.String(required=True, validate=validate.OneOf(FORMATS))
    unit_id = Id(required=True)
    date_from = BoundedDate(data_key="from")
    date_to = BoundedDate(data_key="to")


class PeriodSchema(ma.Schema):
    date_from = ma.fields.String(data_key="from", attribute="from")
    date_to = ma.fields.String(data_key="to", attribute="to")


class ExportJobSchema(ma.Schema):
    """One export: what was asked, by whom, and how far its build is."""

    id = ma.fields.Integer()
    kind = ma.fields.String()
    kind_name = ma.fields.String()
    format = ma.fields.String()
    unit = ma.fields.Nested(RefSchema)
    user = ma.fields.Nested(UserRefSchema)
    params = ma.fields.Nested(PeriodSchema)
    status = ma.fields.String(metadata={"description": " | ".join(STATUSES)})
    progress = ma.fields.Integer(metadata={"description": "0-100"})
    rows = ma.fields.Integer(allow_none=True)
    contains_personal_data = ma.fields.Boolean()
    file_size = ma.fields.Integer(allow_none=True)
    error = ma.fields.String(allow_none=True)
    created_at = ma.fields.DateTime()
    started_at = ma.fields.DateTime(allow_none=True)
    finished_at = ma.fields.DateTime(allow_none=True)
    file_deleted_at = ma.fields.DateTime(
        allow_none=True, metadata={"description": "The file expired (after 7 days)"}
    )


class ExportLogQuery(ma.Schema):
    unit_id = Id(required=True)
    before_id = Id()
    limit = BoundedInt(load_default=50, min=1, max=100)


class ExportLogPage(ma.Schema):
    exports = ma.fields.List(ma.fields.Nested(ExportJobSchema))
    next_before_id = ma.fields.Integer(allow_none=True)
