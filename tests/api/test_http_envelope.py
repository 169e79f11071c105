"""Headers and error shapes every client meets, whatever the endpoint."""

from __future__ import annotations


def test_api_answers_are_not_cached_and_carry_security_headers(client):
    """no-store on API answers; CSP without inline script; nosniff; a referrer policy."""
    response = client.get("/api/v1/auth/me")

    assert response.headers["Cache-Control"] == "no-store"
    csp = response.headers["Content-Security-Policy"]
    script_src = next(part for part in csp.split(";") if part.strip().startswith("script-src"))
    assert "'unsafe-inline'" not in script_src
    assert "frame-ancestors 'none'" in csp
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert response.headers["Referrer-Policy"]


def test_unknown_api_path_is_a_json_404(client):
    """Typos in paths get the envelope, not an HTML page."""
    response = client.get("/api/v1/no-such-thing")

    assert response.status_code == 404
    assert response.json["error"]["code"] == "not_found"


def test_wrong_method_is_a_json_405_with_allow(client):
    """PUT where only GET/PATCH/DELETE exist: 405 with Allow."""
    response = client.client.put("/api/v1/auth/me")

    assert response.status_code == 405
    assert response.json["error"]["code"] == "method_not_allowed"
    assert "GET" in response.headers["Allow"]


def test_oversized_json_body_is_a_413(make_org, make_user, logged_in):
    """A body over the JSON limit is refused before parsing."""
    api = logged_in(make_user(make_org(), role="admin"))

    response = api.post(
        "/api/v1/accounts",
        data='{"name": "' + "x" * 1_100_000 + '"}',
        content_type="application/json",
    )

    assert response.status_code == 413
    assert response.json["error"]["code"] == "too_large"
