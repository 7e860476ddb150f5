"""The OpenAPI document describes the exports as they answer."""

from __future__ import annotations

from server.services.exports import CONTENT_TYPES


def test_the_file_route_declares_its_content_types(client):
    spec = client.get("/api/v1/openapi.json").get_json()
    download = spec["paths"]["/api/v1/exports/{job_id}/file"]["get"]["responses"]
    assert set(download["200"]["content"]) == set(CONTENT_TYPES.values())
    assert {"409", "410"} <= set(download)
    created = spec["paths"]["/api/v1/exports"]["post"]["responses"]
    assert "202" in created and "422" in created
