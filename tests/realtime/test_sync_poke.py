"""sync.poke: sent after a commit that changes someone's working set, never for a rollback."""

from __future__ import annotations

import uuid

import pytest

from server.accounts.operations import create_account
from server.accounts.schemas import AccountCreate
from server.core.transaction import savepoint, unit_of_work
from tests.sync.support import mutation, push, visit_data


def socket_of(realtime, api):
    """A Socket.IO connection carrying the API client's session cookie, nothing received yet."""
    connection = realtime.socket(api)
    assert connection.is_connected()
    connection.get_received()
    return connection


def pokes(connection) -> list[dict]:
    return [m for m in connection.get_received() if m["name"] == "sync.poke"]


def test_rep_and_managers_are_poked_when_the_rep_logs_a_visit(realtime, org, rep, make_user, shop):
    rep_api = realtime.login(rep)
    rep_socket = socket_of(realtime, rep_api)
    manager_socket = socket_of(realtime, realtime.login(make_user(org, role="manager")))
    bystander_socket = socket_of(realtime, realtime.login(make_user(org)))

    push(rep_api, uuid.uuid4(), [mutation(1, "visit.create", visit_data(shop))])

    assert len(pokes(rep_socket)) == 1
    assert len(pokes(manager_socket)) == 1
    assert pokes(bystander_socket) == []


def test_nobody_is_poked_when_the_mutation_is_rejected(realtime, rep, shop):
    rep_api = realtime.login(rep)
    rep_socket = socket_of(realtime, rep_api)

    push(rep_api, uuid.uuid4(), [mutation(1, "visit.create", visit_data(shop, outcome="bribed"))])

    assert pokes(rep_socket) == []


def test_old_and_new_owner_are_poked_when_an_account_is_reassigned(
    realtime, org, rep, make_user, shop
):
    other = make_user(org)
    rep_socket = socket_of(realtime, realtime.login(rep))
    other_socket = socket_of(realtime, realtime.login(other))

    realtime.login(make_user(org, role="admin")).patch(
        f"/api/v1/accounts/{shop}", json={"owner_id": str(other.id)}
    )

    assert len(pokes(rep_socket)) == 1
    assert len(pokes(other_socket)) == 1


def test_poke_carries_no_content(realtime, rep, shop):
    rep_api = realtime.login(rep)
    rep_socket = socket_of(realtime, rep_api)

    rep_api.post("/api/v1/visits", json=visit_data(shop))

    assert [m["args"] for m in pokes(rep_socket)] == [[{}]]


def test_socket_without_a_session_is_refused(realtime):
    connection = realtime.socket()

    assert not connection.is_connected()


def test_nobody_is_poked_when_the_transaction_rolls_back_after_a_savepoint(realtime, rep):
    """A savepoint released is not a commit: what it queued waits for the enclosing
    transaction, and that transaction's rollback drops it."""
    rep_socket = socket_of(realtime, realtime.login(rep))

    with realtime.app.app_context(), pytest.raises(RuntimeError):
        with unit_of_work():
            with savepoint():
                create_account(rep, AccountCreate(kind="prospect", name="Cafe"))
            raise RuntimeError("the request failed after the savepoint")

    assert pokes(rep_socket) == []
