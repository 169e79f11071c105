"""An outside client whose server dies in the middle of a push (the process killed, or its
database connection cut) finds, after retrying, every mutation applied exactly once: the
interrupted batch's transaction died whole.

To interrupt the push at a known point the test holds a row lock on the account: the push
writes its visits, then waits on that lock to move the account's last_visit_at. There it is
killed, with its visits written but not committed.
"""

from __future__ import annotations

import threading
import time
import uuid
from collections.abc import Iterator
from contextlib import contextmanager

import psycopg
import pytest
import requests

from tests.support.app_process import AppProcess
from tests.support.database import libpq
from tests.support.fixtures import PASSWORD
from tests.sync.support import mutation, visit_data

BATCH = 200
# The server's backend that waits on the test's lock, midway through the push.
BLOCKED_PUSH = (
    "FROM pg_stat_activity WHERE datname = current_database() AND pid <> pg_backend_pid() "
    "AND wait_event_type = 'Lock' AND query ILIKE 'UPDATE accounts%'"
)


@contextmanager
def account_locked(database_url: str, account_id: uuid.UUID) -> Iterator[psycopg.Connection]:
    """Hold a row lock on the account until the block ends (or the caller rolls back)."""
    with psycopg.connect(libpq(database_url)) as holder:
        # NO KEY UPDATE: the visits' foreign key checks (KEY SHARE) pass, the UPDATE waits.
        holder.execute("SELECT 1 FROM accounts WHERE id = %s FOR NO KEY UPDATE", (account_id,))
        yield holder
        holder.rollback()


def wait_for_blocked_push(database_url: str, timeout_s: float = 60.0) -> None:
    """Until the push has written its visits and waits on the account's lock."""
    deadline = time.monotonic() + timeout_s
    with psycopg.connect(libpq(database_url), autocommit=True) as watcher:
        while time.monotonic() < deadline:
            blocked = watcher.execute(f"SELECT count(*) {BLOCKED_PUSH}").fetchone()
            if blocked and blocked[0]:
                return
            time.sleep(0.01)
    raise AssertionError("the push never reached the account's lock")


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


@pytest.fixture
def outbox(shop):
    client_id = str(uuid.uuid4())
    mutations = [mutation(n, "visit.create", visit_data(shop)) for n in range(1, BATCH + 1)]
    return {"client_id": client_id, "mutations": mutations}


def logged_in_session(server, email):
    session = requests.Session()
    answer = session.post(
        f"{server.url}/api/v1/auth/login", json={"email": email, "password": PASSWORD}, timeout=30
    )
    session.headers["X-CSRF-Token"] = answer.json()["csrf_token"]
    return session


def push_in_background(session, url, body) -> tuple[threading.Thread, list[object]]:
    """Start a push; its answer (or connection error) lands in the list."""
    answers: list[object] = []

    def send() -> None:
        try:
            answers.append(session.post(f"{url}/api/v1/sync/push", json=body, timeout=120))
        except requests.ConnectionError as error:
            answers.append(error)

    sender = threading.Thread(target=send)
    sender.start()
    return sender, answers


def push_answer(session, url, body):
    response = session.post(f"{url}/api/v1/sync/push", json=body, timeout=120)
    assert response.status_code == 200, response.text
    return response.json()


def test_push_interrupted_by_a_killed_server_is_applied_once_after_restart(
    server, database_url, rep, shop, outbox
):
    session = logged_in_session(server, rep.email)
    with account_locked(database_url, shop) as lock:
        sender, answers = push_in_background(session, server.url, outbox)
        wait_for_blocked_push(database_url)
        server.kill()
        sender.join()
        lock.rollback()
    after_kill = counts(database_url, outbox["client_id"])
    server.start()
    session = logged_in_session(server, rep.email)
    first, again = (push_answer(session, server.url, outbox) for _ in range(2))

    assert isinstance(answers[0], requests.ConnectionError)
    assert after_kill == (0, 0, 0)
    assert first["last_mutation_id"] == BATCH
    assert {r["status"] for r in first["results"]} == {"applied"}
    assert {r["status"] for r in again["results"]} == {"duplicate"}
    assert counts(database_url, outbox["client_id"]) == (BATCH, BATCH, BATCH)


def test_push_whose_database_connection_dies_answers_503_and_changes_nothing(
    server, database_url, rep, shop, outbox
):
    session = logged_in_session(server, rep.email)
    with (
        account_locked(database_url, shop),
        psycopg.connect(libpq(database_url), autocommit=True) as admin,
    ):
        sender, answers = push_in_background(session, server.url, outbox)
        wait_for_blocked_push(database_url)
        admin.execute(f"SELECT pg_terminate_backend(pid) {BLOCKED_PUSH}")
        sender.join()
    after_failure = counts(database_url, outbox["client_id"])
    retried = push_answer(session, server.url, outbox)

    assert answers[0].status_code == 503
    assert answers[0].json()["error"]["code"] == "unavailable"
    assert "Retry-After" in answers[0].headers
    assert after_failure == (0, 0, 0)
    assert retried["last_mutation_id"] == BATCH
    assert counts(database_url, outbox["client_id"]) == (BATCH, BATCH, BATCH)


def mixed_outbox(shop: uuid.UUID) -> list[dict[str, object]]:
    """105 mutations of every op: an edit, a stale (conflicting) edit, a new account, notes,
    and two runs of 50 visits."""
    notes = [
        {"id": str(uuid.uuid4()), "account_id": str(shop), "body": f"note {n}"} for n in (1, 2)
    ]
    made = {"id": str(uuid.uuid4()), "kind": "prospect", "name": "Kiosk", "location": None}
    edits = [
        mutation(1, "account.update", {"id": str(shop), "name": "Renamed"}, base_version=1),
        mutation(2, "note.create", notes[0]),
    ]
    edits += [mutation(n, "visit.create", visit_data(shop)) for n in range(3, 53)]
    edits += [
        mutation(53, "account.update", {"id": str(shop), "phone": "+40 21 000"}, base_version=1),
        mutation(54, "account.create", made),
        mutation(55, "note.create", notes[1]),
    ]
    edits += [mutation(n, "visit.create", visit_data(shop)) for n in range(56, 106)]
    return edits


def test_outside_client_with_duplicated_gapped_and_conflicting_batches_and_a_killed_server(
    server, database_url, rep, shop
):
    client_id = str(uuid.uuid4())
    outbox = mixed_outbox(shop)

    def body(first: int, last: int) -> dict[str, object]:
        return {"client_id": client_id, "mutations": outbox[first - 1 : last]}

    session = logged_in_session(server, rep.email)
    answers = [
        push_answer(session, server.url, body(*span)) for span in ((1, 10), (5, 20), (30, 40))
    ]
    with account_locked(database_url, shop) as lock:
        sender, killed = push_in_background(session, server.url, body(21, 105))
        wait_for_blocked_push(database_url)
        server.kill()
        sender.join()
        lock.rollback()
    after_kill = counts(database_url, client_id)
    server.start()
    session = logged_in_session(server, rep.email)
    resumed, again = (push_answer(session, server.url, body(21, 105)) for _ in range(2))
    whole = push_answer(session, server.url, body(1, 105))

    assert [answer["last_mutation_id"] for answer in answers] == [10, 20, 20]
    assert [r["status"] for r in answers[1]["results"]] == ["duplicate"] * 6 + ["applied"] * 10
    assert answers[2]["results"] == []  # a gap: nothing after 20 can be applied
    assert isinstance(killed[0], requests.ConnectionError)
    assert after_kill[:2] == (20, 20)
    statuses = {r["id"]: r["status"] for r in resumed["results"]}
    assert statuses[53] == "conflict"
    assert {status for n, status in statuses.items() if n != 53} == {"applied"}
    assert {r["status"] for r in again["results"] + whole["results"]} == {"duplicate"}
    assert counts(database_url, client_id) == (105, 105, 100)
    with psycopg.connect(libpq(database_url), autocommit=True) as connection:
        shop_row = connection.execute(
            "SELECT name, phone, version FROM accounts WHERE id = %s", (shop,)
        ).fetchone()
        notes = connection.execute("SELECT count(*) FROM notes").fetchone()[0]
        kiosks = connection.execute("SELECT count(*) FROM accounts WHERE name = 'Kiosk'").fetchone()
        ledger = dict(
            connection.execute(
                "SELECT status, count(*) FROM sync_mutations WHERE client_id = %s GROUP BY status",
                (client_id,),
            ).fetchall()
        )
    assert shop_row == ("Renamed", None, 2)
    assert (notes, kiosks[0]) == (2, 1)
    assert ledger == {"applied": 104, "conflict": 1}
