"""Fixtures for the photo pipeline tests: the sample photos in tests/fixtures/photos/."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest

FIXTURES = Path(__file__).resolve().parent.parent / "fixtures" / "photos"
# The full-size originals, present beside a checkout (and in CI), absent from a bare clone.
SHARED_PHOTOS = Path(__file__).resolve().parents[3] / "shared" / "photos"


@pytest.fixture
def fixture_bytes() -> Callable[[str], bytes]:
    """Return a reader for one file of tests/fixtures/photos/ by name."""

    def read(name: str) -> bytes:
        return (FIXTURES / name).read_bytes()

    return read
