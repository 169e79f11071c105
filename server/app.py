"""create_app(): wiring only. Extensions, blueprints, socket handlers, errors, CLI."""

from __future__ import annotations

from urllib.parse import urlsplit

from flask import Flask
from werkzeug.middleware.proxy_fix import ProxyFix

from server.config import Settings
from server.core.auth import init_auth
from server.core.concurrency import use_async_mode
from server.core.errors import register_error_handlers
from server.core.http import install_security_headers
from server.core.transaction import unit_of_work
from server.core.validation import MAX_JSON_BYTES, max_content_length_for
from server.extensions import db, migrate, socketio

# Short spatial queries get several times slower with parallel workers on a small machine,
# and JIT compilation costs more than it saves on them.
CONNECTION_OPTIONS = "-c max_parallel_workers_per_gather=0 -c jit=off"


def create_app(settings: Settings | None = None) -> Flask:
    """Build a configured Waypoint app; settings default to the environment's."""
    settings = settings or Settings.from_environment()
    use_async_mode(settings.async_mode)
    app = Flask(__name__, static_folder=None)
    app.config.update(
        WAYPOINT_SETTINGS=settings,
        SECRET_KEY=settings.secret_key,
        SQLALCHEMY_DATABASE_URI=settings.database_url,
        SQLALCHEMY_ENGINE_OPTIONS={
            # No pre-ping: it costs a round trip per request. A connection that died with a
            # database restart fails once (503, Retry-After) and the pool replaces it.
            "pool_pre_ping": False,
            "pool_recycle": 1800,
            "pool_size": settings.db_pool_size,
            "max_overflow": settings.db_max_overflow,
            "pool_timeout": settings.db_pool_timeout_s,
            "connect_args": {"options": CONNECTION_OPTIONS, "connect_timeout": 5},
        },
        # Every body is held to the JSON limit while it is read, chunked or not; an endpoint
        # that takes more (CSV import) raises it for its own requests (allow_body_up_to).
        MAX_CONTENT_LENGTH=max_content_length_for(MAX_JSON_BYTES),
        JSON_SORT_KEYS=False,
    )
    _register_extensions(app, settings)
    _register_blueprints(app)
    register_error_handlers(app)
    install_security_headers(app, _origin(settings.tile_url))
    _register_cli(app)
    _register_jobs(app)
    if settings.trusted_proxy_hops:
        hops = settings.trusted_proxy_hops
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=hops, x_proto=hops, x_host=hops)  # type: ignore[method-assign]
    return app


def _origin(url: str) -> str:
    """The CSP source for a tile URL template: its origin, with `{s}` (the a/b/c subdomains of
    some tile servers) as a wildcard host label."""
    parts = urlsplit(url.replace("{s}", "subdomain"))
    host = parts.netloc.replace("subdomain", "*")
    return f"{parts.scheme}://{host}" if host else ""


def _register_extensions(app: Flask, settings: Settings) -> None:
    from server import models  # noqa: F401  (every table known to metadata and migrations)
    from server.realtime.handshake import origin_check
    from server.realtime.lifecycle import SocketLifecycle
    from server.realtime.message_queue import message_queue
    from server.users.operations import resolve_session, resolve_token

    db.init_app(app)
    migrate.init_app(app, db, directory=_migrations_directory(), compare_type=True)
    # Handlers must be known before init_app: Flask-SocketIO hands its handler list to each new
    # server it makes, but one registered after init_app reaches the current server only.
    import server.realtime.handlers  # noqa: F401  (registers the connect handler)

    # gevent: an open websocket is a greenlet (simple-websocket driven by gevent's own events);
    # threading: a thread each, for the development and test servers.
    socketio.init_app(
        app,
        **message_queue(settings.redis_url),
        async_mode=settings.async_mode,
        # Engine.IO refuses (400) a request whose Origin is neither the app's own nor listed.
        cors_allowed_origins=origin_check(settings.socket_allowed_origins),
    )
    SocketLifecycle(app, socketio.server, settings).install()

    def load_session(secret: str):  # type: ignore[no-untyped-def]
        with unit_of_work():
            return resolve_session(secret)

    init_auth(app, load_session, resolve_token)
    from server.realtime.publisher import install_publisher

    install_publisher()


def _migrations_directory() -> str:
    from pathlib import Path

    return str(Path(__file__).resolve().parent.parent / "migrations")


def _register_blueprints(app: Flask) -> None:
    from server.accounts.api import blueprint as accounts
    from server.campaigns.api import blueprint as campaigns
    from server.contacts.api import blueprint as contacts
    from server.geocoding.api import blueprint as geocoding
    from server.health import blueprint as health
    from server.notes.api import blueprint as notes
    from server.openapi.api import blueprint as openapi
    from server.planning.api import blueprint as planning
    from server.planning.week_api import blueprint as planning_week
    from server.segments.api import blueprint as segments
    from server.sync.api import blueprint as sync
    from server.tasks.api import blueprint as tasks
    from server.team.api import blueprint as team
    from server.territories.api import blueprint as territories
    from server.users.api import blueprint as users
    from server.visits.api import blueprint as visits
    from server.web.api import blueprint as web

    for blueprint in (
        health,
        users,
        accounts,
        visits,
        notes,
        contacts,
        tasks,
        campaigns,
        segments,
        territories,
        team,
        planning,
        planning_week,
        sync,
        geocoding,
        openapi,
        web,
    ):
        app.register_blueprint(blueprint)


def _register_jobs(app: Flask) -> None:
    from server.core.queue import init_queue
    from server.jobs import register

    init_queue(app, register)


def _register_cli(app: Flask) -> None:
    from server.cli import register_commands

    register_commands(app)
