"""sync.poke: sent after a commit that changes someone's working set, never for a rollback."""

from __future__ import annotations

import uuid

import pytest

from server.extensions import socketio
from tests.sync.support import SHOP, mutation, push, visit_data


@pytest.fixture
def shop(org, make_account, rep):
    return make_account(org, *SHOP, owner_id=rep.id)


def socket_of(app, api):
    """A Socket.IO connection carrying the API client's session cookie."""
    connection = socketio.test_client(app, flask_test_client=api.client)
    assert connection.is_connected()
    connection.get_received()
    return connection


def pokes(connection) -> list[dict]:
    return [m for m in connection.get_received() if m["name"] == "sync.poke"]


def test_rep_and_managers_are_poked_when_the_rep_logs_a_visit(
    app, org, rep, make_user, logged_in, shop
):
    rep_api = logged_in(rep)
    rep_socket = socket_of(app, rep_api)
    manager_socket = socket_of(app, logged_in(make_user(org, role="manager")))
    bystander_socket = socket_of(app, logged_in(make_user(org)))

    push(rep_api, uuid.uuid4(), [mutation(1, "visit.create", visit_data(shop))])

    assert len(pokes(rep_socket)) == 1
    assert len(pokes(manager_socket)) == 1
    assert pokes(bystander_socket) == []


def test_nobody_is_poked_when_the_mutation_is_rejected(app, rep, logged_in, shop):
    rep_api = logged_in(rep)
    rep_socket = socket_of(app, rep_api)

    push(rep_api, uuid.uuid4(), [mutation(1, "visit.create", visit_data(shop, outcome="bribed"))])

    assert pokes(rep_socket) == []


def test_old_and_new_owner_are_poked_when_an_account_is_reassigned(
    app, org, rep, make_user, logged_in, shop
):
    other = make_user(org)
    rep_socket = socket_of(app, logged_in(rep))
    other_socket = socket_of(app, logged_in(other))

    logged_in(make_user(org, role="admin")).patch(
        f"/api/v1/accounts/{shop}", json={"owner_id": str(other.id)}
    )

    assert len(pokes(rep_socket)) == 1
    assert len(pokes(other_socket)) == 1


def test_poke_carries_no_content(app, rep, logged_in, shop):
    rep_api = logged_in(rep)
    rep_socket = socket_of(app, rep_api)

    rep_api.post("/api/v1/visits", json=visit_data(shop))

    assert [m["args"] for m in pokes(rep_socket)] == [[{}]]


def test_socket_without_a_session_is_refused(app):
    connection = socketio.test_client(app)

    assert not connection.is_connected()
