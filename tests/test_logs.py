"""Structured logs and the request id: echoed or made, hostile ids replaced, carried into the
jobs a request enqueues, and every line one JSON object."""

from __future__ import annotations

import io
import json
import logging
import re
from collections.abc import Iterator

import pytest

from server.logs import (
    JsonFormatter,
    TextFormatter,
    bound_request_id,
    configure_logging,
    logging_dict,
)
from tests.exports.conftest import export  # noqa: F401  (fixture)
from tests.hazards.conftest import people, unit_by_code  # noqa: F401  (fixture)

GENERATED = re.compile(r"[0-9a-f]{32}")


@pytest.fixture
def json_lines() -> Iterator[io.StringIO]:
    """Every log record at INFO and above, as the production handler writes them."""
    stream = io.StringIO()
    handler = logging.StreamHandler(stream)
    handler.setFormatter(JsonFormatter())
    root = logging.getLogger()
    level = root.level
    root.addHandler(handler)
    root.setLevel(logging.INFO)
    try:
        yield stream
    finally:
        root.removeHandler(handler)
        root.setLevel(level)


def _parsed(stream: io.StringIO) -> list[dict]:
    """Each line of the stream as JSON (failing on any line that is not one object)."""
    lines = [line for line in stream.getvalue().splitlines() if line]
    return [json.loads(line) for line in lines]


def test_a_sane_request_id_is_echoed(client):
    response = client.get("/healthz", headers={"X-Request-Id": "lb-1a2B.3_c-9"})
    assert response.headers["X-Request-Id"] == "lb-1a2B.3_c-9"


def test_a_request_without_one_gets_a_fresh_id(client):
    first = client.get("/healthz").headers["X-Request-Id"]
    second = client.get("/api/v1/no-such-route").headers["X-Request-Id"]  # errors have it too
    assert GENERATED.fullmatch(first) and GENERATED.fullmatch(second) and first != second


@pytest.mark.parametrize(
    "hostile",
    [
        "x" * 129,
        "",
        "abc\ninjected",
        "abc\r\nSet-Cookie: a=b",
        "\x1b[31mred",
        "tab\there",
        "with space",
        "ünïcode",
        "a/b",
    ],
)
def test_a_hostile_request_id_is_replaced(client, hostile):
    response = client.get("/healthz", environ_base={"HTTP_X_REQUEST_ID": hostile})
    assert GENERATED.fullmatch(response.headers["X-Request-Id"])
    assert response.headers.getlist("X-Request-Id") == [response.headers["X-Request-Id"]]


def test_the_longest_sane_id_is_kept(client):
    assert client.get("/healthz", headers={"X-Request-Id": "a" * 128}).headers["X-Request-Id"] == (
        "a" * 128
    )


def test_a_job_enqueued_by_a_request_logs_its_id(people, export, json_lines):  # noqa: F811
    # JOBS_IMMEDIATE (the tests' setting): the export is built inside the request.
    headers = {**people["school_admin@own"], "X-Request-Id": "trace-export-1"}
    response = export(headers, "hazard_ledger", "csv", unit_by_code("YQ101").id)
    assert response.headers["X-Request-Id"] == "trace-export-1"
    entries = _parsed(json_lines)
    jobs = [e for e in entries if e.get("job") == "build_export"]
    assert [e["message"] for e in jobs] == ["job build_export started", "job build_export finished"]
    assert {e["request_id"] for e in jobs} == {"trace-export-1"}
    assert isinstance(jobs[1]["duration_ms"], float)


def test_a_job_with_no_request_gets_its_own_id(app, json_lines):
    from server import jobs

    with app.app_context():
        jobs.sweep_export_files.call_local()
    entries = [e for e in _parsed(json_lines) if e.get("job") == "sweep_export_files"]
    assert len({e["request_id"] for e in entries}) == 1
    assert GENERATED.fullmatch(entries[0]["request_id"])


def test_json_lines_escape_newlines_and_keep_exceptions(json_lines):
    log = logging.getLogger("server.test")
    with bound_request_id("r-1"):
        try:
            raise ValueError("bad\nvalue")
        except ValueError:
            log.exception("two\nlines 中文", extra={"job": "x"})
    (entry,) = _parsed(json_lines)
    assert entry["message"] == "two\nlines 中文" and entry["request_id"] == "r-1"
    assert entry["level"] == "ERROR" and entry["logger"] == "server.test" and entry["job"] == "x"
    assert "ValueError: bad" in entry["exception"]
    assert entry["time"].endswith("+00:00")


def _access_record() -> logging.LogRecord:
    """A gunicorn access-log record as ``glogging.Logger.access`` makes one."""
    atoms = {
        "h": "10.0.0.7",
        "m": "GET",
        "U": "/healthz",
        "q": "",
        "s": "200",
        "B": 15,
        "D": 1234,
        "a": "curl/8",
        "{x-request-id}o": "abc-1",
    }
    return logging.LogRecord(
        "gunicorn.access", logging.INFO, __file__, 1, '%(h)s "%(m)s %(U)s" %(s)s', (atoms,), None
    )


def test_gunicorn_access_lines_are_structured_with_the_response_id():
    entry = json.loads(JsonFormatter().format(_access_record()))
    assert entry["request_id"] == "abc-1" and entry["status"] == 200 and entry["path"] == "/healthz"
    assert entry["duration_ms"] == 1.2 and entry["remote"] == "10.0.0.7"
    assert entry["message"] == '10.0.0.7 "GET /healthz" 200'
    assert "[abc-1]" in TextFormatter().format(_access_record())


def test_configure_logging_writes_json_and_replaces_huey_handlers():
    root, huey_logger = logging.getLogger(), logging.getLogger("huey")
    saved = (list(root.handlers), root.level, list(huey_logger.handlers))
    stream = io.StringIO()
    huey_logger.addHandler(logging.StreamHandler(io.StringIO()))  # huey_consumer's own
    try:
        configure_logging("json", "INFO", stream=stream)
        configure_logging("json", "INFO", stream=stream)  # a second call replaces, not adds
        assert huey_logger.handlers == []
        logging.getLogger("huey.consumer").info("started")
        assert [e["message"] for e in _parsed(stream)] == ["started"]
    finally:
        for handler in list(root.handlers):
            if getattr(handler, "_safety", False):
                root.removeHandler(handler)
        root.setLevel(saved[1])
        huey_logger.handlers[:] = saved[2]


def test_the_gunicorn_dict_config_is_valid():
    import logging.config

    root = logging.getLogger()
    saved = (list(root.handlers), root.level)
    try:
        logging.config.dictConfig(logging_dict("json", "WARNING"))
        assert isinstance(root.handlers[0].formatter, JsonFormatter)
        assert logging.getLogger("gunicorn.access").propagate
    finally:
        root.handlers[:] = saved[0]
        root.setLevel(saved[1])
