"""Fixtures for the export tests: the hazard suite's people and reports, and helpers to ask
for an export, download it and read it back."""

from __future__ import annotations

import csv
import io
import json

import openpyxl
import pytest

from tests.hazards.conftest import people, report, upload  # noqa: F401  (fixtures)
from tests.patrols.conftest import checklists, checkpoint  # noqa: F401  (fixtures)


@pytest.fixture
def export(client):
    """Ask for an export as ``headers``; returns the response (the job JSON when 202)."""

    def _export(headers, kind, fmt, unit_id, status=202, **period):
        body = {"kind": kind, "format": fmt, "unit_id": unit_id, **period}
        response = client.post("/api/v1/exports", json=body, headers=headers)
        assert response.status_code == status, response.get_json()
        return response

    return _export


@pytest.fixture
def download(client):
    """Download a finished export; returns the response (asserting 200)."""

    def _download(headers, job_id):
        response = client.get(f"/api/v1/exports/{job_id}/file", headers=headers)
        assert response.status_code == 200, response.get_json()
        return response

    return _download


def sheet_of(data: bytes):
    """The first sheet of an xlsx file."""
    return openpyxl.load_workbook(io.BytesIO(data)).worksheets[0]


def csv_rows(data: bytes) -> list[list[str]]:
    """A CSV file's rows (after its byte-order mark)."""
    text = data.decode("utf-8")
    assert text.startswith("\ufeff")
    return list(csv.reader(io.StringIO(text[1:])))


def geojson_of(data: bytes) -> dict:
    """A GeoJSON document."""
    return json.loads(data.decode("utf-8"))
