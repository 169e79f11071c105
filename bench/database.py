"""The benchmark's own database: created, migrated, given an organisation, refilled, dropped."""

from __future__ import annotations

import time
import uuid
from dataclasses import dataclass

import psycopg
from flask import Flask
from flask_migrate import upgrade
from sqlalchemy.engine import make_url

from bench.progress import progress
from server import create_app
from server.config import Settings
from server.core.auth import SystemPrincipal
from server.core.transaction import unit_of_work
from server.extensions import db
from server.orgs.operations import create_organisation
from server.users.operations import create_api_token, create_first_admin
from server.users.schemas import ApiTokenCreate
from tests.support.bulk import fill_accounts
from tests.support.database import drop_database, libpq, recreate_database

# A throwaway database on loopback, dropped at the end.
SECRET_KEY = "bench-secret-key"  # noqa: S105
PASSWORD = "bench pass phrase 7"  # noqa: S105


@dataclass(frozen=True)
class BenchDatabase:
    """The bench database's URL, an app bound to it, and the organisation the rows belong to."""

    url: str
    app: Flask
    org_id: uuid.UUID
    token: str


def bench_database_url(suffix: str = "_bench") -> str:
    """DATABASE_URL with `suffix` appended to the database name."""
    url = make_url(Settings.from_environment().database_url)
    return url.set(database=f"{url.database}{suffix}").render_as_string(hide_password=False)


# One spelling of "this URL, for psycopg", shared with the tests.
libpq_url = libpq


def create_bench_database(suffix: str = "_bench") -> BenchDatabase:
    """(Re)create and migrate the bench database; an organisation, its admin and an API token."""
    url = bench_database_url(suffix)
    recreate_database(url)
    settings = Settings.from_environment().replace(
        database_url=url, secret_key=SECRET_KEY, redis_url=None
    )
    app = create_app(settings)
    try:
        with app.app_context():
            upgrade()
            with unit_of_work():
                org = create_organisation("Bench")
                admin = create_first_admin(org.id, "bench@example.com", "Bench", PASSWORD)
                principal = SystemPrincipal(id=admin.id, org_id=org.id)
                request = ApiTokenCreate(name="bench", user_id=admin.id)
                _, token = create_api_token(principal, request)
    except BaseException:
        _drop(app, url)
        raise
    return BenchDatabase(url=url, app=app, org_id=org.id, token=token)


def drop_bench_database(bench: BenchDatabase) -> None:
    """Close the app's connections and drop the database."""
    _drop(bench.app, bench.url)


def _drop(app: Flask, url: str) -> None:
    with app.app_context():
        db.engine.dispose()
    drop_database(url)


def refill(bench: BenchDatabase, size: int) -> dict[str, float]:
    """Replace every account by `size` new ones spread over the city; seconds per step."""
    with psycopg.connect(libpq_url(bench.url), autocommit=True) as connection:
        connection.execute("TRUNCATE accounts CASCADE")
        started = time.perf_counter()
        with progress(f"filling {size:,} accounts"), connection.cursor() as cursor:
            fill_accounts(cursor, bench.org_id, size)
        filled = time.perf_counter()
        with progress("VACUUM ANALYZE accounts"):
            connection.execute("VACUUM ANALYZE accounts")
        analysed = time.perf_counter()
    return {"fill_s": filled - started, "vacuum_analyze_s": analysed - filled}
