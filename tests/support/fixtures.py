"""The app on a real PostGIS database, a clean slate per test, clients and row factories."""

from __future__ import annotations

import itertools
import uuid
from collections.abc import Callable, Iterator
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient
from flask_migrate import upgrade
from psycopg.errors import DeadlockDetected
from sqlalchemy import text
from sqlalchemy.exc import OperationalError
from werkzeug.test import TestResponse

from server import create_app
from server.accounts.models import Account
from server.config import Settings
from server.core.clock import now_utc
from server.core.queue import close_queue
from server.core.transaction import unit_of_work
from server.extensions import db
from server.geo.geojson import Point
from server.geo.queries import point_to_store
from server.orgs.models import Organisation
from server.users.models import User
from server.users.passwords import hash_password
from tests.support.database import (
    drop_abandoned_databases,
    drop_database,
    recreate_database,
    worker_database_url,
)
from tests.support.fake_nominatim import FakeNominatim
from tests.support.fake_tiles import FakeTileServer

PASSWORD = "a long test password 42"
_counter = itertools.count(1)
# The job queue's tables (procrastinate's, not in the models' metadata), emptied between tests.
JOB_TABLES = [
    "procrastinate_events",
    "procrastinate_periodic_defers",
    "procrastinate_jobs",
    "procrastinate_workers",
]
# Where the `shop` fixture's account stands (lng, lat).
SHOP = (26.1025, 44.4268)


@pytest.fixture(scope="session")
def database_url(worker_id: str) -> Iterator[str]:
    """This worker's freshly created test database."""
    url = worker_database_url(worker_id)
    drop_abandoned_databases(url)
    recreate_database(url)
    yield url
    drop_database(url)


@pytest.fixture(scope="session")
def fake_geocoder() -> Iterator[FakeNominatim]:
    """The local Nominatim stand-in the app's real geopy client talks to."""
    fake = FakeNominatim().start()
    yield fake
    fake.stop()


@pytest.fixture(scope="session")
def fake_tiles() -> Iterator[FakeTileServer]:
    """The local map tile server the app's TILE_URL points at: no test fetches real tiles."""
    fake = FakeTileServer().start()
    yield fake
    fake.stop()


@pytest.fixture(scope="session")
def settings(
    database_url: str, fake_geocoder: FakeNominatim, fake_tiles: FakeTileServer
) -> Settings:
    """Settings for tests: the worker's database, the fake geocoder and tile server, no request
    spacing."""
    return Settings.from_environment().replace(
        database_url=database_url,
        secret_key="test-secret-key",
        geocoder_url=fake_geocoder.url,
        geocoder_min_interval_s=0.0,
        geocoder_timeout_s=2.0,
        tile_url=fake_tiles.url_template,
        redis_url=None,
        # The webhook receivers of the tests listen on loopback.
        webhook_allow_private_targets=True,
    )


@pytest.fixture(scope="session")
def migrated_app(settings: Settings) -> Iterator[Flask]:
    """One app per worker; the real migrations build its schema. Its pool is closed at the end
    (a pooled connection left for the interpreter to collect fails the run with a warning)."""
    app = create_app(settings)
    app.config["TESTING"] = True
    with app.app_context():
        upgrade()
    yield app
    close_queue(app)
    with app.app_context():
        db.engine.dispose()


@pytest.fixture(scope="session")
def table_names(migrated_app: Flask) -> list[str]:
    """Every application table and the job queue's, for wiping between tests."""
    return [table.name for table in db.metadata.sorted_tables] + JOB_TABLES


@pytest.fixture
def app(migrated_app: Flask, table_names: list[str], fake_geocoder: FakeNominatim) -> Flask:
    """The app with empty tables and a fresh fake geocoder."""
    return emptied_app(migrated_app, table_names, fake_geocoder)


def emptied_app(migrated_app: Flask, table_names: list[str], fake_geocoder: FakeNominatim) -> Flask:
    """Empty every table and start the geocoder afresh: the `app` fixture, and the start of a
    fixture of wider scope that sets data up once for a module's readers."""
    with migrated_app.app_context():
        _empty_tables(table_names)
    migrated_app.extensions.pop("waypoint_geocoder", None)
    fake_geocoder.reset()
    return migrated_app


# A request of the previous test may still be running when the next one starts (a browser's
# pull that records the device's sync time writes sync_clients and locks the rows its foreign
# keys name): TRUNCATE then takes its locks against it, and PostgreSQL may pick TRUNCATE as the
# deadlock's victim. The other transaction finishes once TRUNCATE gives way; try again.
TRUNCATE_ATTEMPTS = 5


def _empty_tables(table_names: list[str]) -> None:
    statement = text(f"TRUNCATE {', '.join(table_names)} RESTART IDENTITY CASCADE")
    for attempt in range(1, TRUNCATE_ATTEMPTS + 1):
        try:
            db.session.execute(statement)
            db.session.commit()
            return
        except OperationalError as error:
            db.session.rollback()
            if not isinstance(error.orig, DeadlockDetected) or attempt == TRUNCATE_ATTEMPTS:
                raise
        finally:
            db.session.remove()


class ApiClient:
    """A test client that remembers the CSRF token of its session and sends it on writes."""

    def __init__(self, client: FlaskClient) -> None:
        self.client = client
        self.csrf_token: str | None = None

    def login(self, email: str, password: str = PASSWORD) -> TestResponse:
        """Log in and keep the CSRF token."""
        response = self.client.post(
            "/api/v1/auth/login", json={"email": email, "password": password}
        )
        if response.status_code == 200:
            self.csrf_token = response.json["csrf_token"]  # type: ignore[index]
        return response

    def _headers(self, headers: dict[str, str] | None) -> dict[str, str]:
        merged = {"X-CSRF-Token": self.csrf_token} if self.csrf_token else {}
        merged.update(headers or {})
        return merged

    def get(self, path: str, **kwargs: Any) -> TestResponse:
        return self.client.get(path, **kwargs)

    def post(self, path: str, headers: dict[str, str] | None = None, **kwargs: Any) -> TestResponse:
        return self.client.post(path, headers=self._headers(headers), **kwargs)

    def patch(
        self, path: str, headers: dict[str, str] | None = None, **kwargs: Any
    ) -> TestResponse:
        return self.client.patch(path, headers=self._headers(headers), **kwargs)

    def delete(
        self, path: str, headers: dict[str, str] | None = None, **kwargs: Any
    ) -> TestResponse:
        return self.client.delete(path, headers=self._headers(headers), **kwargs)


@pytest.fixture
def app_with(app: Flask, settings: Settings) -> Iterator[Callable[..., Flask]]:
    """Build variants of the app with some settings changed, on the same test database; their
    connection pools are closed afterwards."""
    made: list[Flask] = []
    # Flask-SocketIO keeps one server per process, replaced by each app built: the variants'
    # go away with them, so the session's app (and its live server) keeps its own afterwards.
    from server.extensions import socketio

    server = socketio.server

    def make(**changes: Any) -> Flask:
        variant = create_app(settings.replace(**changes))
        variant.config["TESTING"] = True
        made.append(variant)
        return variant

    yield make
    socketio.server = server
    for variant in made:
        close_queue(variant)
        with variant.app_context():
            db.engine.dispose()


@pytest.fixture
def secure_app(app_with: Callable[..., Flask]) -> Flask:
    """The app as deployed behind HTTPS: cookies carry Secure."""
    return app_with(cookie_secure=True)


@pytest.fixture
def client(app: Flask) -> ApiClient:
    """An anonymous API client."""
    return ApiClient(app.test_client())


@pytest.fixture
def new_client(app: Flask) -> Callable[[], ApiClient]:
    """Make more clients, each with its own cookie jar."""
    return lambda: ApiClient(app.test_client())


@pytest.fixture(scope="session")
def password_hash() -> str:
    """One argon2id hash of PASSWORD, shared so tests don't pay for hashing per user."""
    return hash_password(PASSWORD)


@pytest.fixture
def make_org(app: Flask) -> Callable[..., Organisation]:
    """Create an organisation."""

    def make(name: str | None = None) -> Organisation:
        with app.app_context(), unit_of_work():
            org = Organisation(id=uuid.uuid4(), name=name or f"Org {next(_counter)}")
            db.session.add(org)
        return org

    return make


@pytest.fixture
def org(make_org: Callable[..., Organisation]) -> Organisation:
    """An organisation for the test."""
    return make_org()


@pytest.fixture
def make_user(app: Flask, password_hash: str) -> Callable[..., User]:
    """Create a user (a rep unless told otherwise) whose password is PASSWORD."""

    def make(org: Organisation, role: str = "rep", **fields: Any) -> User:
        number = next(_counter)
        values = {
            "id": uuid.uuid4(),
            "org_id": org.id,
            "email": f"user{number}@example.com",
            "name": f"User {number}",
            "role": role,
            "password_hash": password_hash,
            "is_active": True,
            "version": 1,
        } | fields
        with app.app_context(), unit_of_work():
            user = User(**values)
            db.session.add(user)
        return user

    return make


@pytest.fixture
def rep(org: Organisation, make_user: Callable[..., User]) -> User:
    """A rep of `org`."""
    return make_user(org)


@pytest.fixture
def make_account(app: Flask) -> Callable[..., uuid.UUID]:
    """Create an account at (lng, lat) (or without a location) and return its id."""

    def make(
        org: Organisation, lng: float | None = None, lat: float | None = None, **fields: Any
    ) -> uuid.UUID:
        now = now_utc()
        location = None if lng is None or lat is None else point_to_store(Point.at(lng, lat))
        values = {
            "id": uuid.uuid4(),
            "org_id": org.id,
            "kind": "customer",
            "name": f"Account {next(_counter)}",
            "location": location,
            "geocode_status": "manual" if location is not None else "failed",
            "status": "active",
            "tags": [],
            "custom": {},
            "created_at": now,
            "updated_at": now,
            "version": 1,
        } | fields
        with app.app_context(), unit_of_work():
            db.session.add(Account(**values))
        return values["id"]

    return make


@pytest.fixture
def logged_in(new_client: Callable[[], ApiClient]) -> Callable[[User], ApiClient]:
    """A client logged in as `user`."""

    def login(user: User) -> ApiClient:
        api = new_client()
        response = api.login(user.email)
        assert response.status_code == 200, response.json
        return api

    return login


@pytest.fixture
def shop(org: Organisation, rep: User, make_account: Callable[..., uuid.UUID]) -> uuid.UUID:
    """An account of `rep` at SHOP."""
    return make_account(org, *SHOP, owner_id=rep.id)


@pytest.fixture
def rep_api(rep: User, logged_in: Callable[[User], ApiClient]) -> ApiClient:
    """`rep`, logged in."""
    return logged_in(rep)


class Realtime:
    """Socket.IO in tests. The process has one Socket.IO server, bound to the app built last, so
    realtime tests use an app of their own built just for them, and log in through it."""

    def __init__(self, app: Flask) -> None:
        self.app = app

    def login(self, user: User) -> ApiClient:
        """An API client of this app, logged in as `user`."""
        api = ApiClient(self.app.test_client())
        response = api.login(user.email)
        assert response.status_code == 200, response.json
        return api

    def socket(self, api: ApiClient | None = None) -> Any:
        """A Socket.IO test connection carrying `api`'s session cookie (none: anonymous)."""
        from server.extensions import socketio

        client = api.client if api is not None else None
        return socketio.test_client(self.app, flask_test_client=client)


@pytest.fixture
def realtime(app_with: Callable[..., Flask]) -> Realtime:
    """Socket.IO connections and logins on an app the Socket.IO server is bound to."""
    return Realtime(app_with())
