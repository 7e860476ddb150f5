"""Fixtures of the content-check tests."""

from tests.hazards.conftest import report, upload  # noqa: F401  (fixtures)
