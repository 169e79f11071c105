"""The built web app is served at `/`: shell for client routes, service worker, manifest, assets."""

from __future__ import annotations

import pytest

SHELL = "<!doctype html><title>Waypoint test shell</title>"


@pytest.fixture
def dist(tmp_path):
    """A small stand-in for pwa/dist/ with one file of each kind the build makes."""
    (tmp_path / "assets").mkdir()
    (tmp_path / "icons").mkdir()
    (tmp_path / "index.html").write_text(SHELL)
    (tmp_path / "sw.js").write_text("self.addEventListener('fetch', () => {});")
    (tmp_path / "manifest.webmanifest").write_text('{"name": "Waypoint"}')
    (tmp_path / "assets" / "index-abc123.js").write_text("console.log('app');")
    (tmp_path / "icons" / "icon-192.png").write_bytes(b"\x89PNG\r\n\x1a\n")
    return tmp_path


@pytest.fixture
def web(app_with, dist):
    """The app serving `dist`, on the worker's test database."""
    variant = app_with(pwa_dist_dir=str(dist), tile_url="http://tiles.test/{z}/{x}/{y}.png")
    return variant.test_client()


@pytest.mark.parametrize("path", ["/", "/index.html", "/near", "/map", "/accounts/1b2c/edit"])
def test_shell_answers_every_client_route_without_http_caching(web, path):
    response = web.get(path, buffered=True)

    assert response.status_code == 200
    assert response.get_data(as_text=True) == SHELL
    assert response.headers["Cache-Control"] == "no-cache"


def test_service_worker_is_served_for_the_whole_origin_and_always_revalidated(web):
    response = web.get("/sw.js", buffered=True)

    assert response.status_code == 200
    assert response.mimetype == "text/javascript"
    assert response.headers["Cache-Control"] == "no-cache"
    assert response.headers["Service-Worker-Allowed"] == "/"


def test_manifest_has_its_media_type_and_is_revalidated(web):
    response = web.get("/manifest.webmanifest", buffered=True)

    assert response.mimetype == "application/manifest+json"
    assert response.headers["Cache-Control"] == "no-cache"


def test_hashed_assets_are_cached_for_a_year(web):
    response = web.get("/assets/index-abc123.js", buffered=True)

    assert response.status_code == 200
    assert response.headers["Cache-Control"] == "public, max-age=31536000, immutable"


@pytest.mark.parametrize("path", ["/assets/missing.js", "/icons/none.png", "/favicon.ico"])
def test_missing_files_answer_404_not_the_shell(web, path):
    response = web.get(path, buffered=True)

    assert response.status_code == 404
    assert SHELL not in response.get_data(as_text=True)


@pytest.mark.parametrize(
    ("method", "path", "status", "code"),
    [
        ("GET", "/api/v1/no-such-thing", 404, "not_found"),
        ("POST", "/api/v1/no-such-thing", 404, "not_found"),
        ("GET", "/api/v1/auth/login", 405, "method_not_allowed"),
        ("DELETE", "/api/v1/accounts", 405, "method_not_allowed"),
        ("GET", "/api/v1", 404, "not_found"),
        ("POST", "/near", 405, "method_not_allowed"),
    ],
)
def test_server_paths_never_fall_back_to_the_shell(web, method, path, status, code):
    """Unknown API paths and wrong methods get the API's own JSON answer, not the app."""
    response = web.open(path, method=method, buffered=True)

    assert response.status_code == status
    assert response.json["error"]["code"] == code


def test_config_gives_the_tile_server_before_login(web):
    response = web.get("/api/v1/config", buffered=True)

    assert response.status_code == 200
    assert response.json["tile_url"] == "http://tiles.test/{z}/{x}/{y}.png"
    assert response.json["tile_attribution"]


def test_shell_says_how_to_build_when_the_app_is_not_built(app_with, tmp_path):
    response = (
        app_with(pwa_dist_dir=str(tmp_path / "absent")).test_client().get("/near", buffered=True)
    )

    assert response.status_code == 503
    assert "make run" in response.get_data(as_text=True)
