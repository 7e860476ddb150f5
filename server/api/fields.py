"""Field types for request schemas: every input is bounded here, in one place.

- ``Id`` and ``BoundedInt``: integers within PostgreSQL's INTEGER (the narrowest of our databases),
  so an id of 2**31 or 2**63 is a validation error, never an overflow inside the database driver.
- ``Text``: strips ASCII and Unicode spaces (U+3000, zero-width spaces) first, then applies
  ``required`` and the length bounds, so a title of spaces is refused rather than stored empty.
- ``BoundedDate``: dates between 2000-01-01 and 2100-12-31; beyond them date arithmetic and the
  databases' date ranges fail.
- ``Money``: an amount of yuan as a decimal string, the same way in requests and responses.
"""

from __future__ import annotations

import datetime as dt
import re
from typing import Any

import marshmallow as ma
from marshmallow import validate

# PostgreSQL INTEGER; SQLite goes to 2**63-1, but one bound for both keeps the API the same.
DB_INT_MAX = 2**31 - 1
DB_INT_MIN = -(2**31)

DATE_MIN = dt.date(2000, 1, 1)
DATE_MAX = dt.date(2100, 12, 31)

# Whitespace and invisible characters a form field may carry around its text: Python's str.strip
# covers ASCII and Unicode spaces (U+3000 included); zero-width spaces and the BOM it does not.
_INVISIBLE = "\u200b\u200c\u200d\u2060\ufeff"

MONEY_PATTERN = r"^\d{1,9}(\.\d{1,2})?$"
MONEY_MAX = 100_000_000


def strip_text(value: str) -> str:
    """The text without surrounding whitespace or zero-width characters."""
    previous = None
    # Alternate until stable: "\u3000\u200b \u3000" interleaves both kinds.
    while previous != value:
        previous = value
        value = value.strip().strip(_INVISIBLE)
    return value


class BoundedInt(ma.fields.Integer):
    """An integer within the database's INTEGER range (narrowed further by ``min``/``max``)."""

    def __init__(self, *, min: int = DB_INT_MIN, max: int = DB_INT_MAX, **kwargs: Any):
        """Add the range validator; the OpenAPI document shows the bounds."""
        validators = kwargs.pop("validate", None) or []
        if callable(validators):
            validators = [validators]
        super().__init__(validate=[validate.Range(min=min, max=max), *validators], **kwargs)


class Id(BoundedInt):
    """A row id: 1 .. 2**31-1."""

    def __init__(self, **kwargs: Any):
        """An id is positive and fits an INTEGER column."""
        super().__init__(min=1, max=DB_INT_MAX, **kwargs)


class Text(ma.fields.String):
    """Text stripped of surrounding (Unicode) whitespace; required and length apply after that.

    ``min_length``/``max_length`` are checked on the stripped text. A required text that is blank
    after stripping is refused; an optional one loads as None when nullable, else as "" (and then
    meets the length bounds like any other value).
    """

    default_error_messages = {"blank": "Must not be blank."}

    def __init__(self, *, min_length: int | None = None, max_length: int | None = None, **kw):
        """Keep the bounds as a Length validator, shown in the OpenAPI document too."""
        validators = kw.pop("validate", None) or []
        if callable(validators):
            validators = [validators]
        if min_length is not None or max_length is not None:
            validators = [validate.Length(min=min_length, max=max_length), *validators]
        super().__init__(validate=validators, **kw)

    def deserialize(self, value: Any, attr: str | None = None, data: Any = None, **kwargs: Any):
        """Strip before anything else, so that blank text is treated like no text: refused when
        required, None when nullable (and then not validated, as marshmallow does for None)."""
        if isinstance(value, str):
            value = strip_text(value)
            if not value:
                if self.required:
                    raise self.make_error("blank")
                if self.allow_none:
                    value = None
        return super().deserialize(value, attr, data, **kwargs)


class PersonName(Text):
    """A pupil's name as a roster holds it: 2 to 20 letters, Chinese characters, spaces and the
    middle dot of minority names (张小明, 阿依古丽·买买提)."""

    def __init__(self, **kwargs: Any):
        """The bounds and the allowed characters, shown in the OpenAPI document too."""
        super().__init__(
            min_length=2,
            max_length=20,
            validate=validate.Regexp(
                r"^[\w·•\s]+$", error="A name has letters, characters and · only."
            ),
            **kwargs,
        )


class BoundedDate(ma.fields.Date):
    """A calendar date within 2000-01-01 .. 2100-12-31."""

    def __init__(self, **kwargs: Any):
        """Add the range validator."""
        validators = kwargs.pop("validate", None) or []
        if callable(validators):
            validators = [validators]
        bounds = validate.Range(min=DATE_MIN, max=DATE_MAX)
        super().__init__(validate=[bounds, *validators], **kwargs)

    def _deserialize(self, value: Any, attr: str | None, data: Any, **kwargs: Any) -> Any:
        """Refuse years outside the range before parsing (year 0 or 10000 cannot be parsed)."""
        if isinstance(value, str) and not re.fullmatch(r"\d{4}-\d{2}-\d{2}", value):
            raise self.make_error("invalid", input=value, obj_type=self.OBJ_TYPE)
        return super()._deserialize(value, attr, data, **kwargs)


def _money_range(value: Any) -> None:
    """0 .. 100 million yuan; a plain function, as a Range would put numeric bounds on a string
    in the OpenAPI document (the pattern bounds it there)."""
    if not 0 <= value <= MONEY_MAX:
        raise ma.ValidationError(f"Must be between 0 and {MONEY_MAX}.")


class Money(ma.fields.Decimal):
    """An amount of yuan with at most two decimals, as a decimal string in and out."""

    def __init__(self, **kwargs: Any):
        """A string in JSON (floats lose cents); the pattern is in the OpenAPI document."""
        metadata = {
            "type": "string",
            "pattern": MONEY_PATTERN,
            "example": "1200.00",
            **kwargs.pop("metadata", {}),
        }
        validators = kwargs.pop("validate", None) or []
        if callable(validators):
            validators = [validators]
        super().__init__(
            places=2,
            as_string=True,
            allow_nan=False,
            metadata=metadata,
            validate=[_money_range, *validators],
            **kwargs,
        )

    def _deserialize(self, value: Any, attr: str | None, data: Any, **kwargs: Any) -> Any:
        """Accept the documented decimal string (and plain numbers, as older clients send)."""
        if isinstance(value, bool):
            raise self.make_error("invalid")
        if isinstance(value, str) and not re.fullmatch(MONEY_PATTERN, value.strip()):
            raise self.make_error("invalid")
        return super()._deserialize(value, attr, data, **kwargs)


class Named(ma.fields.String):
    """The display name of a code the record holds in ``source`` (a unit's kind, a role, a
    relation), looked up in a fixed table; documented as a string. (Not ``attribute``: the code
    is dumped by a field of its own, and two fields may not share an attribute.)"""

    def __init__(self, names: dict[str, Any], source: str, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.names = names
        self.source = source

    def get_value(self, obj: Any, attr: str, accessor: Any = None, default: Any = ma.missing):
        """Read the code from ``source``."""
        return super().get_value(obj, self.source, accessor, default)

    def _serialize(self, value: Any, attr: str | None, obj: Any, **kwargs: Any) -> str | None:
        """The name of the code, or the code itself when the table has none."""
        if value is None:
            return None
        name = self.names.get(value, value)
        return getattr(name, "name", name)


class IsSet(ma.fields.Boolean):
    """True when the record's ``attribute`` holds a value (a message's ``read_at``, an
    invitation's ``revoked_at``): the answer shows the fact, not the time."""

    def _serialize(self, value: Any, attr: str | None, obj: Any, **kwargs: Any) -> bool:
        """Whether the value is set."""
        return value is not None


MOBILE_PATTERN = r"^1\d{10}$"


class MobilePhone(Text):
    """A mainland China mobile number: 11 digits starting with 1 (spaces around it stripped)."""

    def __init__(self, **kwargs: Any):
        """The pattern validates, and shows in the OpenAPI document."""
        validators = kwargs.pop("validate", None) or []
        if callable(validators):
            validators = [validators]
        pattern = validate.Regexp(MOBILE_PATTERN, error="A mobile number is 11 digits from 1.")
        metadata = {"example": "13800138000", **kwargs.pop("metadata", {})}
        super().__init__(validate=[pattern, *validators], metadata=metadata, **kwargs)
