"""Fixtures for the web console: a browser (a test client with its own cookies) logged in by
the real QR flow, confirmed through the API as a phone would, and the hazard fixtures."""

from __future__ import annotations

import importlib
import os
import re
import threading
from collections.abc import Iterator
from datetime import date, timedelta
from pathlib import Path

import pytest
from sqlalchemy import update
from werkzeug.serving import make_server

from server import _store_settings
from server.clock import local_today
from server.extensions import db
from server.models import ContentCheck, Hazard
from server.models.content import PASSED
from storage import create_store
from tests.hazards.conftest import people, report, upload  # noqa: F401 (fixtures)
from tests.support.plans import plan_for

CODE_RE = re.compile(r'data-code="([^"]+)"')
# Browser tests: Debian's Chromium (scripts/test.sh installs it), never a downloaded build.
CHROMIUM = os.environ.get("CHROMIUM", "/usr/bin/chromium")
SHOTS = Path(__file__).resolve().parents[2] / "var" / "screenshots" / "console"
TIMEOUT_MS = 15_000


def shown_code(browser) -> str:
    """Open the login page in ``browser`` and read the code its QR shows."""
    page = browser.get("/console/login")
    assert page.status_code == 200
    return CODE_RE.search(page.get_data(as_text=True)).group(1)


def confirm(client, headers, code: str):
    """The phone's confirmation of a scanned code."""
    return client.post(
        "/api/v1/console-logins/confirm", json={"code": "SAFETY-WEB:" + code}, headers=headers
    )


@pytest.fixture
def browser_as(app, client):
    """A new browser logged in to the console as the person behind ``headers``."""

    def _as(headers):
        browser = app.test_client()
        code = shown_code(browser)
        assert confirm(client, headers, code).status_code == 200
        status = browser.get("/console/login/status").get_json()
        assert status["state"] == "approved", status
        return browser

    return _as


@pytest.fixture
def hazard_at(client, report, people):  # noqa: F811 (fixtures imported above)
    """Report a hazard as a persona (at 符离中心小学 unless ``school_id`` is given); returns
    its id. ``planned_until``: give it a plan due that day (in the past makes it overdue)."""

    def _hazard(persona="school_admin@own", planned_until: date | None = None, **changes):
        response, _body = report(people[persona], **changes)
        assert response.status_code == 201, response.get_json()
        hazard_id = response.get_json()["id"]
        if planned_until is not None:
            planner = people[persona]
            body = plan_for(hazard_id)
            r = client.post(f"/api/v1/hazards/{hazard_id}/plan", json=body, headers=planner)
            assert r.status_code == 200, r.get_json()
            # A deadline in the past cannot be planned: move it as time would.
            db.session.execute(
                update(Hazard).where(Hazard.id == hazard_id).values(deadline=planned_until)
            )
            db.session.commit()
        return hazard_id

    return _hazard


def days_ago(days: int) -> date:
    """A date this many days before today."""
    return local_today() - timedelta(days=days)


def pass_media_checks() -> None:
    """WeChat's media check passes every photo waiting for it (as its verdicts would)."""
    db.session.execute(update(ContentCheck).values(status=PASSED))
    db.session.commit()


@pytest.fixture
def live_url(app) -> Iterator[str]:
    """The app served on a free loopback port in a thread; media links point at it."""
    server = make_server("127.0.0.1", 0, app, threaded=True)
    url = f"http://127.0.0.1:{server.server_port}"
    # Photo links are signed for the public base URL: here, the live server.
    app.config["PUBLIC_BASE_URL"] = url
    app.extensions["store"] = create_store(_store_settings(app.config))
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield url
    finally:
        server.shutdown()
        thread.join(timeout=10)


@pytest.fixture
def page():
    """A page of headless Chromium (Debian's), or a skip saying why there is none."""
    try:
        playwright_api = importlib.import_module("playwright.sync_api")
    except ImportError:
        pytest.skip("playwright is not installed (requirements-dev): browser tests skipped")
    if not Path(CHROMIUM).exists():
        pytest.skip(f"{CHROMIUM} is missing: browser tests skipped (apt-get install chromium)")
    SHOTS.mkdir(parents=True, exist_ok=True)
    with playwright_api.sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=["--no-sandbox"])
        context = browser.new_context(
            viewport={"width": 1366, "height": 900}, locale="zh-CN", accept_downloads=True
        )
        context.set_default_timeout(TIMEOUT_MS)
        yield context.new_page()
        context.close()
        browser.close()


def shot(page, name: str) -> None:
    """A full-page screenshot of the page as it is now."""
    page.screenshot(path=str(SHOTS / f"{name}.png"), full_page=True)
