"""Fixtures of the content-check tests."""

from tests.hazards.conftest import upload  # noqa: F401  (fixture)
