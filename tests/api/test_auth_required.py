"""Every route outside a short allow-list answers 401 without a token."""

from __future__ import annotations

import re

# Routes anyone may call: logging in, health, the API document and its viewer, WeChat's message
# push and media links (those carry their own signature instead of a token).
PUBLIC = {
    ("POST", "/api/v1/auth/login"),
    ("GET", "/livez"),
    ("GET", "/healthz"),
    ("GET", "/readyz"),
    ("GET", "/api/v1/openapi.json"),
    ("GET", "/api/v1/docs"),
    # WeChat's message push: signed with WECHAT_CALLBACK_TOKEN instead of a bearer token.
    ("GET", "/api/v1/wechat/callback"),
    ("POST", "/api/v1/wechat/callback"),
}
PUBLIC_PREFIXES = ("/api/v1/docs/assets/", "/media/", "/console/static/")
# The web console's QR login page and its poll; its other pages need a console session (a
# redirect to the login page), and its forms a CSRF token (a 400 before anything else).
CONSOLE_PUBLIC = {("GET", "/console/login"), ("GET", "/console/login/status")}


def _check_console(client, method: str, path: str) -> None:
    """A console route without a console session: sent to the login page, or refused."""
    response = client.open(path, method=method)
    if method == "GET":
        assert response.status_code == 302, (method, path, response.status_code)
        assert response.headers["Location"].endswith("/console/login")
    else:
        assert response.status_code == 400, (method, path, response.status_code)


def _concrete(rule: str) -> str:
    """The rule with every placeholder filled by a plausible value."""
    return re.sub(r"<(?:[^:>]+:)?([^>]+)>", lambda m: "x" if "path" in m.group(0) else "1", rule)


def test_every_route_needs_a_token(app, client):
    checked = 0
    for rule in app.url_map.iter_rules():
        if rule.rule.startswith(PUBLIC_PREFIXES):
            continue
        for method in sorted(rule.methods - {"HEAD", "OPTIONS"}):
            if (method, rule.rule) in PUBLIC | CONSOLE_PUBLIC:
                continue
            if rule.rule.startswith("/console/"):
                _check_console(client, method, _concrete(rule.rule))
                continue
            response = client.open(_concrete(rule.rule), method=method, json={})
            assert response.status_code == 401, (method, rule.rule, response.status_code)
            assert response.get_json()["error"]["code"] == "unauthorized"
            checked += 1
    assert checked > 40  # the API's routes were found


def test_public_routes_answer_without_a_token(client):
    assert client.get("/livez").status_code == 200
    assert client.get("/healthz").status_code == 200
    assert client.get("/readyz").status_code == 200
    assert client.get("/api/v1/openapi.json").status_code == 200
    assert client.post("/api/v1/auth/login", json={}).status_code == 422
