"""Keep the mini-program's API client honest: every endpoint it calls is in the OpenAPI
document with the same method, path and request fields."""

from __future__ import annotations

import json
import re
import shutil
import subprocess
from pathlib import Path

import pytest

ENDPOINTS = Path(__file__).resolve().parent.parent / "miniprogram" / "api" / "endpoints.js"


def _client_endpoints() -> dict:
    """The endpoint table, as node loads it."""
    node = shutil.which("node")
    if node is None:
        pytest.skip("node is not installed: the mini-program contract test needs it")
    script = f"console.log(JSON.stringify(require({json.dumps(str(ENDPOINTS))})))"
    out = subprocess.run([node, "-e", script], check=True, capture_output=True, text=True)
    return json.loads(out.stdout)


def _resolve(spec: dict, schema: dict) -> dict:
    """Follow a ``$ref`` inside the document."""
    while "$ref" in schema:
        node = spec
        for part in schema["$ref"].lstrip("#/").split("/"):
            node = node[part]
        schema = node
    return schema


@pytest.fixture
def spec(client) -> dict:
    return client.get("/api/v1/openapi.json").get_json()


def _template(path: str) -> str:
    """A path with its parameter names blanked: ``/units/{id}`` matches ``/units/{unit_id}``."""
    return re.sub(r"\{[^}]+\}", "{}", path)


def test_every_client_endpoint_is_documented(spec):
    endpoints = _client_endpoints()
    assert endpoints, "the mini-program declares no endpoints"
    paths = {_template(path): item for path, item in spec["paths"].items()}
    for name, entry in endpoints.items():
        item = paths.get(_template(entry["path"]))
        assert item is not None, f"{name}: {entry['path']} is not in the OpenAPI document"
        operation = item.get(entry["method"].lower())
        assert operation is not None, f"{name}: {entry['method']} {entry['path']} is not served"
        body_fields = set(entry.get("body", []))
        if body_fields or "requestBody" in operation:
            content = operation["requestBody"]["content"]
            media = next(m for m in ("application/json", "multipart/form-data") if m in content)
            schema = _resolve(spec, content[media]["schema"])
            known = set(schema.get("properties", {}))
            assert body_fields <= known, f"{name}: unknown body fields {body_fields - known}"
            required = set(schema.get("required", []))
            assert required <= body_fields, f"{name}: the client omits {required - body_fields}"
        params = {p["name"] for p in operation.get("parameters", []) if p["in"] == "query"}
        params |= {p["name"] for p in item.get("parameters", []) if p["in"] == "query"}
        for query in entry.get("query", []):
            assert query in params, f"{name}: query parameter {query} is not documented"
