"""The production server (gunicorn's gevent worker) holds hundreds of Socket.IO connections and
still answers HTTP, database queries included: an open socket holds no thread, and a query that
waits inside PostgreSQL lets every other request go on (psycopg waits through gevent).

The old server (threads) had 32 threads, each open socket holding one: every test here opens
more sockets than that, so none of them could pass there.
"""

from __future__ import annotations

import threading
import time
import uuid
from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from typing import Any

import psycopg
import pytest
import requests

from server.accounts.operations import GEOCODE_TASK
from tests.support.app_process import AppProcess
from tests.support.database import libpq
from tests.support.fixtures import PASSWORD, SHOP
from tests.support.jobs import jobs_of
from tests.support.private_redis import private_redis
from tests.support.socket_clients import Crowd, session_cookies

# More than the 32 threads the threaded server had.
BEYOND_THE_OLD_THREADS = 40
# "Hundreds of sockets while HTTP requests run queries."
HUNDREDS = 300
QUERIES = 60
# Not timing asserts: how long to wait for something before calling it lost.
ANSWER_LIMIT_S = 30.0
EVENT_LIMIT_S = 15.0
BLOCKED_PATCH = (
    "FROM pg_stat_activity WHERE datname = current_database() AND pid <> pg_backend_pid() "
    "AND wait_event_type = 'Lock'"
)


@pytest.fixture
def crowd(production_server: AppProcess) -> Iterator[Crowd]:
    """Socket.IO clients of the production server, disconnected after the test."""
    sockets = Crowd(production_server.url)
    yield sockets
    sockets.close()


@pytest.fixture
def reps(app, org, make_user) -> Callable[[int], list[Any]]:
    """Make `count` reps of `org` (one socket each keeps any per-user limit out of the way)."""
    return lambda count: [make_user(org) for _ in range(count)]


def logged_in(server: AppProcess, user) -> requests.Session:
    """A requests session logged in on the server as `user`, with its CSRF token."""
    session = requests.Session()
    answer = session.post(
        f"{server.url}/api/v1/auth/login",
        json={"email": user.email, "password": PASSWORD},
        timeout=ANSWER_LIMIT_S,
    )
    assert answer.status_code == 200, answer.text
    session.headers["X-CSRF-Token"] = answer.json()["csrf_token"]
    return session


def wait_for_event(crowd: Crowd, number: int, name: str) -> None:
    """Until client `number` has received an event called `name`."""
    deadline = time.monotonic() + EVENT_LIMIT_S
    while time.monotonic() < deadline:
        if any(event == name for event, _ in crowd.events(number)):
            return
        time.sleep(0.02)
    raise AssertionError(f"{name} never reached socket {number}: {crowd.events(number)}")


def nearby(server: AppProcess, session: requests.Session) -> requests.Response:
    lng, lat = SHOP
    return session.get(
        f"{server.url}/api/v1/accounts", params={"lat": lat, "lng": lng}, timeout=ANSWER_LIMIT_S
    )


def test_healthz_answers_while_more_sockets_are_open_than_the_old_server_had_threads(
    app, production_server, crowd, reps
):
    """The issue's report: 32 open sockets stopped every HTTP request. 40 open ones do not."""
    opened = crowd.connect(session_cookies(app, reps(BEYOND_THE_OLD_THREADS)))

    answer = requests.get(f"{production_server.url}/healthz", timeout=ANSWER_LIMIT_S)

    assert len(opened) == BEYOND_THE_OLD_THREADS
    assert answer.json() == {"status": "ok", "db": "ok"}
    assert crowd.connected() == BEYOND_THE_OLD_THREADS


def test_hundreds_of_sockets_stay_open_while_http_requests_run_queries_at_once(
    app, production_server, crowd, reps, org, make_user, make_account
):
    """300 authenticated sockets are held while 60 nearby queries run 12 at a time; every query
    answers in full, every socket stays connected, and an event still reaches its socket."""
    people = reps(HUNDREDS)
    accounts = [
        make_account(org, SHOP[0] + n / 1000, SHOP[1], owner_id=people[0].id) for n in range(5)
    ]
    admin = logged_in(production_server, make_user(org, role="admin"))
    opened = crowd.connect(session_cookies(app, people))

    with ThreadPoolExecutor(max_workers=12) as pool:
        answers = list(pool.map(lambda _: nearby(production_server, admin), range(QUERIES)))
    moved = admin.patch(
        f"{production_server.url}/api/v1/accounts/{accounts[0]}",
        json={"name": "Renamed while 300 sockets listen"},
        timeout=ANSWER_LIMIT_S,
    )

    assert len(opened) == HUNDREDS
    assert {answer.status_code for answer in answers} == {200}
    assert all(
        [item["id"] for item in answer.json()["items"]] == [str(a) for a in accounts]
        for answer in answers
    )
    assert moved.status_code == 200, moved.text
    wait_for_event(crowd, 0, "sync.poke")
    assert crowd.connected() == HUNDREDS


@contextmanager
def row_locked(database_url: str, account_id: uuid.UUID) -> Iterator[None]:
    """Hold a lock on the account's row, in a connection of the test's own, until the block ends."""
    with psycopg.connect(libpq(database_url)) as holder:
        holder.execute("SELECT 1 FROM accounts WHERE id = %s FOR UPDATE", (account_id,))
        yield
        holder.rollback()


def wait_until_a_request_waits_on_a_lock(database_url: str) -> None:
    deadline = time.monotonic() + ANSWER_LIMIT_S
    with psycopg.connect(libpq(database_url), autocommit=True) as watcher:
        while time.monotonic() < deadline:
            waiting = watcher.execute(f"SELECT count(*) {BLOCKED_PATCH}").fetchone()
            if waiting and waiting[0]:
                return
            time.sleep(0.01)
    raise AssertionError("the PATCH never waited on the row lock")


def test_other_requests_answer_while_one_waits_on_a_lock_inside_the_database(
    app, production_server, crowd, reps, database_url, org, rep, shop, make_user
):
    """A PATCH blocked on a row lock waits inside PostgreSQL; meanwhile /healthz and a nearby
    query answer (a driver that blocked the process, or a thread per socket, could not), and
    once the lock goes the PATCH completes."""
    crowd.connect(session_cookies(app, reps(BEYOND_THE_OLD_THREADS)))
    admin = logged_in(production_server, make_user(org, role="admin"))
    patched: list[requests.Response] = []

    def patch() -> None:
        patched.append(
            admin.patch(
                f"{production_server.url}/api/v1/accounts/{shop}",
                json={"name": "Patched after the lock"},
                timeout=ANSWER_LIMIT_S * 2,
            )
        )

    with row_locked(database_url, shop):
        writer = threading.Thread(target=patch)
        writer.start()
        wait_until_a_request_waits_on_a_lock(database_url)
        health = requests.get(f"{production_server.url}/healthz", timeout=ANSWER_LIMIT_S)
        found = nearby(production_server, admin)
        still_waiting = writer.is_alive()
    writer.join()

    assert health.json() == {"status": "ok", "db": "ok"}
    assert [item["id"] for item in found.json()["items"]] == [str(shop)]
    assert still_waiting
    assert patched[0].status_code == 200, patched[0].text
    assert patched[0].json()["name"] == "Patched after the lock"
    assert crowd.connected() == BEYOND_THE_OLD_THREADS


def test_server_refuses_to_start_when_psycopg_would_block_every_greenlet(
    app, database_url, tmp_path
):
    """psycopg's C wait function does not yield to gevent: a worker left with it (psycopg
    imported before the patching, here forced) fails to boot instead of serving one query at a
    time."""
    log = tmp_path / "gunicorn.log"
    server = AppProcess(database_url, log, env={"PSYCOPG_WAIT_FUNC": "wait_c"})

    try:
        with pytest.raises(RuntimeError, match="psycopg was imported before gevent"):
            server.start()
    finally:
        server.kill()


def test_queue_geocoder_and_redis_work_from_the_gevent_worker(
    app, database_url, tmp_path, fake_geocoder, org, rep, reps
):
    """With sockets beyond the old thread count open: an account saved with an address defers
    its geocoding job (procrastinate), a reverse lookup reaches the geocoder over HTTP, and the
    owner's socket hears of the change through Redis."""
    fake_geocoder.add("Strada Lipscani 1, Bucharest", 26.1, 44.43)
    with private_redis() as redis_url:
        server = AppProcess(
            database_url,
            tmp_path / "gunicorn.log",
            env={
                "REDIS_URL": redis_url,
                "GEOCODER_URL": fake_geocoder.url,
                "GEOCODER_MIN_INTERVAL_S": "0",
            },
        ).start()
        crowd = Crowd(server.url)
        try:
            crowd.connect(session_cookies(app, [rep, *reps(BEYOND_THE_OLD_THREADS - 1)]))
            session = logged_in(server, rep)
            created = session.post(
                f"{server.url}/api/v1/accounts",
                json={"kind": "prospect", "name": "Cafe", "address": "Calea Victoriei 12"},
                timeout=ANSWER_LIMIT_S,
            )
            reverse = session.get(
                f"{server.url}/api/v1/geocode/reverse",
                params={"lat": 44.43, "lng": 26.1},
                timeout=ANSWER_LIMIT_S,
            )
            wait_for_event(crowd, 0, "sync.poke")
            connected = crowd.connected()
        finally:
            crowd.close()
            server.kill()

    assert created.status_code == 201, created.text
    assert [job["args"] for job in jobs_of(app, GEOCODE_TASK)] != []
    assert reverse.json() == {"address": "Strada Lipscani 1, Bucharest"}
    assert connected == BEYOND_THE_OLD_THREADS
