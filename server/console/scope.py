"""The unit and period a supervision page is about, from its query string: ``unit_id`` (by
default the user's first top unit holding the page's capability), ``from`` and ``to`` (by default
the figures' period: the running campaign's start, else 1 January, to today). A value that does
not parse is a 422 page, never a failure; the unit itself is checked by the service called."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any

import marshmallow as ma

from server import access
from server.api.fields import BoundedDate, Id
from server.clock import local_today
from server.errors import ApiError
from server.models import Unit, User
from server.services import figures


class PageQuery(ma.Schema):
    """The query of a supervision page (anything else is ignored)."""

    class Meta:
        unknown = ma.EXCLUDE

    unit_id = Id()
    date_from = BoundedDate(data_key="from")
    date_to = BoundedDate(data_key="to")
    missed = ma.fields.Boolean()


@dataclass(frozen=True)
class Scope:
    """The unit asked for (or the default one), the period, and the units to pick from."""

    unit_id: int
    first: date
    last: date
    missed: bool
    tops: list[Unit]

    def args(self, **changes: Any) -> dict[str, Any]:
        """This page's query arguments (for links to another unit or page)."""
        out = {"unit_id": self.unit_id, "from": self.first, "to": self.last}
        out.update(changes)
        return {name: value for name, value in out.items() if value is not None}


def parse(args: dict[str, str]) -> dict[str, Any]:
    """The query, empty values left out; a value that does not parse is a 422."""
    given = {name: value for name, value in args.items() if value.strip()}
    try:
        return PageQuery().load(given)
    except ma.ValidationError as error:
        raise ApiError(422, "validation_error", "Invalid query.", error.messages) from error


def resolve(user: User, args: dict[str, str], capability: str) -> Scope:
    """The page's unit and period: 404 when the user has no unit at all, 403 when none of
    theirs carries the capability (the same answers as the API's)."""
    query = parse(args)
    tops = access.top_units(user, capability)
    unit_id = query.get("unit_id")
    if unit_id is None:
        if not tops:
            if access.top_units(user):
                raise access.forbidden(capability)
            raise access.not_found()
        unit_id = tops[0].id
    first, last = figures.span(query.get("date_from"), query.get("date_to"), local_today())
    return Scope(unit_id, first, last, bool(query.get("missed")), tops)
