"""The web app's files, the SPA fallback for client-side routes, and the app's public config.

The built app lives in the configured dist folder (`make run` builds it). Hashed assets are
immutable; the shell, the manifest and the service worker are revalidated every time, so a new
version reaches phones on their next visit.
"""

from __future__ import annotations

from pathlib import Path

from flask import Blueprint, Response, jsonify, send_from_directory
from flask.sansio.blueprints import BlueprintSetupState
from werkzeug.routing import PathConverter

from server.config import current_settings

blueprint = Blueprint("web", __name__)

NOT_BUILT = (
    "<!doctype html><title>Waypoint</title><h1>The app is not built yet</h1>"
    "<p>Run <code>make run</code>, which builds it.</p>"
)


class ClientRouteConverter(PathConverter):
    """A client-side route such as `near` or `accounts/<id>`: never a server path
    (`api/…`, `socket.io/…`, `healthz`) and never a file name (no dot in it), so requests for
    those reach their own routes or get the server's own 404/405."""

    regex = r"(?!(?:api|socket\.io|healthz)(?:/|$))[^/.]+(?:/[^/.]+)*"


@blueprint.record_once
def _register_converter(state: BlueprintSetupState) -> None:
    state.app.url_map.converters["client_route"] = ClientRouteConverter


def _dist() -> Path:
    return Path(current_settings().pwa_dist_dir)


def _send(filename: str, cache_control: str, mimetype: str | None = None) -> Response:
    response = send_from_directory(_dist(), filename, mimetype=mimetype, max_age=0)
    response.headers["Cache-Control"] = cache_control
    return response


def _shell() -> Response:
    if not (_dist() / "index.html").is_file():
        return Response(NOT_BUILT, status=503, mimetype="text/html")
    return _send("index.html", "no-cache")


@blueprint.get("/sw.js")
def service_worker() -> Response:
    """The service worker, never cached by HTTP so updates are seen at once."""
    response = _send("sw.js", "no-cache", "text/javascript")
    response.headers["Service-Worker-Allowed"] = "/"
    return response


@blueprint.get("/manifest.webmanifest")
def manifest() -> Response:
    """The web app manifest."""
    return _send("manifest.webmanifest", "no-cache", "application/manifest+json")


@blueprint.get("/assets/<path:filename>")
def asset(filename: str) -> Response:
    """Content-hashed build output: cached for a year."""
    return _send(f"assets/{filename}", "public, max-age=31536000, immutable")


@blueprint.get("/icons/<path:filename>")
def icon(filename: str) -> Response:
    """App icons."""
    return _send(f"icons/{filename}", "public, max-age=86400")


@blueprint.get("/api/v1/config")
def app_config() -> Response:
    """What the app needs before login: the map tile server and its attribution."""
    settings = current_settings()
    return jsonify({"tile_url": settings.tile_url, "tile_attribution": settings.tile_attribution})


@blueprint.get("/")
@blueprint.get("/index.html")
@blueprint.get("/<client_route:route>")
def app_shell(route: str = "") -> Response:
    """The app's shell for `/`, `/index.html` (what the service worker precaches) and every
    client-side route (/near, /accounts/…)."""
    return _shell()
