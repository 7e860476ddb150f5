"""Hostile input is refused at the edge in the standard error shape, never a 500: integers beyond
the database's range, control characters and lone surrogates, deep or broken JSON, dates far
away, blank text; and the OpenAPI document says what the responses hold."""

from __future__ import annotations

import base64
import io
import json

import pytest
from sqlalchemy import func, select

from server.extensions import db
from server.models import Notice
from tests.hazards.conftest import make_jpeg, report, unit_by_code, upload  # noqa: F401
from tests.support.plans import plan_for

BIG = [2**31, 2**63, 2**64]


def _error(response, status: int) -> dict:
    """Assert the status and the one error shape; return the error."""
    assert response.status_code == status, (response.status_code, response.get_data(as_text=True))
    error = response.get_json()["error"]
    assert set(error) == {"code", "message", "details"}
    return error


def _cursor(value: str) -> str:
    """A cursor built the way the service builds them, around any text."""
    return base64.urlsafe_b64encode(value.encode()).decode().rstrip("=")


# -- integers ------------------------------------------------------------------------------


@pytest.mark.parametrize("value", [*BIG, -1])
def test_path_ids_beyond_integer_are_not_found(demo, client, login, value):
    headers = login("demo-school_admin")
    for path in ("/api/v1/hazards/{}", "/api/v1/notices/{}", "/api/v1/units/{}/classes"):
        error = _error(client.get(path.format(value), headers=headers), 404)
        assert error["code"] == "not_found"
    post = client.post(f"/api/v1/hazards/{value}/verify", json={}, headers=headers)
    _error(post, 404)


@pytest.mark.parametrize("value", [*BIG, -1])
def test_body_ids_beyond_integer_are_invalid(demo, client, login, value):
    headers = login("demo-school_admin")
    school = unit_by_code("YQ101").id
    notice = {"unit_id": value, "title": "通知标题", "body": "通知正文内容"}
    error = _error(client.post("/api/v1/notices", json=notice, headers=headers), 422)
    assert "unit_id" in error["details"]
    notice = {"unit_id": school, "title": "通知标题", "body": "通知正文", "class_ids": [value]}
    error = _error(client.post("/api/v1/notices", json=notice, headers=headers), 422)
    assert "class_ids" in error["details"]
    invite = {"unit_id": school, "role": "teacher", "class_id": value}
    _error(client.post("/api/v1/invitations", json=invite, headers=headers), 422)


@pytest.mark.parametrize("value", [*BIG, -1])
def test_query_ids_beyond_integer_are_invalid(demo, client, login, value):
    headers = login("demo-school_admin")
    for path, name in (
        ("/api/v1/hazards", "school_id"),
        ("/api/v1/hazards", "reporter_id"),
        ("/api/v1/hazards/geojson", "school_id"),
        ("/api/v1/units", "parent_id"),
        ("/api/v1/inbox", "before_id"),
        ("/api/v1/notices/mine", "before_id"),
        ("/api/v1/invitations", "unit_id"),
    ):
        error = _error(client.get(path, query_string={name: value}, headers=headers), 422)
        assert name in error["details"], (path, error)


@pytest.mark.parametrize("value", [str(2**31), str(2**63), "-1", "0"])
def test_cursor_beyond_integer_is_invalid(demo, client, login, value):
    headers = login("demo-school_admin")
    response = client.get(
        "/api/v1/hazards", query_string={"cursor": _cursor(value)}, headers=headers
    )
    assert _error(response, 422)["details"] == {"cursor": ["Invalid."]}


def test_largest_id_is_a_plain_not_found(demo, client, login):
    headers = login("demo-school_admin")
    _error(client.get(f"/api/v1/hazards/{2**31 - 1}", headers=headers), 404)
    ok = client.get(
        "/api/v1/hazards", query_string={"cursor": _cursor(str(2**31 - 1))}, headers=headers
    )
    assert ok.status_code == 200


# -- text ----------------------------------------------------------------------------------

BAD_TEXT = ["\\u0000", "\\u0007", "\\ud800", "\\u009f", "\\u007f"]


@pytest.mark.parametrize("escape", BAD_TEXT)
def test_bad_characters_in_json_are_refused(demo, client, login, escape):
    headers = login("demo-school_admin")
    school = unit_by_code("YQ101").id
    head = f'{{"unit_id": {school}, "body": "正文正文"'
    bodies = {
        "title": head + f', "title": "通知{escape}"}}',
        "unit_ids.0": head + f', "title": "通知", "unit_ids": ["{escape}"]}}',
        "x": head + f', "title": "通知", "x{escape}": 1}}',
    }
    for field, raw in bodies.items():
        response = client.post(
            "/api/v1/notices", data=raw.encode(), content_type="application/json", headers=headers
        )
        error = _error(response, 422)
        (name,) = error["details"]
        assert name.startswith(field), error
    assert db.session.scalar(select(func.count()).select_from(Notice)) == 0


def test_bad_characters_in_json_are_refused_before_login(app, client):
    raw = b'{"code": "\\ud800"}'
    response = client.post("/api/v1/auth/login", data=raw, content_type="application/json")
    assert _error(response, 422)["details"] == {"code": [_error(response, 422)["message"]]}


@pytest.mark.parametrize("value", ["\x00", "\x07", "a\x85b", "\x7f"])
def test_bad_characters_in_query_and_form_are_refused(demo, client, login, value):
    headers = login("demo-school_admin")
    response = client.get("/api/v1/hazards", query_string={"area": value}, headers=headers)
    assert "area" in _error(response, 422)["details"]
    response = client.post(
        "/api/v1/photos",
        data={"file": (io.BytesIO(make_jpeg(1)), "photo.jpg"), "note": value},
        headers=headers,
        content_type="multipart/form-data",
    )
    assert "note" in _error(response, 422)["details"]


def test_bad_file_name_and_invalid_utf8_are_refused(demo, client, login):
    headers = login("demo-school_admin")
    response = client.post(
        "/api/v1/photos",
        data={"file": (io.BytesIO(make_jpeg(1)), "photo\x00.jpg")},
        headers=headers,
        content_type="multipart/form-data",
    )
    assert "file" in _error(response, 422)["details"]
    _error(client.get("/api/v1/hazards?area=%ff%fe", headers=headers), 400)
    # A surrogate can only reach a query string as its (invalid) UTF-8 bytes.
    _error(client.get("/api/v1/hazards?area=%ed%a0%80", headers=headers), 400)
    raw = b'{"title": "\xff\xfe"}'
    _error(client.post("/api/v1/notices", data=raw, content_type="application/json"), 400)
    # As a WSGI server passes a path with the byte 0xff (the test client would replace it).
    raw_path = {"PATH_INFO": "/api/v1/campaigns/\xff"}
    _error(client.get("/", headers=headers, environ_overrides=raw_path), 400)
    error = _error(client.get("/api/v1/campaigns/a%07b", headers=headers), 422)
    assert "code" in error["details"]


@pytest.mark.parametrize("title", ["   ", "\u3000\u3000", " \u200b\ufeff\u3000 "])
def test_blank_titles_are_refused(demo, client, login, title):
    headers = login("demo-school_admin")
    school = unit_by_code("YQ101").id
    body = {"unit_id": school, "title": title, "body": "正文正文", "unit_ids": [school]}
    error = _error(client.post("/api/v1/notices", json=body, headers=headers), 422)
    assert "title" in error["details"]
    # Stripping comes first: two characters inside spaces pass, one does not.
    body["title"] = f"{title}通{title}"
    assert (
        "title"
        in _error(client.post("/api/v1/notices", json=body, headers=headers), 422)["details"]
    )


def test_text_is_stored_stripped(demo, client, login):
    headers = login("demo-school_admin")
    school = unit_by_code("YQ101").id
    body = {
        "unit_id": school,
        "title": "\u3000 防溺水通知\u200b ",
        "body": " 正文内容\n",
        "unit_ids": [school],
    }
    response = client.post("/api/v1/notices", json=body, headers=headers)
    assert response.status_code == 201, response.get_json()
    assert response.get_json()["title"] == "防溺水通知"
    assert db.session.scalars(select(Notice.body)).one() == "正文内容"


# -- JSON ----------------------------------------------------------------------------------


@pytest.mark.parametrize("opening", ["[", '{"a":'])
def test_deep_json_on_login_without_token_is_a_bad_request(app, client, opening):
    closing = "]" if opening == "[" else "}"
    raw = opening * 1000 + "1" + closing * 1000
    response = client.post("/api/v1/auth/login", data=raw, content_type="application/json")
    assert _error(response, 400)["code"] == "bad_request"


def test_brackets_inside_strings_do_not_count(app, client):
    raw = json.dumps({"code": "[" * 1000})
    response = client.post("/api/v1/auth/login", data=raw, content_type="application/json")
    assert response.status_code in (401, 422)  # an unknown code, not a nesting error


@pytest.mark.parametrize(
    "raw", [b"not json", b'{"code": ', b'{"code": NaN}', b"\xff\xfe", b'{"code": 1e999999}']
)
def test_broken_json_is_a_bad_request(app, client, raw):
    response = client.post("/api/v1/auth/login", data=raw, content_type="application/json")
    assert response.status_code in (400, 422)
    _error(response, response.status_code)


def test_text_body_on_a_json_route_is_refused(app, client):
    response = client.post("/api/v1/auth/login", data="code=abc", content_type="text/plain")
    assert response.status_code in (400, 415, 422)
    _error(response, response.status_code)


# -- dates ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "day", ["0001-01-01", "9999-12-31", "1999-12-31", "2101-01-01", "10000-01-01"]
)
def test_far_dates_in_filters_are_invalid(demo, client, login, day):
    headers = login("demo-school_admin")
    for name in ("reported_from", "reported_to"):
        response = client.get("/api/v1/hazards", query_string={name: day}, headers=headers)
        assert name in _error(response, 422)["details"]


def test_far_deadline_in_a_plan_is_invalid(demo, client, login, report):  # noqa: F811
    headers = login("demo-school_admin")
    hazard = report(headers)[0].get_json()
    plan = {
        "responsible_user_id": plan_for(hazard["id"])["responsible_user_id"],
        "deadline": "9999-12-31",
        "measures": "更换配电箱门",
        "funds_yuan": "12.50",
        "contingency": "专人看守",
    }
    response = client.post(f"/api/v1/hazards/{hazard['id']}/plan", json=plan, headers=headers)
    assert "deadline" in _error(response, 422)["details"]
    plan.update(deadline="2030-01-01", funds_yuan="12.345")
    response = client.post(f"/api/v1/hazards/{hazard['id']}/plan", json=plan, headers=headers)
    assert "funds_yuan" in _error(response, 422)["details"]


# -- the OpenAPI document ------------------------------------------------------------------


def test_document_matches_what_is_returned(app, client):
    doc = client.get("/api/v1/openapi.json").get_json()
    schemas = doc["components"]["schemas"]
    for name in ("Plan", "PlanRequest"):
        funds = schemas[name]["properties"]["funds_yuan"]
        assert funds["type"] == "string" and funds["pattern"].startswith("^")
        assert "maximum" not in funds  # numeric bounds on a string are invalid JSON Schema
    assert schemas["Photo"]["properties"]["stage"]["nullable"] is True
    # A nullable nested object is checked against its schema (not "anyOf: any object, ref").
    position = schemas["Event"]["properties"]["position"]
    assert position == {"allOf": [{"$ref": "#/components/schemas/Position"}], "nullable": True}
    assert schemas["Position"]["properties"]["accuracy"]["nullable"] is True
    (parameter,) = doc["paths"]["/api/v1/hazards/{hazard_id}"]["parameters"]
    assert parameter["schema"] == {"type": "integer", "minimum": 1, "maximum": 2**31 - 1}
