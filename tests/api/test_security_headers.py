"""Headers every answer carries, and the error envelope for paths, methods and sizes."""

from __future__ import annotations

from urllib.parse import urlsplit

import pytest

from server.core.validation import MAX_JSON_BYTES

# One path per kind of answer: API data, API errors, the app's shell, and plain pages.
EVERY_KIND = ["/api/v1/auth/me", "/api/v1/config", "/api/v1/no-such-thing", "/", "/healthz"]


@pytest.fixture
def admin_api(make_org, make_user, logged_in):
    return logged_in(make_user(make_org(), role="admin"))


def _directives(policy):
    """A CSP as {"script-src": ["'self'"], ...}."""
    parsed = {}
    for directive in policy.split(";"):
        name, *values = directive.split()
        parsed[name] = values
    return parsed


@pytest.mark.parametrize("path", EVERY_KIND)
def test_content_security_policy_allows_no_inline_script_when_any_path_answers(client, path):
    """CSP: scripts from our origin only, no inline or eval, no plugins, no framing."""
    policy = _directives(client.get(path, buffered=True).headers["Content-Security-Policy"])

    assert policy["script-src"] == ["'self'"]
    assert policy["object-src"] == ["'none'"]
    assert policy["frame-ancestors"] == ["'none'"]
    assert policy["base-uri"] == ["'self'"]
    assert not any("unsafe" in value for values in policy.values() for value in values)


@pytest.mark.parametrize("path", EVERY_KIND)
def test_connections_reach_only_our_origin_and_the_tile_server_when_any_path_answers(
    client, settings, path
):
    """connect-src: no websocket (ws:, wss:) or fetch to any other host; 'self' covers our own
    websocket, and the tile server is named for the service worker's tile cache."""
    policy = _directives(client.get(path, buffered=True).headers["Content-Security-Policy"])

    assert policy["connect-src"] == ["'self'", _tile_origin(settings.tile_url)]


def _tile_origin(url):
    parts = urlsplit(url)
    return f"{parts.scheme}://{parts.netloc}"


@pytest.mark.parametrize("path", EVERY_KIND)
def test_content_type_sniffing_and_referrers_are_limited_when_any_path_answers(client, path):
    """X-Content-Type-Options: nosniff and a Referrer-Policy that keeps paths on this site."""
    headers = client.get(path, buffered=True).headers

    assert headers["X-Content-Type-Options"] == "nosniff"
    assert headers["Referrer-Policy"] in {"strict-origin-when-cross-origin", "no-referrer"}


def test_browsers_are_told_to_use_https_only_when_deployed_behind_https(secure_app):
    """Strict-Transport-Security goes with secure cookies."""
    response = secure_app.test_client().get("/api/v1/auth/me")

    assert response.headers["Strict-Transport-Security"].startswith("max-age=31536000")


def test_no_hsts_is_sent_when_in_plain_http_development(client):
    """A local plain-HTTP server does not claim to be HTTPS-only."""
    response = client.get("/api/v1/auth/me")

    assert "Strict-Transport-Security" not in response.headers


def test_api_data_is_not_cached_when_a_logged_in_user_reads_it(admin_api):
    """Cache-Control: no-store keeps organisation data out of shared and browser caches."""
    response = admin_api.get("/api/v1/users")

    assert response.status_code == 200
    assert response.headers["Cache-Control"] == "no-store"


@pytest.mark.parametrize(
    ("method", "path"),
    [("get", "/api/v1/auth/me"), ("get", "/api/v1/no-such-thing"), ("delete", "/api/v1/users")],
)
def test_api_errors_are_not_cached_when_the_request_fails(client, method, path):
    """Error answers are no-store too."""
    response = getattr(client.client, method)(path)

    assert response.status_code >= 400
    assert response.headers["Cache-Control"] == "no-store"


@pytest.mark.parametrize(
    "path", ["/api/v1/no-such-thing", "/api/v1/users/not-a-uuid", "/api/v2/users"]
)
def test_unknown_api_path_answers_a_json_404_when_requested(client, path):
    """Typos in API paths get the envelope, not an HTML page."""
    response = client.get(path)

    assert response.status_code == 404
    assert response.is_json
    assert response.json["error"]["code"] == "not_found"
    assert response.json["error"]["fields"] == {}


@pytest.mark.parametrize(
    ("method", "path", "allowed"),
    [
        ("put", "/api/v1/auth/me", "GET"),
        ("delete", "/api/v1/users", "POST"),
        ("post", "/api/v1/users/00000000-0000-0000-0000-000000000000", "PATCH"),
    ],
)
def test_wrong_method_answers_a_json_405_with_allow_when_the_path_exists(
    client, method, path, allowed
):
    """405 with the envelope and an Allow header naming the methods that exist."""
    response = getattr(client.client, method)(path)

    assert response.status_code == 405
    assert response.json["error"]["code"] == "method_not_allowed"
    assert allowed in response.headers["Allow"]


def test_oversized_login_body_answers_413_when_not_logged_in(client):
    """Even before login, a body over the JSON limit is refused without being parsed."""
    body = '{"email": "a@example.com", "password": "' + "x" * MAX_JSON_BYTES + '"}'

    response = client.client.post("/api/v1/auth/login", data=body, content_type="application/json")

    assert response.status_code == 413
    assert response.json["error"]["code"] == "too_large"


def test_oversized_user_body_answers_413_when_over_the_json_limit(admin_api):
    """POST /users with a body over the JSON limit gets the envelope."""
    body = '{"name": "' + "x" * MAX_JSON_BYTES + '"}'

    response = admin_api.post("/api/v1/users", data=body, content_type="application/json")

    assert response.status_code == 413
    assert response.json["error"]["code"] == "too_large"


def test_map_tiles_may_load_from_the_configured_tile_server_when_any_path_answers(
    client, fake_tiles
):
    """img-src names the TILE_URL's origin (and only ours besides), so the map can show tiles."""
    policy = _directives(client.get("/", buffered=True).headers["Content-Security-Policy"])

    assert fake_tiles.origin in policy["img-src"]
    assert "*" not in policy["img-src"]
    assert policy["default-src"] == ["'self'"]


def test_tile_origin_follows_the_tile_url_when_another_tile_server_is_configured(app_with):
    """A deployment's own tile server is what img-src allows, not OpenStreetMap's."""
    variant = app_with(tile_url="https://tiles.example.org:8443/v1/{z}/{x}/{y}.png")

    policy = _directives(
        variant.test_client().get("/api/v1/config").headers["Content-Security-Policy"]
    )

    assert "https://tiles.example.org:8443" in policy["img-src"]
    assert "https://tile.openstreetmap.org" not in policy["img-src"]


def test_tile_subdomain_placeholder_allows_every_subdomain_when_the_url_has_one(app_with):
    """`{s}` in TILE_URL stands for a, b, c…: the policy allows any subdomain there."""
    variant = app_with(tile_url="https://{s}.tiles.example.org/{z}/{x}/{y}.png")

    policy = _directives(
        variant.test_client().get("/api/v1/config").headers["Content-Security-Policy"]
    )

    assert "https://*.tiles.example.org" in policy["img-src"]
    assert "https://*.tiles.example.org" in policy["connect-src"]


def test_service_worker_may_fetch_tiles_from_the_tile_server_when_it_caches_them(
    client, fake_tiles
):
    """The worker runs under the CSP of /sw.js; its fetch() of a tile is a connect-src request."""
    policy = _directives(client.get("/sw.js", buffered=True).headers["Content-Security-Policy"])

    assert fake_tiles.origin in policy["connect-src"]
    assert "*" not in policy["connect-src"]
