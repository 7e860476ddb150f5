"""The console's query strings, parsed with the API's own bounded fields: an empty box is no
filter, and a value that does not parse is dropped and reported rather than failing the page."""

from __future__ import annotations

from typing import Any

import marshmallow as ma
from marshmallow import validate

from server.api.fields import BoundedDate, BoundedInt, Id, Text
from server.models.hazards import STATUSES


class LedgerFilters(ma.Schema):
    """The ledger's filters (the names of ``hazard_queries.filtered`` plus unit, text, page)."""

    class Meta:
        unknown = ma.EXCLUDE

    unit_id = Id()
    school_id = Id()
    status = ma.fields.String(validate=validate.OneOf(STATUSES))
    area = Text(max_length=40)
    overdue = ma.fields.Boolean()
    reported_from = BoundedDate()
    reported_to = BoundedDate()
    text = Text(max_length=50)
    page = BoundedInt(min=1, max=100_000)


def parse(schema: ma.Schema, args: dict[str, str]) -> tuple[dict[str, Any], list[str]]:
    """The filters given, and the names of those that were invalid (left out)."""
    given = {name: value for name, value in args.items() if value.strip()}
    try:
        return schema.load(given), []
    except ma.ValidationError as error:
        bad = sorted(error.messages) if isinstance(error.messages, dict) else []
        rest = {name: value for name, value in given.items() if name not in bad}
        return schema.load(rest), bad
