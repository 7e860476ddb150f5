"""API basics: the error shape everywhere, the OpenAPI document, the docs page."""

from __future__ import annotations

import pytest
from flask import Flask


def assert_error_shape(response, status: int, code: str) -> None:
    assert response.status_code == status
    body = response.get_json()
    assert set(body) == {"error"}
    assert set(body["error"]) == {"code", "message", "details"}
    assert body["error"]["code"] == code


def test_unknown_route_and_wrong_method_use_the_error_shape(client):
    assert_error_shape(client.get("/api/v1/nowhere"), 404, "not_found")
    assert_error_shape(client.get("/api/v1/auth/login"), 405, "method_not_allowed")
    assert_error_shape(client.delete("/api/v1/me"), 405, "method_not_allowed")


def test_validation_error_details_name_the_field(client):
    response = client.post("/api/v1/auth/login", json={"code": 5})
    assert_error_shape(response, 422, "validation_error")
    assert "code" in response.get_json()["error"]["details"]


def test_malformed_json_is_a_4xx_in_shape(client):
    response = client.post(
        "/api/v1/auth/login", data="{nope", headers={"Content-Type": "application/json"}
    )
    assert response.status_code in (400, 422)
    assert set(response.get_json()["error"]) == {"code", "message", "details"}


def test_unexpected_errors_are_500_in_shape(app, client, monkeypatch):
    def boom(*args, **kwargs):
        raise RuntimeError("kaboom")

    endpoint = app.url_map.bind("localhost").match("/healthz")[0]
    monkeypatch.setitem(app.view_functions, endpoint, boom)
    response = client.get("/healthz")
    assert_error_shape(response, 500, "internal_error")
    assert "kaboom" not in response.get_data(as_text=True)


def _app_routes(app: Flask) -> set[tuple[str, str]]:
    """Every (method, OpenAPI path) the app serves, docs machinery and the web console's HTML
    pages (``server/console``, not part of the API) aside."""
    routes = set()
    for rule in app.url_map.iter_rules():
        if rule.endpoint.startswith(("api-docs.", "docs_assets.", "console.")):
            continue
        path = rule.rule
        for converter in ("int:", "string:", "path:"):
            path = path.replace("<" + converter, "<")
        path = path.replace("<", "{").replace(">", "}")
        for method in rule.methods - {"HEAD", "OPTIONS"}:
            routes.add((method.lower(), path))
    return routes


def test_every_route_is_in_the_openapi_document(app, client):
    spec = client.get("/api/v1/openapi.json").get_json()
    documented = {
        (method, path)
        for path, item in spec["paths"].items()
        for method in item
        if method in {"get", "post", "put", "patch", "delete"}
    }
    assert _app_routes(app) == documented
    assert spec["components"]["securitySchemes"]["bearerAuth"]["scheme"] == "bearer"
    login = spec["paths"]["/api/v1/auth/login"]["post"]
    assert login["security"] == []
    assert login["responses"]["default"]["$ref"] == "#/components/responses/DEFAULT_ERROR"
    default_error = spec["components"]["responses"]["DEFAULT_ERROR"]
    assert default_error["content"]["application/json"]["schema"]["$ref"].endswith("/Error")


def test_docs_are_served_with_local_assets(client):
    page = client.get("/api/v1/docs")
    assert page.status_code == 200
    html = page.get_data(as_text=True)
    assert "/api/v1/docs/assets/swagger-ui-bundle.js" in html
    assert "cdn" not in html.lower() and "unpkg" not in html.lower()
    assert client.get("/api/v1/docs/assets/swagger-ui-bundle.js").status_code == 200


@pytest.mark.parametrize("path", ["/media/a.jpg", "/media/a.jpg?expires=1&signature=x"])
def test_media_links_need_a_valid_signature(client, path):
    assert client.get(path).status_code == 403


def test_media_link_serves_a_stored_object(app, client):
    import io
    from datetime import timedelta

    store = app.extensions["store"]
    store.put("demo/hello.txt", io.BytesIO(b"hello"), 5, "text/plain")
    url = store.presigned_get_url("demo/hello.txt", timedelta(minutes=5))
    path = url.split("://", 1)[1].split("/", 1)[1]
    response = client.get("/" + path)
    assert response.status_code == 200 and response.data == b"hello"
    tampered = client.get("/" + path.replace("hello.txt", "other.txt"))
    assert tampered.status_code == 403


def test_app_on_minio_settings_talks_to_a_real_s3_server(app, seaweed, seaweed_bucket):
    from server import create_app

    settings = {
        **{
            k: app.config[k]
            for k in (
                "SECRET_KEY",
                "SQLALCHEMY_DATABASE_URI",
                "WECHAT_APPID",
                "WECHAT_SECRET",
                "WECHAT_API_BASE_URL",
            )
        },
        "APP_ENV": "test",
        "STORAGE_BACKEND": "s3",
        "MINIO_ENDPOINT": seaweed.endpoint,
        "MINIO_ACCESS_KEY": seaweed.access_key,
        "MINIO_SECRET_KEY": seaweed.secret_key,
        "MINIO_BUCKET": seaweed_bucket,
        "MINIO_SECURE": False,
    }
    s3_app = create_app(settings)
    s3_app.extensions["store"].ensure_ready()
    assert s3_app.test_client().get("/readyz").get_json()["checks"]["storage"] == "ok"
    wrong = create_app({**settings, "MINIO_SECRET_KEY": "not-the-secret"})
    response = wrong.test_client().get("/readyz")
    assert response.status_code == 503
    assert response.get_json()["error"]["details"]["storage"] == "error: StorageAccessDenied"
