"""What a Socket.IO handshake is judged by before anything is kept for it: the page it comes
from (`Origin`) and the client address it counts against.

Both read the request as the app sees it: with TRUSTED_PROXY_HOPS set, ProxyFix has already put
the forwarded host, scheme and client address in place; without it, forwarded headers are
ignored, so a client cannot choose its origin's host or its address.
"""

from __future__ import annotations

import ipaddress
from collections.abc import Callable
from typing import Any

from werkzeug.wsgi import get_host

from server.core.auth import same_origin

OriginCheck = Callable[[str | None, dict[str, Any]], bool]


def origin_check(allowed: tuple[str, ...]) -> OriginCheck:
    """Engine.IO's `cors_allowed_origins` callable: a request may come from the app's own origin
    (the host it was sent to) or from one of `allowed` (lower-case origins).

    A request without `Origin` passes: browsers send it on every WebSocket handshake and every
    cross-origin request, so only a same-origin page or a program that is no browser (an
    integration with an API token) leaves it out, and the credential check still applies.
    `null` (sandboxed frames, opaque redirects) is never ours."""

    def accept(origin: str | None, environ: dict[str, Any]) -> bool:
        if origin is None:
            return True
        if origin.lower().rstrip("/") in allowed:
            return True
        return same_origin(origin, get_host(environ))

    return accept


def client_address(environ: dict[str, Any]) -> str:
    """The address a socket counts against: the client's IPv4 address, or the /64 network of
    its IPv6 address (one subscriber is usually given a whole /64, so counting single IPv6
    addresses would let one client take as many places as it likes)."""
    raw = str(environ.get("REMOTE_ADDR") or "")
    try:
        address = ipaddress.ip_address(raw)
    except ValueError:
        return raw[:64] or "unknown"
    if isinstance(address, ipaddress.IPv6Address):
        if address.ipv4_mapped is not None:
            return str(address.ipv4_mapped)
        return str(ipaddress.IPv6Network((address, 64), strict=False))
    return str(address)
