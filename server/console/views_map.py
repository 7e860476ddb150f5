"""The map of a school or of a whole district: open hazards, checkpoints, water points and
campus boundaries, drawn by Leaflet over the configured tiles (or none)."""

from __future__ import annotations

import marshmallow as ma
from flask import current_app, g, render_template, request

from server.api.fields import Id
from server.console import bp, labels
from server.console.forms import parse
from server.console.session import console_login_required
from server.services import console_map, console_units


class MapQuery(ma.Schema):
    """The map's query: the unit to show."""

    class Meta:
        unknown = ma.EXCLUDE

    unit_id = Id()


@bp.route("/map", methods=["GET"], endpoint="map")
@console_login_required
def map_page():
    """A unit's map (the highest unit of the user's when none is asked for)."""
    query, _invalid = parse(MapQuery(), request.args.to_dict())
    units = console_units.units_where(g.user, "hazard.view")
    unit = console_units.chosen(units, query.get("unit_id"))
    unit_id = unit.id if unit is not None else query["unit_id"]
    config = current_app.config
    data = console_map.map_data(g.user, unit_id, config["MAP_TILE_CRS"])
    data["status_names"] = labels.STATUS_NAMES
    data["tiles"] = {
        "url": config["MAP_TILE_URL"] or "",
        "attribution": config["MAP_TILE_ATTRIBUTION"] or "",
    }
    return render_template("console/map.html", units=units, unit_id=unit_id, data=data)
