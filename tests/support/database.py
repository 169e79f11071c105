"""One PostGIS database per pytest-xdist worker, migrated with the real migrations every run."""

from __future__ import annotations

import os
from typing import Any

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
    prefix = str(make_url(url).database).rsplit("_test_", 1)[0] + "_test_"
    with _maintenance_connection(url) as connection:
        names = connection.execute(
            "SELECT datname FROM pg_database WHERE starts_with(datname, %s)", (prefix,)
        ).fetchall()
        for (name,) in names:
            pid = name.rsplit("_", 1)[-1]
            if pid.isdigit() and not _process_alive(int(pid)):
                _drop(connection, sql.Identifier(name))


def _process_alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def recreate_database(url: str) -> None:
    """Drop and create the database named in `url`."""
    drop_database(url)
    with _maintenance_connection(url) as connection:
        connection.execute(sql.SQL("CREATE DATABASE {}").format(_name(url)))


def drop_database(url: str) -> None:
    """Drop the database named in `url`."""
    with _maintenance_connection(url) as connection:
        _drop(connection, _name(url))


def _drop(connection: psycopg.Connection[Any], name: sql.Identifier) -> None:
    """Drop a database, ending any session still connected to it."""
    connection.execute(sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(name))


def _name(url: str) -> sql.Identifier:
    return sql.Identifier(str(make_url(url).database))


def libpq(url: str) -> str:
    """The same URL without SQLAlchemy's driver name, for psycopg."""
    return make_url(url).set(drivername="postgresql").render_as_string(hide_password=False)


def _maintenance_connection(url: str) -> psycopg.Connection[Any]:
    """An autocommit connection to the `postgres` database of the server hosting `url`."""
    maintenance = make_url(url).set(database="postgres").render_as_string(hide_password=False)
    return psycopg.connect(libpq(maintenance), autocommit=True)
