"""An outside client whose server is killed in the middle of a push, then restarted, finds every
mutation applied exactly once after retrying: the batch's transaction died whole."""

from __future__ import annotations

import threading
import time
import uuid

import psycopg
import pytest
import requests

from tests.support.app_process import AppProcess
from tests.support.database import libpq
from tests.support.fixtures import PASSWORD
from tests.sync.support import SHOP, mutation, visit_data

BATCH = 200


def wait_for_push_in_progress(database_url: str, timeout_s: float = 60.0) -> None:
    """Until the server holds the device's row lock inside an open push transaction."""
    deadline = time.monotonic() + timeout_s
    with psycopg.connect(libpq(database_url), autocommit=True) as watcher:
        while time.monotonic() < deadline:
            busy = watcher.execute(
                "SELECT count(*) FROM pg_stat_activity WHERE datname = current_database() "
                "AND pid <> pg_backend_pid() AND xact_start IS NOT NULL "
                "AND query ILIKE '%visits%'"
            ).fetchone()
            if busy and busy[0]:
                return
            time.sleep(0.01)
    raise AssertionError("the push never started on the server")


def counts(database_url: str, client_id: str) -> tuple[int, int, int]:
    """(the device's counter, ledger rows, visits) as committed."""
    with psycopg.connect(libpq(database_url), autocommit=True) as connection:
        counter = connection.execute(
            "SELECT coalesce(max(last_mutation_id), 0) FROM sync_clients WHERE id = %s",
            (client_id,),
        ).fetchone()[0]
        ledger = connection.execute(
            "SELECT count(*) FROM sync_mutations WHERE client_id = %s", (client_id,)
        ).fetchone()[0]
        visits = connection.execute("SELECT count(*) FROM visits").fetchone()[0]
    return int(counter), int(ledger), int(visits)


@pytest.fixture
def server(app, database_url, tmp_path):
    process = AppProcess(database_url, tmp_path / "gunicorn.log").start()
    yield process
    process.kill()


def logged_in_session(server, email):
    session = requests.Session()
    answer = session.post(
        f"{server.url}/api/v1/auth/login", json={"email": email, "password": PASSWORD}, timeout=30
    )
    session.headers["X-CSRF-Token"] = answer.json()["csrf_token"]
    return session


def test_push_interrupted_by_a_killed_server_is_applied_once_after_restart(
    server, database_url, org, rep, make_account
):
    shop = make_account(org, *SHOP, owner_id=rep.id)
    client_id = str(uuid.uuid4())
    outbox = [mutation(n, "visit.create", visit_data(shop)) for n in range(1, BATCH + 1)]
    body = {"client_id": client_id, "mutations": outbox}
    session = logged_in_session(server, rep.email)

    outcome: list[object] = []
    sender = threading.Thread(
        target=lambda: outcome.append(_post(session, f"{server.url}/api/v1/sync/push", body))
    )
    sender.start()
    wait_for_push_in_progress(database_url)
    server.kill()
    sender.join()
    after_kill = counts(database_url, client_id)
    server.start()
    session = logged_in_session(server, rep.email)
    answers = [_post(session, f"{server.url}/api/v1/sync/push", body) for _ in range(2)]

    assert isinstance(outcome[0], requests.ConnectionError)
    assert after_kill == (0, 0, 0)
    assert answers[0]["last_mutation_id"] == BATCH
    assert {r["status"] for r in answers[0]["results"]} == {"applied"}
    assert {r["status"] for r in answers[1]["results"]} == {"duplicate"}
    assert counts(database_url, client_id) == (BATCH, BATCH, BATCH)


def _post(session, url, body):
    try:
        response = session.post(url, json=body, timeout=120)
    except requests.ConnectionError as error:
        return error
    assert response.status_code == 200, response.text
    return response.json()
