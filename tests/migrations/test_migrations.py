"""The migrations build the schema the models describe, and can be undone and redone."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
from flask_migrate import downgrade, upgrade
from sqlalchemy import inspect

from server import create_app
from server.extensions import db
from tests.support.database import drop_database, recreate_database

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture
def scratch_url(database_url):
    url = database_url + "_mig"
    recreate_database(url)
    yield url
    drop_database(url)


def test_upgrade_downgrade_upgrade_round_trip_when_database_is_empty(scratch_url, settings):
    """head -> base -> head works on an empty database and ends with every table."""
    app = create_app(settings.replace(database_url=scratch_url))
    with app.app_context():
        upgrade()
        downgrade(revision="base")
        assert set(inspect(db.engine).get_table_names()) <= {"alembic_version", "spatial_ref_sys"}
        upgrade()
        tables = set(inspect(db.engine).get_table_names())
        db.engine.dispose()

    assert {table.name for table in db.metadata.sorted_tables} <= tables


def test_db_check_reports_no_drift_between_models_and_migrations(scratch_url):
    """`flask db check` finds nothing to generate after `flask db upgrade`."""
    env = {**os.environ, "DATABASE_URL": scratch_url}
    flask = [sys.executable, "-m", "flask", "--app", "wsgi", "db"]

    upgraded = subprocess.run(
        [*flask, "upgrade"], cwd=ROOT, env=env, capture_output=True, text=True
    )
    checked = subprocess.run([*flask, "check"], cwd=ROOT, env=env, capture_output=True, text=True)

    assert upgraded.returncode == 0, upgraded.stderr
    assert checked.returncode == 0, checked.stderr + checked.stdout
    assert "No new upgrade operations detected" in checked.stdout + checked.stderr
