"""Schemas of the year-end evaluation: the ranking of a unit's schools, one school's detail with
the lines of what cost it points, and a hand item's score."""

from __future__ import annotations

import marshmallow as ma

from server.api.fields import BoundedInt, Id, Text

SCORE = {"description": "Two decimals, as a string", "example": "87.50"}
YEAR = {"description": "Default: the current year (China)"}


class EvaluationRankingQuery(ma.Schema):
    unit_id = Id(required=True)
    year = BoundedInt(min=2000, max=2100, load_default=None, metadata=YEAR)


class EvaluationYearQuery(ma.Schema):
    year = BoundedInt(min=2000, max=2100, load_default=None, metadata=YEAR)


class EvaluationScoreBody(ma.Schema):
    year = BoundedInt(min=2000, max=2100, load_default=None, metadata=YEAR)
    score = ma.fields.Raw(
        required=True,
        metadata={
            "description": "0 .. the item's points, in steps of 0.5 (a number or a string)",
            "oneOf": [
                {"type": "number", "minimum": 0, "maximum": 100},
                {"type": "string", "pattern": r"^\d{1,3}(\.\d{1,2})?$"},
            ],
        },
    )
    note = Text(max_length=500, load_default=None, allow_none=True)


class EvaluationUnitRef(ma.Schema):
    id = ma.fields.Integer()
    name = ma.fields.String()


class EvaluationUnitKindRef(EvaluationUnitRef):
    kind = ma.fields.String()


class EvaluationCriterionRef(ma.Schema):
    code = ma.fields.String()
    name = ma.fields.String()
    points = ma.fields.String(metadata=SCORE)
    kind = ma.fields.String(metadata={"description": "measured | hand"})


class EvaluationRankedSchool(ma.Schema):
    school = ma.fields.Nested(EvaluationUnitRef)
    group = ma.fields.Nested(
        EvaluationUnitRef, allow_none=True, metadata={"description": "中心校/集团校"}
    )
    score = ma.fields.String(metadata=SCORE)
    rank_in_district = ma.fields.Integer(metadata={"description": "1, 2, 2, 4 on ties"})
    rank_in_group = ma.fields.Integer(allow_none=True)
    complete = ma.fields.Boolean(metadata={"description": "Every hand item scored"})
    scores = ma.fields.Dict(
        keys=ma.fields.String(), values=ma.fields.String(), metadata={"description": "By code"}
    )


class EvaluationRanking(ma.Schema):
    year = ma.fields.Integer()
    date_from = ma.fields.Date()
    date_to = ma.fields.Date()
    unit = ma.fields.Nested(EvaluationUnitKindRef)
    criteria = ma.fields.List(ma.fields.Nested(EvaluationCriterionRef))
    schools = ma.fields.List(
        ma.fields.Nested(EvaluationRankedSchool),
        metadata={"description": "Best score first (ties: name)"},
    )


class EvaluationEvidence(ma.Schema):
    kind = ma.fields.String(
        metadata={"description": "hazard | patrol | water | bus | notice | visit | hand_item"}
    )
    id = ma.fields.Integer(allow_none=True)
    href = ma.fields.String(metadata={"description": "A console page"})


class EvaluationLostLine(ma.Schema):
    text = ma.fields.String()
    points_lost = ma.fields.String(allow_none=True, metadata=SCORE)
    evidence = ma.fields.Nested(EvaluationEvidence)


class EvaluationHandScore(ma.Schema):
    score = ma.fields.String(allow_none=True, metadata=SCORE)
    note = ma.fields.String(allow_none=True)
    scored_by = ma.fields.Nested(EvaluationUnitRef, allow_none=True)
    scored_at = ma.fields.DateTime(allow_none=True)


class EvaluationCriterionDetail(ma.Schema):
    code = ma.fields.String()
    name = ma.fields.String()
    kind = ma.fields.String(metadata={"description": "measured | hand"})
    points = ma.fields.String(metadata=SCORE)
    score = ma.fields.String(metadata=SCORE)
    lost = ma.fields.String(metadata=SCORE)
    not_applicable = ma.fields.Boolean(metadata={"description": "Nothing was due: full points"})
    measure = ma.fields.String()
    lines = ma.fields.List(
        ma.fields.Nested(EvaluationLostLine), metadata={"description": "At most 50"}
    )
    more = ma.fields.Integer(metadata={"description": "Lines left out"})
    hand = ma.fields.Nested(
        EvaluationHandScore, allow_none=True, metadata={"description": "Hand items"}
    )


class SchoolEvaluation(ma.Schema):
    year = ma.fields.Integer()
    date_from = ma.fields.Date()
    date_to = ma.fields.Date()
    school = ma.fields.Nested(EvaluationUnitRef)
    group = ma.fields.Nested(EvaluationUnitRef, allow_none=True)
    score = ma.fields.String(metadata=SCORE)
    points = ma.fields.String(metadata=SCORE)
    rank_in_district = ma.fields.Integer()
    rank_in_group = ma.fields.Integer(allow_none=True)
    district_size = ma.fields.Integer()
    group_size = ma.fields.Integer(allow_none=True)
    complete = ma.fields.Boolean()
    criteria = ma.fields.List(ma.fields.Nested(EvaluationCriterionDetail))
