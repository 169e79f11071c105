"""The app's own database connections are tuned for short spatial queries on small machines."""

from sqlalchemy import text

from server.extensions import db
from tests.support.fixtures import ApiClient


def test_app_connections_run_without_parallel_query_or_jit(app):
    """Parallel workers and JIT are off for every connection the app opens."""
    with app.app_context():
        workers = db.session.scalar(text("SHOW max_parallel_workers_per_gather"))
        jit = db.session.scalar(text("SHOW jit"))

    assert workers == "0"
    assert jit == "off"


def test_request_answers_503_busy_when_no_pooled_connection_frees_up_in_time(
    app_with, make_org, make_user
):
    """The pool bounds the queries run at once (under gevent nothing else does): a request that
    finds every connection taken for the pool's timeout is told to come back, not a 500."""
    variant = app_with(db_pool_size=1, db_max_overflow=0, db_pool_timeout_s=1)
    admin = make_user(make_org(), role="admin")
    api = ApiClient(variant.test_client())
    assert api.login(admin.email).status_code == 200

    with variant.app_context(), db.engine.connect():
        response = api.get("/api/v1/accounts")

    assert response.status_code == 503
    assert response.json["error"]["code"] == "unavailable"
    assert response.headers["Retry-After"] == "1"


def test_pool_is_bounded_as_configured(app_with):
    """DB_POOL_SIZE connections kept, DB_MAX_OVERFLOW more under load, DB_POOL_TIMEOUT_S wait."""
    variant = app_with(db_pool_size=7, db_max_overflow=3, db_pool_timeout_s=4)

    with variant.app_context():
        pool = db.engine.pool

    assert (pool.size(), pool._max_overflow, pool._timeout) == (7, 3, 4)
