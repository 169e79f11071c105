"""Typed settings, read once from the environment.

Names in the public contract (DATABASE_URL, REDIS_URL, SECRET_KEY, HOST, PORT, GEOCODER_URL,
ROUTING_URL, TILE_URL) are spelled exactly as documented; the rest are Waypoint's own.
"""

from __future__ import annotations

import os
import secrets
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

DEFAULT_DATABASE_URL = "postgresql+psycopg://postgres@127.0.0.1:5432/waypoint"
PUBLIC_NOMINATIM = "https://nominatim.openstreetmap.org"


def _env_int(name: str, default: int) -> int:
    raw = os.environ.get(name)
    return int(raw) if raw else default


def _env_float(name: str, default: float) -> float:
    raw = os.environ.get(name)
    return float(raw) if raw else default


def _env_bool(name: str, default: bool) -> bool:
    raw = os.environ.get(name)
    if raw is None or raw == "":
        return default
    return raw.strip().lower() in {"1", "true", "yes", "on"}


def parse_origins(raw: str) -> tuple[str, ...]:
    """A comma-separated list of web origins (`https://crm.example.com`), lower-cased; anything
    that is not scheme://host[:port] with a scheme of http or https is refused at start-up."""
    origins = []
    for item in raw.split(","):
        origin = item.strip().lower().rstrip("/")
        if not origin:
            continue
        if not _is_web_origin(origin):
            raise ValueError(f"not a web origin (scheme://host[:port]): {item.strip()!r}")
        origins.append(origin)
    return tuple(origins)


def _is_web_origin(text: str) -> bool:
    parts = urlsplit(text)
    try:
        parts.port  # noqa: B018  (a port that is not a number raises here)
    except ValueError:
        return False
    extras = parts.path or parts.query or parts.fragment or parts.username is not None
    return parts.scheme in {"http", "https"} and bool(parts.hostname) and not extras


def normalise_database_url(url: str) -> str:
    """Point plain postgres URLs at the psycopg 3 driver SQLAlchemy should use."""
    for prefix in ("postgres://", "postgresql://"):
        if url.startswith(prefix):
            return "postgresql+psycopg://" + url[len(prefix) :]
    return url


@dataclass(frozen=True)
class Settings:
    """Everything the app reads from its environment."""

    database_url: str = DEFAULT_DATABASE_URL
    redis_url: str | None = None
    secret_key: str = field(default_factory=lambda: secrets.token_hex(32))
    host: str = "127.0.0.1"
    port: int = 8000
    environment: str = "development"
    geocoder_url: str = PUBLIC_NOMINATIM
    geocoder_user_agent: str = "waypoint-crm/0.1 (self-hosted)"
    geocoder_timeout_s: float = 5.0
    geocoder_min_interval_s: float = 1.0
    # A reverse lookup that would wait longer than this for its turn is refused at once (503).
    geocoder_max_wait_s: float = 3.0
    routing_url: str | None = None
    # The longest a plan waits for the routing service's answer before it plans on geodesic
    # figures instead.
    routing_timeout_s: float = 3.0
    tile_url: str = "https://tile.openstreetmap.org/{z}/{x}/{y}.png"
    tile_attribution: str = "&copy; OpenStreetMap contributors"
    session_idle_timeout_s: int = 8 * 3600
    session_absolute_lifetime_s: int = 14 * 24 * 3600
    # Login attempts a minute: per account and address pair, then per account and per address.
    login_failures_per_minute: int = 5
    login_failures_per_account_per_minute: int = 50
    login_failures_per_address_per_minute: int = 50
    checksums_per_minute: int = 10
    cookie_secure: bool = False
    # How the process runs concurrent work (server/core/concurrency.py): "threading" (the
    # development server, tests, CLI) or "gevent" (gunicorn.conf.py sets it for its workers).
    async_mode: str = "threading"
    # Database connections per process: the pool holds db_pool_size and opens up to
    # db_max_overflow more under load; a request that finds none free within db_pool_timeout_s
    # answers 503. Under gevent this, not a thread count, bounds the queries run at once.
    db_pool_size: int = 10
    db_max_overflow: int = 10
    db_pool_timeout_s: int = 10
    # The body of a CSV import (up to 5 MB of CSV, in a multipart form); every other body is
    # held to core.validation.MAX_JSON_BYTES.
    max_request_bytes: int = 6 * 1024 * 1024
    clusters_above: int = 500
    # A territory change concerning more accounts than this (a bounding-box estimate) has them
    # re-assigned by a background job, with progress on the territory, instead of in the request.
    territory_assign_in_request_max: int = 5_000
    # Reverse proxies in front of the app whose X-Forwarded-For/-Proto/-Host are believed (0: none,
    # so a client cannot pick the address the login throttle sees).
    trusted_proxy_hops: int = 0
    # Web origins besides the app's own whose pages may open a Socket.IO connection.
    socket_allowed_origins: tuple[str, ...] = ()
    # Live sockets at once: per user (a phone, a tablet and a laptop with a few tabs each), and
    # per client address (an office behind one NAT address; an IPv6 address counts by its /64).
    sockets_per_user: int = 10
    sockets_per_address: int = 500
    # A new Engine.IO connection must finish an authenticated Socket.IO connect within this.
    socket_connect_timeout_s: float = 5.0
    # How long a socket's place in the shared counts (Redis) outlives a process that stopped
    # renewing it (a process that died); live processes renew theirs every third of it.
    socket_lease_s: float = 60.0
    # Whether webhook deliveries may go to loopback, private, link-local and other non-global
    # addresses (a receiver on the same machine, tests); off, a user-given URL cannot reach
    # what only the server can.
    webhook_allow_private_targets: bool = False
    pwa_dist_dir: str = str(Path(__file__).resolve().parent.parent / "pwa" / "dist")

    @classmethod
    def from_environment(cls) -> Settings:
        """Read the settings from os.environ, with development defaults."""
        environment = os.environ.get("WAYPOINT_ENV", "development")
        public_geocoder = os.environ.get("GEOCODER_URL", PUBLIC_NOMINATIM) == PUBLIC_NOMINATIM
        pair_failures = _env_int("LOGIN_FAILURES_PER_MINUTE", 5)
        return cls(
            database_url=normalise_database_url(
                os.environ.get("DATABASE_URL", DEFAULT_DATABASE_URL)
            ),
            redis_url=os.environ.get("REDIS_URL") or None,
            secret_key=os.environ.get("SECRET_KEY") or secrets.token_hex(32),
            host=os.environ.get("HOST", "127.0.0.1"),
            port=_env_int("PORT", 8000),
            environment=environment,
            geocoder_url=os.environ.get("GEOCODER_URL", PUBLIC_NOMINATIM),
            geocoder_user_agent=os.environ.get(
                "GEOCODER_USER_AGENT", "waypoint-crm/0.1 (self-hosted)"
            ),
            geocoder_timeout_s=_env_float("GEOCODER_TIMEOUT_S", 5.0),
            # The public Nominatim service allows at most one request a second.
            geocoder_min_interval_s=_env_float(
                "GEOCODER_MIN_INTERVAL_S", 1.0 if public_geocoder else 0.0
            ),
            geocoder_max_wait_s=_env_float("GEOCODER_MAX_WAIT_S", 3.0),
            routing_url=os.environ.get("ROUTING_URL") or None,
            routing_timeout_s=_env_float("ROUTING_TIMEOUT_S", 3.0),
            tile_url=os.environ.get("TILE_URL", "https://tile.openstreetmap.org/{z}/{x}/{y}.png"),
            tile_attribution=os.environ.get(
                "TILE_ATTRIBUTION", "&copy; OpenStreetMap contributors"
            ),
            session_idle_timeout_s=_env_int("SESSION_IDLE_TIMEOUT_S", 8 * 3600),
            session_absolute_lifetime_s=_env_int("SESSION_ABSOLUTE_LIFETIME_S", 14 * 24 * 3600),
            login_failures_per_minute=pair_failures,
            login_failures_per_account_per_minute=_env_int(
                "LOGIN_FAILURES_PER_ACCOUNT_PER_MINUTE", 10 * pair_failures
            ),
            login_failures_per_address_per_minute=_env_int(
                "LOGIN_FAILURES_PER_ADDRESS_PER_MINUTE", 10 * pair_failures
            ),
            checksums_per_minute=_env_int("CHECKSUMS_PER_MINUTE", 10),
            territory_assign_in_request_max=_env_int("TERRITORY_ASSIGN_IN_REQUEST_MAX", 5_000),
            cookie_secure=_env_bool("COOKIE_SECURE", environment != "development"),
            async_mode=os.environ.get("WAYPOINT_ASYNC_MODE") or "threading",
            db_pool_size=_env_int("DB_POOL_SIZE", 10),
            db_max_overflow=_env_int("DB_MAX_OVERFLOW", 10),
            db_pool_timeout_s=_env_int("DB_POOL_TIMEOUT_S", 10),
            trusted_proxy_hops=_env_int("TRUSTED_PROXY_HOPS", 0),
            socket_allowed_origins=parse_origins(os.environ.get("SOCKET_ALLOWED_ORIGINS", "")),
            sockets_per_user=_env_int("SOCKETS_PER_USER", 10),
            sockets_per_address=_env_int("SOCKETS_PER_ADDRESS", 500),
            socket_connect_timeout_s=_env_float("SOCKET_CONNECT_TIMEOUT_S", 5.0),
            socket_lease_s=_env_float("SOCKET_LEASE_S", 60.0),
            webhook_allow_private_targets=_env_bool("WEBHOOK_ALLOW_PRIVATE_TARGETS", False),
            pwa_dist_dir=os.environ.get("PWA_DIST_DIR") or cls.pwa_dist_dir,
        )

    def replace(self, **changes: Any) -> Settings:
        """A copy with some fields changed (tests use it to point at fake services)."""
        return Settings(**{**asdict(self), **changes})


def current_settings() -> Settings:
    """The settings of the app handling the current request or CLI command."""
    from flask import current_app

    settings: Settings = current_app.config["WAYPOINT_SETTINGS"]
    return settings
