"""Schema-driven fuzzing of the live service with schemathesis.

The real app (``create_app``, a throw-away PostgreSQL database built by the migrations, a local
media folder, the fake WeChat server, no Redis) is served by werkzeug on a free loopback port in a
thread; the demo district is seeded and its personas log in. For each persona, every operation of
``/api/v1/openapi.json`` gets a few generated requests, valid (positive) and invalid (negative)
ones, and two checks: no 5xx, and every documented response matches its schema.

Time is bounded (few examples per operation, no deadline) and the data is derandomized, so a run is
reproducible. All failures of a persona are collected and reported together, one line each.
"""

from __future__ import annotations

import threading
from collections.abc import Iterator
from pathlib import Path

import pytest
import requests

schemathesis = pytest.importorskip("schemathesis", reason="schemathesis not installed")

from flask_migrate import upgrade  # noqa: E402
from hypothesis import HealthCheck, Phase, given, settings  # noqa: E402
from hypothesis.errors import Unsatisfiable  # noqa: E402
from schemathesis.checks import not_a_server_error  # noqa: E402
from schemathesis.specs.openapi.checks import response_schema_conformance  # noqa: E402
from werkzeug.serving import make_server  # noqa: E402

from server import create_app  # noqa: E402
from server.extensions import db  # noqa: E402
from server.services.demo import demo_openid  # noqa: E402
from tests.conftest import APP_SECRET, APPID, TEST_SECRET_KEY  # noqa: E402
from tests.fuzz.world import seed_world  # noqa: E402
from tests.support.databases import (  # noqa: E402
    postgres_database,
    postgres_unavailable_reason,
)

PERSONAS = ["bureau_admin", "school_admin", "teacher", "class_teacher", "parent"]
# Examples per operation and generation mode (and again with real ids where the path has ids):
# about 1,400 requests per persona, the module in about two minutes on two shared cores.
MAX_EXAMPLES = 10
CHECKS = [not_a_server_error, response_schema_conformance]
# Not fuzzed, and why:
# - GET /media/{key}: downloads behind short-lived signed links; without a valid signature every
#   request is the same 403, and with one it streams bytes the document describes as a file.
EXCLUDED_PATHS = {"/media/{key}"}
LOGOUT = "/api/v1/auth/logout"


@pytest.fixture(scope="module")
def live(tmp_path_factory, fake_wechat) -> Iterator[dict]:
    """The app on a fresh PostgreSQL database, served on loopback, with the demo district."""
    reason = postgres_unavailable_reason()
    if reason:
        pytest.skip(f"OpenAPI fuzzing needs PostgreSQL: {reason}")
    fake_wechat.reset()
    with postgres_database() as url:
        app = create_app(
            {
                "APP_ENV": "test",
                "TESTING": False,  # errors are answered as in production, not re-raised
                "SECRET_KEY": TEST_SECRET_KEY,
                "SQLALCHEMY_DATABASE_URI": url,
                "STORAGE_BACKEND": "local",
                "MEDIA_ROOT": str(Path(tmp_path_factory.mktemp("fuzz-media"))),
                "WECHAT_APPID": APPID,
                "WECHAT_SECRET": APP_SECRET,
                "WECHAT_API_BASE_URL": fake_wechat.url,
                "REDIS_URL": None,
            }
        )
        with app.app_context():
            upgrade()
            app.extensions["store"].ensure_ready()
            result = app.test_cli_runner().invoke(args=["setup", "demo"])
            assert result.exit_code == 0, result.output
            db.session.remove()
        server = make_server("127.0.0.1", 0, app, threaded=True)
        thread = threading.Thread(target=server.serve_forever, daemon=True)
        thread.start()
        base_url = f"http://127.0.0.1:{server.server_port}"
        try:
            live = {"base_url": base_url, "fake_wechat": fake_wechat}
            live["tokens"] = {persona: _token(live, persona) for persona in PERSONAS}
            live["ids"] = seed_world(app, base_url, live["tokens"])
            yield live
        finally:
            server.shutdown()
            thread.join(timeout=10)
            with app.app_context():
                db.session.remove()
                db.engine.dispose()


def _token(live: dict, persona: str) -> str:
    """Log a demo persona in through the real endpoint."""
    code = live["fake_wechat"].mint_code(demo_openid(persona))
    response = requests.post(
        live["base_url"] + "/api/v1/auth/login", json={"code": code}, timeout=10
    )
    assert response.status_code == 200, response.text
    return response.json()["token"]


def _fuzz_operation(
    operation, mode, base_url: str, headers: dict, failures: list, path: dict | None = None
) -> int:
    """Run one operation's generated cases; record (not raise) what fails, to report it all.
    ``path`` fixes the path parameters to real ids. Returns how many requests were sent."""
    calls = [0]
    label = f"{operation.label} [{mode.value}{', real ids' if path else ''}]"

    @given(case=operation.as_strategy(generation_mode=mode, path_parameters=path))
    @settings(
        max_examples=MAX_EXAMPLES,
        deadline=None,
        derandomize=True,
        database=None,
        suppress_health_check=list(HealthCheck),
        # No shrinking: the first failure is reported as is.
        phases=[Phase.explicit, Phase.generate],
    )
    def run(case) -> None:
        """One request and its checks."""
        calls[0] += 1
        try:
            case.call_and_validate(base_url=base_url, headers=headers, checks=CHECKS, timeout=20)
        except (Exception, BaseExceptionGroup) as exc:
            # Schemathesis reports failures as a BaseExceptionGroup, which Hypothesis does not
            # take for a failing example: record it and fail the example plainly.
            if not any(failure.startswith(label + " ") for failure in failures):
                failures.append(f"{label} {_summary(exc)}")  # once: Hypothesis replays it
            raise AssertionError(label) from None

    recorded = len(failures)
    try:
        run()
    except Unsatisfiable:
        # Negative mode on an operation without parameters or body: nothing to make invalid.
        pass
    except Exception as exc:
        # A failing case is recorded already; anything else (a strategy that cannot be built)
        # is a failure of its own, never a silent pass.
        if len(failures) == recorded:
            failures.append(f"{label} fuzzer error: {exc!r}")
    return calls[0]


def _summary(exc: Exception) -> str:
    """The first lines of a schemathesis failure (it includes a curl command to replay it)."""
    text = str(exc).strip()
    return " | ".join(line.strip() for line in text.splitlines()[:14] if line.strip())


def _destructive_last(operation) -> tuple[bool, bool]:
    """Order: reads and changes first, DELETEs (which may remove seeded rows: random ids are
    often small) after them, logout last."""
    return (operation.path == LOGOUT, operation.method.upper() == "DELETE")


def _real_path(operation, ids: dict) -> dict | None:
    """Real values for the operation's path parameters, or None (no parameters, or a DELETE,
    which would remove what the later operations need)."""
    names = [parameter.name for parameter in operation.path_parameters]
    if not names or operation.method.upper() == "DELETE":
        return None
    if any(name not in ids for name in names):
        return None
    return {name: ids[name] for name in names}


def test_openapi_fuzz_without_a_valid_token(live):
    """Without a valid token (schemathesis sends random bearer tokens): every operation answers
    in its documented shape, mostly 401."""
    schema = schemathesis.openapi.from_url(live["base_url"] + "/api/v1/openapi.json")
    failures: list[str] = []
    for operation in schema.get_all_operations():
        operation = operation.ok()
        if operation.path not in EXCLUDED_PATHS:
            mode = schemathesis.GenerationMode.POSITIVE
            _fuzz_operation(operation, mode, live["base_url"], {}, failures)
    assert not failures, f"{len(failures)} failing operation(s) without a token:\n" + "\n\n".join(
        failures
    )


@pytest.mark.parametrize("persona", PERSONAS)
def test_openapi_fuzz(live, persona):
    """No 5xx and schema-conformant responses for every operation, as this persona."""
    headers = {"Authorization": f"Bearer {live['tokens'][persona]}"}
    schema = schemathesis.openapi.from_url(live["base_url"] + "/api/v1/openapi.json")
    failures: list[str] = []
    operations = requests_sent = 0
    skipped: list[str] = []
    for operation in sorted((r.ok() for r in schema.get_all_operations()), key=_destructive_last):
        if operation.path in EXCLUDED_PATHS:
            skipped.append(operation.label)
            continue
        operations += 1
        if operation.path == LOGOUT:
            # Logging out revokes the token: give it a session of its own.
            headers = {"Authorization": f"Bearer {_token(live, persona)}"}
        for mode in (schemathesis.GenerationMode.POSITIVE, schemathesis.GenerationMode.NEGATIVE):
            requests_sent += _fuzz_operation(operation, mode, live["base_url"], headers, failures)
            real = _real_path(operation, live["ids"])
            if real is not None:
                requests_sent += _fuzz_operation(
                    operation, mode, live["base_url"], headers, failures, real
                )
    print(f"{persona}: {operations} operations, {requests_sent} requests, skipped {skipped}")
    assert operations > 30, "the OpenAPI document lost its operations"
    assert requests_sent > operations * 2, "the fuzzer sent next to no requests"
    me = requests.get(
        live["base_url"] + "/api/v1/me",
        headers={"Authorization": f"Bearer {live['tokens'][persona]}"},
        timeout=10,
    )
    assert me.status_code == 200, "the persona's session ended during the run: " + me.text
    assert not failures, f"{len(failures)} failing operation(s) as {persona}:\n" + "\n\n".join(
        failures
    )
