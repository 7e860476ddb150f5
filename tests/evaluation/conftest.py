"""Fixtures for the evaluation tests: the hazard tests' personas."""

from __future__ import annotations

from tests.hazards.conftest import (  # noqa: F401  (fixtures shared with the hazard tests)
    people,
    upload,
)
