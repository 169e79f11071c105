"""Background jobs: sync pushes geocode later like REST, lost jobs are swept up, the periodic
clean-ups are scheduled, and `flask --app wsgi worker` runs them. Every worker here is a real
procrastinate worker on the test database."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
import uuid
from datetime import timedelta

import pytest

from server.accounts.models import Account
from server.accounts.operations import GEOCODE_TASK
from server.core.clock import now_utc
from server.core.queue import JobRequest, defer_jobs, new_queue
from server.core.rate_limits import RateCounter
from server.core.transaction import unit_of_work
from server.extensions import db
from server.users.models import UserSession
from tests.realtime.test_sync_poke import pokes, socket_of
from tests.support.jobs import jobs_of, run_jobs
from tests.sync.support import mutation, pull_all, push

ADDRESS = "Calea Victoriei 12, Bucharest"
ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))


def _account_create():
    return {"id": str(uuid.uuid4()), "kind": "prospect", "name": "Cafe", "address": ADDRESS}


def _status(app, account_id):
    with app.app_context():
        account = db.session.get(Account, uuid.UUID(str(account_id)))
        db.session.rollback()
        return account.geocode_status, account.version


def _defer(app, task, **kwargs):
    with app.app_context():
        defer_jobs([JobRequest(task, kwargs)])


def test_pushed_account_is_pending_then_located_by_the_worker(app, rep_api, fake_geocoder):
    """A sync account.create is applied as pending at once; the worker locates it later, and
    the next pull carries the new version."""
    fake_geocoder.add(ADDRESS, 26.0963, 44.4325)
    data = _account_create()

    response = push(rep_api, uuid.uuid4(), [mutation(1, "account.create", data)])
    run_jobs(app)

    result = response.json["results"][0]
    assert result["status"] == "applied"
    assert result["entity"]["geocode_status"] == "pending"
    assert fake_geocoder.requests[-1]["path"] == "/search"
    pulled = [c for c in pull_all(rep_api)[0] if c["data"]["id"] == data["id"]]
    assert pulled[-1]["data"]["geocode_status"] == "ok"
    assert pulled[-1]["data"]["version"] == 2


def test_owner_is_poked_when_the_worker_locates_their_account(realtime, rep, fake_geocoder):
    """Locating an account is a change of the owner's working set: their devices are poked."""
    fake_geocoder.add(ADDRESS, 26.0963, 44.4325)
    rep_api = realtime.login(rep)
    push(rep_api, uuid.uuid4(), [mutation(1, "account.create", _account_create())])
    rep_socket = socket_of(realtime, rep_api)

    run_jobs(realtime.app)

    assert len(pokes(rep_socket)) == 1


def test_rejected_push_mutation_queues_no_geocoding(app, rep_api):
    """A mutation rejected in its savepoint leaves no job behind."""
    bad = _account_create() | {"kind": "lead"}

    response = push(rep_api, uuid.uuid4(), [mutation(1, "account.create", bad)])

    assert response.json["results"][0]["status"] == "rejected"
    assert jobs_of(app, GEOCODE_TASK) == []


def test_sweep_geocodes_a_pending_account_whose_job_was_lost(app, org, make_account, fake_geocoder):
    """An account left pending with no job queued (the process died before deferring it) is
    queued again by the periodic sweep and then located."""
    fake_geocoder.add(ADDRESS, 26.0963, 44.4325)
    long_ago = now_utc() - timedelta(hours=1)
    lost = make_account(
        org, address=ADDRESS, geocode_status="pending", created_at=long_ago, updated_at=long_ago
    )

    _defer(app, "sweep-pending-geocodes", timestamp=0)
    run_jobs(app)

    assert _status(app, lost) == ("ok", 2)


def test_sweep_queues_no_geocoding_when_no_account_waits(app, org, make_account):
    """Accounts located or placed by hand need no job."""
    make_account(org, 26.1, 44.4, address=ADDRESS)

    _defer(app, "sweep-pending-geocodes", timestamp=0)
    run_jobs(app)

    assert jobs_of(app, GEOCODE_TASK) == []


def test_worker_locates_every_account_of_a_large_push_in_one_job(app, rep_api, fake_geocoder):
    """Many creates queue one job, which goes through all of them."""
    creates = []
    for number in range(20):
        address = f"Strada Test {number}, Bucharest"
        fake_geocoder.add(address, 26.0 + number / 1000, 44.4)
        data = _account_create() | {"address": address}
        creates.append(mutation(number + 1, "account.create", data))
    push(rep_api, uuid.uuid4(), creates)

    run_jobs(app)

    assert len(jobs_of(app, GEOCODE_TASK)) == 1
    statuses = {_status(app, m["data"]["id"]) for m in creates}
    assert statuses == {("ok", 2)}


def test_periodic_jobs_are_registered_when_a_queue_is_built(app):
    """The worker's schedule: the geocoding sweep, visit location retention, login clean-up and
    the retry of jobs whose worker died."""
    queue = new_queue(app)

    scheduled = {task for task, _ in queue.periodic_registry.periodic_tasks}

    assert scheduled == {
        "sweep-pending-geocodes",
        "drop-visit-locations",
        "purge-stale-logins",
        "retry-stalled-jobs",
    }


def test_purge_job_deletes_ended_sessions_and_closed_throttle_windows(app, rep, rep_api):
    """Expired sessions and rate-limit counters whose window closed go; live ones stay."""
    now = now_utc()
    with app.app_context(), unit_of_work():
        live = db.session.query(UserSession).one()
        db.session.add(
            UserSession(
                id=uuid.uuid4(),
                token_hash=b"x" * 32,
                user_id=rep.id,
                org_id=rep.org_id,
                csrf_token="t",
                created_at=now - timedelta(days=30),
                last_seen_at=now - timedelta(days=20),
                expires_at=now - timedelta(days=16),
            )
        )
        db.session.add(RateCounter(key="closed", window_start=now - timedelta(days=2), hits=3))
        db.session.add(RateCounter(key="open", window_start=now, hits=3))

    _defer(app, "purge-stale-logins", timestamp=0)
    run_jobs(app)

    with app.app_context():
        assert [s.id for s in db.session.query(UserSession)] == [live.id]
        keys = {counter.key for counter in db.session.query(RateCounter)}
        assert "open" in keys
        assert "closed" not in keys


def test_retention_job_drops_old_visit_coordinates(app, rep_api, shop):
    """The scheduled retention job forgets raw coordinates past the retention period."""
    body = {
        "id": str(uuid.uuid4()),
        "account_id": str(shop),
        "started_at": "2026-01-05T09:00:00Z",
        "location": {"type": "Point", "coordinates": [26.1025, 44.4268]},
        "accuracy_m": 10.0,
        "outcome": "met",
    }
    rep_api.post("/api/v1/visits", json=body)

    _defer(app, "drop-visit-locations", timestamp=0)
    run_jobs(app)

    assert rep_api.get("/api/v1/visits").json["items"][0]["location"] is None


@pytest.fixture
def worker_process(settings, fake_geocoder, tmp_path):
    """`flask --app wsgi worker` as its own process on the test database."""
    env = {
        **os.environ,
        "DATABASE_URL": settings.database_url,
        "GEOCODER_URL": fake_geocoder.url,
        "GEOCODER_MIN_INTERVAL_S": "0",
        "SECRET_KEY": "test-secret-key",
    }
    log = (tmp_path / "worker.log").open("wb")
    process = subprocess.Popen(
        [sys.executable, "-m", "flask", "--app", "wsgi", "worker"],
        cwd=ROOT,
        env=env,
        stdout=log,
        stderr=subprocess.STDOUT,
    )
    yield process
    if process.poll() is None:
        process.kill()
        process.wait()
    log.close()


def test_flask_worker_command_geocodes_accounts_until_stopped(
    app, api_admin, fake_geocoder, worker_process
):
    """The operator's command runs jobs as they come and stops cleanly on SIGTERM."""
    fake_geocoder.add(ADDRESS, 26.0963, 44.4325)
    account_id = api_admin.post(
        "/api/v1/accounts", json={"kind": "prospect", "name": "Cafe", "address": ADDRESS}
    ).json["id"]

    deadline = time.monotonic() + 60
    while _status(app, account_id)[0] == "pending" and time.monotonic() < deadline:
        time.sleep(0.2)
    worker_process.send_signal(signal.SIGTERM)

    assert _status(app, account_id) == ("ok", 2)
    assert worker_process.wait(timeout=30) == 0


@pytest.fixture
def api_admin(org, make_user, logged_in):
    return logged_in(make_user(org, role="admin"))
