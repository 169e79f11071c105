"""The app's own database connections are tuned for short spatial queries on small machines."""

from sqlalchemy import text

from server.extensions import db


def test_app_connections_run_without_parallel_query_or_jit(app):
    """Parallel workers and JIT are off for every connection the app opens."""
    with app.app_context():
        workers = db.session.scalar(text("SHOW max_parallel_workers_per_gather"))
        jit = db.session.scalar(text("SHOW jit"))

    assert workers == "0"
    assert jit == "off"
