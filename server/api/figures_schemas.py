"""Schemas of the supervision figures: the query, and the figures of a unit, its children, and
its hazards by area, focus problem and phase."""

from __future__ import annotations

import marshmallow as ma

from server.api.fields import BoundedDate, Id

RATE = {"description": "0..1, four decimals; null when nothing was due"}


class FiguresQuery(ma.Schema):
    unit_id = Id(required=True)
    date_from = BoundedDate(
        data_key="from",
        load_default=None,
        metadata={"description": "Default: the running campaign's start, else 1 January"},
    )
    date_to = BoundedDate(
        data_key="to", load_default=None, metadata={"description": "Default: today"}
    )


class UnitRef(ma.Schema):
    id = ma.fields.Integer()
    name = ma.fields.String()


class ChildUnitRef(UnitRef):
    kind = ma.fields.String()


class CodeName(ma.Schema):
    code = ma.fields.String()
    name = ma.fields.String()


class PhaseRef(CodeName):
    starts_on = ma.fields.Date()
    ends_on = ma.fields.Date()


class OpenAge(ma.Schema):
    median = ma.fields.Float(allow_none=True)
    max = ma.fields.Float(allow_none=True)


class HazardFigures(ma.Schema):
    found = ma.fields.Integer(metadata={"description": "Reported in the period (no duplicates)"})
    fixed_on_spot = ma.fields.Integer()
    fixed = ma.fields.Integer(metadata={"description": "verified + fixed_on_spot"})
    verified = ma.fields.Integer()
    open = ma.fields.Integer()
    overdue = ma.fields.Integer(
        metadata={"description": "Planned or rectifying, past the plan's deadline today"}
    )
    closed_not_hazard = ma.fields.Integer()
    median_days_to_fix = ma.fields.Float(
        allow_none=True, metadata={"description": "Report to sign-off or fix on the spot"}
    )
    p90_days_to_fix = ma.fields.Float(allow_none=True)
    open_age_days = ma.fields.Nested(OpenAge)
    funds_planned = ma.fields.String(
        metadata={"description": "Sum of the plans' funds (yuan)", "example": "1200.00"}
    )


class SlotFigures(ma.Schema):
    due = ma.fields.Integer(metadata={"description": "Window closed, or done"})
    done = ma.fields.Integer(metadata={"description": "Done in the window"})
    late = ma.fields.Integer()
    missed = ma.fields.Integer()
    rate = ma.fields.Float(allow_none=True, metadata=RATE)


class BusFigures(ma.Schema):
    trips_due = ma.fields.Integer()
    cleared = ma.fields.Integer(metadata={"description": "Inspected, nothing failed"})
    failed = ma.fields.Integer()
    missed = ma.fields.Integer()
    rate = ma.fields.Float(allow_none=True, metadata=RATE)


class NoticeFigures(ma.Schema):
    children_targeted = ma.fields.Integer(metadata={"description": "A child once per notice"})
    children_acknowledged = ma.fields.Integer()
    rate = ma.fields.Float(allow_none=True, metadata=RATE)


class Figures(HazardFigures):
    patrols = ma.fields.Nested(
        SlotFigures, metadata={"description": "rate: done in the window / due"}
    )
    water = ma.fields.Nested(SlotFigures, metadata={"description": "rate: (done + late) / due"})
    buses = ma.fields.Nested(BusFigures)
    notices = ma.fields.Nested(NoticeFigures)


class ChildFigures(Figures):
    unit = ma.fields.Nested(ChildUnitRef)


class AreaFigures(HazardFigures):
    area = ma.fields.Nested(CodeName)


class FocusFigures(HazardFigures):
    focus_problem = ma.fields.Nested(CodeName)
    area_code = ma.fields.String()


class PhaseFigures(HazardFigures):
    phase = ma.fields.Nested(PhaseRef)


class FiguresResponse(ma.Schema):
    unit = ma.fields.Nested(UnitRef)
    date_from = ma.fields.Date(data_key="from")
    date_to = ma.fields.Date(data_key="to")
    totals = ma.fields.Nested(Figures)
    children = ma.fields.List(ma.fields.Nested(ChildFigures))
    by_area = ma.fields.List(ma.fields.Nested(AreaFigures))
    by_focus = ma.fields.List(ma.fields.Nested(FocusFigures))
    by_phase = ma.fields.List(ma.fields.Nested(PhaseFigures))
