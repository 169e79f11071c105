"""The production server (gunicorn) on its own database, seeded through the API, for schemathesis.

The server talks to the local geocoder and tile fakes, never to the internet. Two organisations
keep the runs apart: the admin's run may change its own organisation's users as it likes without
touching the rep's.
"""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

from tests.fuzz.world import PASSWORD, build_world
from tests.support.app_process import ROOT, AppProcess
from tests.support.database import drop_database, recreate_database, worker_database_url
from tests.support.fake_nominatim import FakeNominatim
from tests.support.fake_tiles import FakeTileServer


@dataclass(frozen=True)
class FuzzTarget:
    """Where the server answers, a bearer token for each role the fuzzer plays, and the
    server's geocoder (its `down` switch decides whether the outside service answers)."""

    url: str
    admin_token: str
    rep_token: str
    geocoder: FakeNominatim


def _flask(database_url: str, *args: str) -> str:
    flask = str(Path(sys.executable).parent / "flask")
    env = {**os.environ, "DATABASE_URL": database_url, "SECRET_KEY": "fuzz-secret-key"}
    done = subprocess.run(
        [flask, "--app", "wsgi", *args],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        check=False,
    )
    assert done.returncode == 0, done.stderr[-2000:]
    return done.stdout


@pytest.fixture(scope="session")
def fuzz_target(worker_id: str, tmp_path_factory: pytest.TempPathFactory) -> Iterator[FuzzTarget]:
    """gunicorn -c gunicorn.conf.py on a fresh, migrated database with two organisations, and
    geocoder and tile fakes of its own (no other test can leave them down)."""
    database_url = worker_database_url(f"fuzz_{worker_id}")
    recreate_database(database_url)
    _flask(database_url, "db", "upgrade")
    for name in ("admin", "rep"):
        _flask(
            database_url,
            "create-org",
            "--name",
            f"Fuzz {name}",
            "--admin-email",
            f"{name}-org@example.com",
            "--admin-password",
            PASSWORD,
        )
    fake_geocoder, fake_tiles = FakeNominatim().start(), FakeTileServer().start()
    server = AppProcess(
        database_url,
        tmp_path_factory.mktemp("fuzz") / "gunicorn.log",
        env={
            "GEOCODER_URL": fake_geocoder.url,
            "GEOCODER_MIN_INTERVAL_S": "0",
            "GEOCODER_TIMEOUT_S": "2",
            "TILE_URL": fake_tiles.url_template,
        },
    ).start()
    try:
        admin_world = build_world(server.url, "admin-org@example.com")
        rep_world = build_world(server.url, "rep-org@example.com")
        yield FuzzTarget(server.url, admin_world.admin_token, rep_world.rep_token, fake_geocoder)
    finally:
        server.kill()
        fake_geocoder.stop()
        fake_tiles.stop()
        drop_database(database_url)
