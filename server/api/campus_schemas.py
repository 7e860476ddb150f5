"""Schemas of a school's campus boundary, as the phone reads and draws it."""

from __future__ import annotations

import marshmallow as ma
from marshmallow import validate

from server.geo import COORD_SYSTEMS


class LatLng(ma.Schema):
    lat = ma.fields.Float(required=True, validate=validate.Range(min=-90, max=90), allow_nan=False)
    lng = ma.fields.Float(
        required=True, validate=validate.Range(min=-180, max=180), allow_nan=False
    )


class CampusSchema(ma.Schema):
    """The campus boundary; all null until someone draws it."""

    id = ma.fields.Integer()
    name = ma.fields.String()
    coord_system = ma.fields.String(allow_none=True, attribute="campus_coord_system")
    center = ma.fields.Nested(LatLng, allow_none=True)
    radius_m = ma.fields.Float(allow_none=True, attribute="campus_radius_m")
    polygon = ma.fields.List(ma.fields.Nested(LatLng), allow_none=True)


class CampusDraw(ma.Schema):
    """A centre (from ``wx.chooseLocation``) and a radius, or a polygon of 3-100 points."""

    coord_system = ma.fields.String(required=True, validate=validate.OneOf(COORD_SYSTEMS))
    center = ma.fields.Nested(LatLng, load_default=None, allow_none=True)
    radius_m = ma.fields.Float(
        load_default=None, allow_none=True, validate=validate.Range(min=10, max=5000)
    )
    polygon = ma.fields.List(
        ma.fields.Nested(LatLng),
        load_default=None,
        allow_none=True,
        validate=validate.Length(min=3, max=100),
    )

    @ma.validates_schema
    def _one_shape(self, data, **kwargs) -> None:
        """Exactly one shape: a centre with its radius, or a polygon."""
        circle = data.get("center") is not None and data.get("radius_m") is not None
        polygon = data.get("polygon") is not None
        if circle == polygon:
            raise ma.ValidationError(
                "Give a centre and a radius, or a polygon (not both).", "campus"
            )
