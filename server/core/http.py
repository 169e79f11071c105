"""Response headers every answer carries: no caching of API data, a strict CSP, and friends."""

from __future__ import annotations

from typing import TypeVar

from flask import Flask, Response, request
from pydantic import BaseModel, TypeAdapter

from server.config import current_settings

T = TypeVar("T")

# A year, subdomains included: the common recommendation for an HTTPS-only site.
HSTS = "max-age=31536000; includeSubDomains"


def content_security_policy(tile_origin: str) -> str:
    """A CSP with no inline script; map tiles may come from the configured tile server."""
    tiles = f" {tile_origin}" if tile_origin else ""
    # connect-src names the tile server too: the service worker, which runs under this policy,
    # fetches the tiles it caches, and a worker's fetch() is governed by connect-src. Live
    # updates need no ws:/wss: source: 'self' covers ws and wss to the page's own host and port
    # (CSP Level 3, in Chromium, Firefox and Safari 15.4+), and no other host is reached.
    return "; ".join(
        [
            "default-src 'self'",
            "script-src 'self'",
            "style-src 'self'",
            f"img-src 'self' data: blob:{tiles}",
            f"connect-src 'self'{tiles}",
            "worker-src 'self'",
            "manifest-src 'self'",
            "object-src 'none'",
            "base-uri 'self'",
            "form-action 'self'",
            "frame-ancestors 'none'",
        ]
    )


def install_security_headers(app: Flask, tile_origin: str) -> None:
    """Add the security headers to every response, and no-store to API answers."""
    policy = content_security_policy(tile_origin)

    @app.after_request
    def _secure(response: Response) -> Response:
        headers = response.headers
        headers.setdefault("Content-Security-Policy", policy)
        headers.setdefault("X-Content-Type-Options", "nosniff")
        headers.setdefault("Referrer-Policy", "strict-origin-when-cross-origin")
        headers.setdefault("X-Frame-Options", "DENY")
        headers.setdefault("Cross-Origin-Opener-Policy", "same-origin")
        headers.setdefault("Permissions-Policy", "geolocation=(self), camera=(), microphone=()")
        if request.path.startswith("/api/"):
            headers["Cache-Control"] = "no-store"
        # Secure cookies mean the deployment speaks HTTPS: tell browsers never to try plain HTTP.
        if current_settings().cookie_secure:
            headers.setdefault("Strict-Transport-Security", HSTS)
        return response


def json_response(model: BaseModel, status: int = 200) -> Response:
    """A schema instance as a JSON response (serialised by pydantic-core, the fast path)."""
    return Response(model.model_dump_json(), status=status, mimetype="application/json")


def json_data_response(adapter: TypeAdapter[T], data: T, status: int = 200) -> Response:
    """Plain data (a TypedDict) as a JSON response, serialised by pydantic-core as `adapter`
    says: no model instance per list item, the same JSON a model of the same fields gives."""
    return Response(adapter.dump_json(data), status=status, mimetype="application/json")
