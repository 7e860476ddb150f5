"""Fixtures for the evaluation tests: the hazard tests' personas and the export helpers."""

from __future__ import annotations

from tests.console.conftest import browser_as  # noqa: F401  (fixtures)
from tests.exports.conftest import download, export  # noqa: F401  (fixtures)
from tests.hazards.conftest import (  # noqa: F401  (fixtures shared with the hazard tests)
    people,
    upload,
)
