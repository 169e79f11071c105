"""One PostGIS database per pytest-xdist worker, migrated with the real migrations every run."""

from __future__ import annotations

import os

import psycopg
from psycopg import sql
from sqlalchemy.engine import make_url

from server.config import DEFAULT_DATABASE_URL, normalise_database_url


def server_url() -> str:
    """The database URL `make test` found or made; its server hosts the test databases."""
    return normalise_database_url(os.environ.get("DATABASE_URL", DEFAULT_DATABASE_URL))


def worker_database_url(worker: str) -> str:
    """This worker's own test database; the process id keeps parallel test runs apart."""
    url = make_url(server_url())
    name = f"{url.database}_test_{worker}_{os.getpid()}"
    return url.set(database=name).render_as_string(hide_password=False)


def drop_abandoned_databases(url: str) -> None:
    """Drop test databases left behind by runs whose process is gone (a killed run, say)."""
    target = make_url(url)
    prefix = str(target.database).rsplit("_test_", 1)[0] + "_test_"
    maintenance = _libpq(target.set(database="postgres").render_as_string(hide_password=False))
    with psycopg.connect(maintenance, autocommit=True) as connection:
        names = connection.execute(
            "SELECT datname FROM pg_database WHERE starts_with(datname, %s)", (prefix,)
        ).fetchall()
        for (name,) in names:
            pid = name.rsplit("_", 1)[-1]
            if pid.isdigit() and not _process_alive(int(pid)):
                connection.execute(
                    sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(name))
                )


def _process_alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def _libpq(url: str) -> str:
    return make_url(url).set(drivername="postgresql").render_as_string(hide_password=False)


def recreate_database(url: str) -> None:
    """Drop and create the database named in `url`, connecting to its server's maintenance db."""
    target = make_url(url)
    maintenance = _libpq(target.set(database="postgres").render_as_string(hide_password=False))
    with psycopg.connect(maintenance, autocommit=True) as connection:
        name = sql.Identifier(str(target.database))
        connection.execute(sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(name))
        connection.execute(sql.SQL("CREATE DATABASE {}").format(name))


def drop_database(url: str) -> None:
    """Drop the database named in `url`."""
    target = make_url(url)
    maintenance = _libpq(target.set(database="postgres").render_as_string(hide_password=False))
    with psycopg.connect(maintenance, autocommit=True) as connection:
        name = sql.Identifier(str(target.database))
        connection.execute(sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(name))
