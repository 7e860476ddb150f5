"""Hostile input stopped at the edge, before any view or database sees it.

- A request hook refuses text with control characters (C0 but tab/newline/return, DEL, C1),
  lone surrogates or invalid UTF-8 anywhere in the JSON body (keys and values, at any depth), the
  query string, form fields, file names and path segments; PostgreSQL refuses NUL in text, and
  none of these characters belongs in a title or a name.
- The same hook refuses JSON nested deeper than ``MAX_JSON_DEPTH`` before parsing it (Python's
  parser recurses, so 1000 levels would end in a RecursionError, i.e. a 500), and JSON that does
  not parse, before authentication too.
- Flask's ``int`` URL converter is replaced app-wide by one bounded to the database's INTEGER:
  ``/hazards/2147483648`` is a 404 like any unknown id, not an overflow in the driver.
"""

from __future__ import annotations

import json
import re
from typing import Any
from urllib.parse import unquote_to_bytes

from flask import Flask, current_app, request
from flask_smorest import Api
from werkzeug.routing import IntegerConverter

from server.api.fields import DB_INT_MAX
from server.errors import error_response

MAX_JSON_DEPTH = 32

# C0 controls except \t \n \r, DEL, C1 controls, and the surrogate range (only lone surrogates can
# appear in a Python str decoded from JSON "\ud800" escapes or from surrogateescape).
_FORBIDDEN = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\ud800-\udfff]")
# JSON strings (escapes included), removed before counting brackets so "[[[" inside text is text.
_JSON_STRING = re.compile(rb'"(?:[^"\\]|\\.)*"', re.DOTALL)
_BRACKETS = re.compile(rb"[\[\]{}]")


class BoundedIntConverter(IntegerConverter):
    """``<int:...>`` limited to 1 .. 2**31-1: every integer in our paths is a row id."""

    def __init__(self, map, fixed_digits=0, min=1, max=DB_INT_MAX, signed=False):
        """Default bounds of a row id; explicit ``<int(max=...):x>`` arguments still apply."""
        super().__init__(map, fixed_digits=fixed_digits, min=min, max=max, signed=signed)


def _converter_schema(converter: BoundedIntConverter) -> dict[str, Any]:
    """The OpenAPI schema of a bounded integer path parameter."""
    schema: dict[str, Any] = {"type": "integer"}
    if converter.min is not None:
        schema["minimum"] = converter.min
    if converter.max is not None:
        schema["maximum"] = converter.max
    return schema


class InputRefused(Exception):
    """Hostile input: the status, code, message and the offending field."""

    def __init__(self, status: int, code: str, message: str, field: str):
        """Remember what to answer."""
        super().__init__(message)
        self.status, self.code, self.message, self.field = status, code, message, field


def _printable(name: str) -> str:
    """A field name safe to echo back (bad characters escaped)."""
    return _FORBIDDEN.sub(lambda m: m.group().encode("unicode_escape", "replace").decode(), name)


def _check_text(value: str, location: str, field: str) -> None:
    """Refuse a string with control characters or lone surrogates."""
    if _FORBIDDEN.search(value):
        raise InputRefused(
            422,
            "validation_error",
            f"Text in the {location} contains a control character or an invalid character.",
            _printable(field),
        )


def _json_depth(raw: bytes) -> int:
    """The deepest nesting of arrays and objects in a JSON text, without parsing it."""
    depth = deepest = 0
    for match in _BRACKETS.finditer(_JSON_STRING.sub(b'""', raw)):
        if match.group() in (b"[", b"{"):
            depth += 1
            deepest = max(deepest, depth)
        else:
            depth -= 1
    return deepest


def _walk_json(value: Any, path: str) -> None:
    """Check every key and string value of parsed JSON, at any depth."""
    if isinstance(value, str):
        _check_text(value, "JSON body", path or "body")
    elif isinstance(value, dict):
        for key, item in value.items():
            child = f"{path}.{key}" if path else key
            _check_text(key, "JSON body", child)
            _walk_json(item, child)
    elif isinstance(value, list):
        for index, item in enumerate(value):
            _walk_json(item, f"{path}.{index}" if path else str(index))


def _refuse_constant(name: str) -> None:
    """NaN and Infinity are not JSON; Python's parser accepts them unless told otherwise."""
    raise ValueError(f"{name} is not valid JSON")


def _check_json() -> None:
    """Depth first (cheap, before the recursive parser), then UTF-8, syntax and every string."""
    raw = request.get_data(cache=True)
    if not raw.strip():
        return
    # Nesting cannot exceed the count of opening brackets, and counting them is far cheaper than
    # the string-stripping scan: most bodies (an acknowledgment's has one) never need the scan.
    opening = raw.count(b"[") + raw.count(b"{")
    if opening > MAX_JSON_DEPTH and _json_depth(raw) > MAX_JSON_DEPTH:
        raise InputRefused(
            400, "bad_request", f"JSON nested deeper than {MAX_JSON_DEPTH} levels.", "body"
        )
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise InputRefused(400, "bad_request", "The body is not valid UTF-8.", "body") from exc
    try:
        parsed = json.loads(text, parse_constant=_refuse_constant)
    except (ValueError, RecursionError) as exc:
        raise InputRefused(400, "bad_request", "The body is not valid JSON.", "body") from exc
    _walk_json(parsed, "")


def _check_query() -> None:
    """The raw query string must be UTF-8 (werkzeug would replace bad bytes silently)."""
    if not request.query_string:
        return
    try:
        unquote_to_bytes(request.query_string.replace(b"+", b" ")).decode("utf-8")
    except UnicodeDecodeError as exc:
        raise InputRefused(
            400, "bad_request", "The query string is not valid UTF-8.", "query"
        ) from exc
    for key, value in request.args.items(multi=True):
        _check_text(key, "query string", key)
        _check_text(value, "query string", key)


def _check_path() -> None:
    """The path must be UTF-8, and string path segments clean."""
    try:
        request.environ.get("PATH_INFO", "").encode("latin-1").decode("utf-8")
    except (UnicodeEncodeError, UnicodeDecodeError) as exc:
        raise InputRefused(400, "bad_request", "The path is not valid UTF-8.", "path") from exc
    for key, value in (request.view_args or {}).items():
        if isinstance(value, str):
            _check_text(value, "path", key)


def _check_form() -> None:
    """Form fields and uploaded file names; multipart bodies over the JSON limit are left to
    the view, which raises its own limit for photos (parsing them here would 413 first)."""
    if request.mimetype == "multipart/form-data":
        length = request.content_length
        if length is None or length > (current_app.config.get("MAX_CONTENT_LENGTH") or 0):
            return
    for key, value in request.form.items(multi=True):
        _check_text(key, "form", key)
        _check_text(value, "form", key)
    for key, upload in request.files.items(multi=True):
        _check_text(key, "form", key)
        _check_text(upload.filename or "", "form", key)


def guard_request():
    """``before_request``: refuse hostile text and JSON in the standard error shape."""
    try:
        _check_path()
        _check_query()
        if request.mimetype in ("multipart/form-data", "application/x-www-form-urlencoded"):
            _check_form()
        elif request.is_json:
            _check_json()
    except InputRefused as refused:
        return error_response(
            refused.status, refused.code, refused.message, {refused.field: [refused.message]}
        )
    return None


def _strict_nullable_nested(self, field, ret: dict, **kwargs: Any) -> dict:
    """A nullable nested object as ``{"allOf": [ref], "nullable": true}``.

    apispec writes ``anyOf: [{"type": "object", "nullable": true}, ref]`` for OpenAPI 3.0, and
    its first branch accepts any object at all, so responses were never checked against the
    nested schema. ``ret`` is edited in place because attribute functions can only add keys.
    """
    any_of = ret.get("anyOf")
    if not field.allow_none or not isinstance(any_of, list) or len(any_of) != 2:
        return {}
    refs = [branch for branch in any_of if "$ref" in branch]
    if len(refs) != 1 or {"type": "object", "nullable": True} not in any_of:
        return {}
    del ret["anyOf"]
    return {"allOf": refs, "nullable": True}


def install_input_guard(app: Flask, api: Api) -> None:
    """Bound ``<int:...>`` (before any route is added) and install the request hook; document
    nullable nested objects strictly (before any schema is added)."""
    app.url_map.converters["int"] = BoundedIntConverter
    api.register_converter(BoundedIntConverter, _converter_schema)
    api.ma_plugin.converter.add_attribute_function(_strict_nullable_nested)
    app.before_request(guard_request)
