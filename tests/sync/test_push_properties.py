"""Push under duplicated, reordered, gapped and concurrent batches: every mutation applied at
most once, in order, and the device's counter never moves backwards."""

from __future__ import annotations

import threading
import uuid

import requests
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import func, select

from server.extensions import db
from server.sync.models import SyncClient, SyncMutation
from server.visits.models import Visit
from tests.support.fixtures import PASSWORD
from tests.sync.support import mutation, visit_data

MUTATIONS = 12
# A batch is any list of mutation ids: repeats, any order, holes.
batches = st.lists(st.lists(st.integers(1, MUTATIONS), max_size=8), min_size=1, max_size=10)


def stored_visit_ids(app, visit_ids) -> list[str]:
    with app.app_context():
        rows = db.session.scalars(select(Visit.id).where(Visit.id.in_(visit_ids)))
        return sorted(str(row) for row in rows)


@settings(
    max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(sends=batches)
def test_any_sequence_of_batches_applies_each_mutation_once_in_order(
    app, rep, logged_in, shop, sends
):
    api = logged_in(rep)
    client_id = uuid.uuid4()
    data = {n: visit_data(shop) for n in range(1, MUTATIONS + 1)}
    last = 0

    for ids in sends:
        body = {
            "client_id": str(client_id),
            "mutations": [mutation(n, "visit.create", data[n]) for n in ids],
        }
        answer = api.post("/api/v1/sync/push", json=body).json

        expected_last = last
        for n in ids:
            if n == expected_last + 1:
                expected_last = n
            elif n > expected_last + 1:
                break
        assert answer["last_mutation_id"] == expected_last >= last
        applied = [r["id"] for r in answer["results"] if r["status"] == "applied"]
        assert applied == list(range(last + 1, expected_last + 1))
        last = expected_last

    expected = sorted(data[n]["id"] for n in range(1, last + 1))
    assert stored_visit_ids(app, [data[n]["id"] for n in data]) == expected


def test_concurrent_pushes_of_one_device_apply_each_mutation_once(app, live_server, org, rep, shop):
    """Four senders (tabs, retries) race with overlapping batches of the same 60 mutations."""
    client_id = str(uuid.uuid4())
    data = {n: visit_data(shop) for n in range(1, 61)}
    plans = [
        [range(1, 61)],
        [range(1, 31), range(31, 61)],
        [range(20, 61), range(1, 61)],
        [range(1, 11), range(5, 41), range(30, 61)],
    ]
    failures: list[str] = []

    def sender(plan):
        session = requests.Session()
        login = session.post(
            f"{live_server.url}/api/v1/auth/login", json={"email": rep.email, "password": PASSWORD}
        )
        headers = {"X-CSRF-Token": login.json()["csrf_token"]}
        for _ in range(3):  # a sender that hit a gap retries, as the sync engine does
            for ids in plan:
                body = {
                    "client_id": client_id,
                    "mutations": [mutation(n, "visit.create", data[n]) for n in ids],
                }
                response = session.post(
                    f"{live_server.url}/api/v1/sync/push", json=body, headers=headers, timeout=60
                )
                if response.status_code != 200:
                    failures.append(f"{response.status_code} {response.text}")

    threads = [threading.Thread(target=sender, args=(plan,)) for plan in plans]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert failures == []
    assert stored_visit_ids(app, [d["id"] for d in data.values()]) == sorted(
        d["id"] for d in data.values()
    )
    with app.app_context():
        assert db.session.scalar(select(SyncClient.last_mutation_id)) == 60
        ledger = db.session.scalars(
            select(SyncMutation.mutation_id).order_by(SyncMutation.mutation_id)
        )
        assert list(ledger) == list(range(1, 61))
        assert db.session.scalar(select(func.count()).select_from(Visit)) == 60
