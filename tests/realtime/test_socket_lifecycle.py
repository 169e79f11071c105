"""Socket security and lifecycle on the production server (gunicorn.conf.py), with real
Socket.IO and Engine.IO clients: who may connect, from where, how many, and how sockets end.

Every delay measured is printed; nothing is asserted about time but the deadline of a poll.
The server trusts one proxy hop, so each test's sockets come from an address of its own
(X-Forwarded-For), and caps are small (3 per user, 4 per address) to be reached quickly.
"""

from __future__ import annotations

import itertools
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
import requests
import socketio
from flask import Flask

from server.core.auth import DEVELOPMENT_SESSION_COOKIE
from server.orgs.models import Organisation
from server.users.models import User
from tests.support.app_process import AppProcess
from tests.support.sockets import Http, Socket, Sockets, wait_until
from tests.sync.support import visit_data

PARTNER = "https://partner.example"
PER_USER = 3
PER_ADDRESS = 4
_addresses = itertools.count(1)


@pytest.fixture(scope="module")
def server(
    migrated_app: Flask, database_url: str, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[AppProcess]:
    log = tmp_path_factory.mktemp("gunicorn") / "gunicorn.log"
    env = {
        "SOCKETS_PER_USER": str(PER_USER),
        "SOCKETS_PER_ADDRESS": str(PER_ADDRESS),
        "TRUSTED_PROXY_HOPS": "1",
        "SOCKET_ALLOWED_ORIGINS": PARTNER,
        "SOCKET_CONNECT_TIMEOUT_S": "2",
    }
    process = AppProcess(database_url, Path(log), env).start()
    yield process
    process.kill()


class Client:
    """One test's view of the server: logins and sockets from the test's own address."""

    def __init__(self, server: AppProcess, sockets: Sockets) -> None:
        self.url = server.url
        self.sockets = sockets
        self.address = f"198.51.100.{next(_addresses) % 250 + 1}"

    def login(self, user: User) -> Http:
        return self.sockets.http(self.url, {"X-Forwarded-For": self.address}).login(user.email)

    def headers(self, **extra: str) -> dict[str, str]:
        return {"X-Forwarded-For": self.address} | extra

    def handshake(self, **headers: str) -> requests.Response:
        """A bare Engine.IO handshake (polling), as the first request of any client."""
        return requests.get(
            f"{self.url}/socket.io/?EIO=4&transport=polling",
            headers=self.headers(**headers),
            timeout=30,
        )

    def socket(self, http: Http | None = None, **kwargs: Any) -> Socket:
        headers = self.headers() | kwargs.pop("headers", {})
        return self.sockets.open(self.url, http, headers=headers, **kwargs)

    def refused(self, http: Http | None = None, **kwargs: Any) -> Socket:
        headers = self.headers() | kwargs.pop("headers", {})
        return self.sockets.refused(self.url, http, headers=headers, **kwargs)

    def token_for(self, admin: Http, user: User) -> tuple[str, str]:
        """An API token acting as `user`: (its id, its secret)."""
        response = admin.request(
            "POST", "/api/v1/api-tokens", json={"name": "integration", "user_id": str(user.id)}
        )
        assert response.status_code == 201, response.text
        return response.json()["id"], response.json()["token"]


@pytest.fixture
def client(app: Flask, server: AppProcess, sockets: Sockets) -> Client:
    return Client(server, sockets)


@pytest.fixture
def admin(org: Organisation, make_user: Callable[..., User]) -> User:
    return make_user(org, role="admin")


# -- who may connect ------------------------------------------------------------------------


def test_a_connect_without_credentials_is_refused_and_its_transport_closed(client):
    engine = client.sockets.raw(client.url, client.headers())

    sent = engine.send_connect()

    wait_until("refusal (CONNECT_ERROR)", lambda: bool(engine.connect_errors()))
    assert engine.connect_errors()[0]["data"] == {"code": "unauthorized"}
    wait_until("the server closed the refused transport", lambda: not engine.open)
    print(f"from CONNECT to closed transport: {(engine.closed_at - sent) * 1000:.0f} ms")


def test_a_connect_with_a_wrong_token_is_refused_and_its_transport_closed(client):
    engine = client.sockets.raw(client.url, client.headers())

    engine.send_connect({"token": "not-a-token"})

    wait_until("refusal (CONNECT_ERROR)", lambda: bool(engine.connect_errors()))
    wait_until("the server closed the refused transport", lambda: not engine.open)


def test_a_connection_that_never_connects_is_closed_after_the_connect_timeout(client):
    engine = client.sockets.raw(client.url, client.headers())

    wait_until("a silent connection closed (SOCKET_CONNECT_TIMEOUT_S=2)", lambda: not engine.open)

    assert engine.connect_errors() == []


def test_a_stale_session_cookie_is_refused_at_the_handshake(client, rep):
    stale = {"Cookie": f"{DEVELOPMENT_SESSION_COOKIE}=ended-long-ago"}

    handshake = client.handshake(**stale)

    assert handshake.status_code == 401
    assert handshake.json()["error"]["code"] == "unauthorized"
    client.refused(headers=stale)


def test_an_api_token_in_auth_connects_and_a_revoked_one_is_refused(client, admin, rep):
    admin_http = client.login(admin)
    token_id, secret = client.token_for(admin_http, rep)

    socket = client.socket(auth={"token": secret})
    assert socket.connected
    client.refused(auth={"token": secret + "x"})

    assert admin_http.request("DELETE", f"/api/v1/api-tokens/{token_id}").status_code == 204
    wait_until("the revoked token's socket closed", lambda: not socket.connected)
    client.refused(auth={"token": secret})


# -- from where -------------------------------------------------------------------------------


@pytest.mark.parametrize("origin", ["https://evil.example", "null", "http://127.0.0.1:1"])
def test_a_foreign_origin_is_refused_and_the_apps_own_and_listed_ones_accepted(client, rep, origin):
    rep_http = client.login(rep)

    assert client.handshake(Origin=origin).status_code == 400
    client.refused(rep_http, headers={"Origin": origin})
    assert client.socket(rep_http, headers={"Origin": client.url}).connected
    assert client.socket(rep_http, headers={"Origin": PARTNER}).connected
    # Behind the trusted proxy, the host the browser asked for is the app's own.
    forwarded = {
        "Origin": "https://crm.example.com",
        "X-Forwarded-Host": "crm.example.com",
        "X-Forwarded-Proto": "https",
    }
    assert client.socket(rep_http, headers=forwarded).connected


def test_a_client_that_sends_no_origin_is_judged_by_its_credentials_alone(client, admin, rep):
    _, secret = client.token_for(client.login(admin), rep)

    assert client.socket(headers={"Origin": ""}, auth={"token": secret}).connected
    client.refused(headers={"Origin": ""}, auth={"token": "not-a-token"})


def test_forwarded_headers_are_ignored_without_a_trusted_proxy(app_with):
    """In process, through the real Engine.IO server: without TRUSTED_PROXY_HOPS the forwarded
    host is the client's word, not the app's origin."""
    forwarded = {
        "Origin": "https://crm.example.com",
        "X-Forwarded-Host": "crm.example.com",
        "X-Forwarded-Proto": "https",
    }
    handshake = "/socket.io/?EIO=4&transport=polling"

    untrusting = app_with(trusted_proxy_hops=0).test_client()
    assert untrusting.get(handshake, headers=forwarded).status_code == 400
    trusting = app_with(trusted_proxy_hops=1).test_client()
    assert trusting.get(handshake, headers=forwarded).status_code == 200


# -- how many -------------------------------------------------------------------------------


def test_a_user_holds_at_most_the_per_user_cap(client, rep):
    rep_http = client.login(rep)
    held = [client.socket(rep_http) for _ in range(PER_USER)]

    refused = client.refused(rep_http)

    assert refused.error_codes() == ["too_many_sockets"]
    held[0].client.disconnect()
    wait_until("a place freed by a disconnect is taken again", lambda: _connects(client, rep_http))


def test_an_address_holds_at_most_the_per_address_cap(client, org, make_user):
    users = [client.login(make_user(org)) for _ in range(2)]
    for http in users:
        for _ in range(PER_ADDRESS // 2):
            client.socket(http)

    client.refused(client.login(make_user(org)))
    other_address = {"X-Forwarded-For": "203.0.113.9"}
    assert client.socket(users[0], headers=other_address).connected


def test_connections_that_never_connect_count_against_the_address_until_closed(client, rep):
    engines = [client.sockets.raw(client.url, client.headers()) for _ in range(PER_ADDRESS)]
    rep_http = client.login(rep)

    client.refused(rep_http)

    wait_until("the silent connections closed", lambda: not any(e.open for e in engines))
    wait_until("the address free again", lambda: _connects(client, rep_http))


def _connects(client: Client, http: Http) -> bool:
    try:
        client.socket(http)
    except socketio.exceptions.ConnectionError:
        return False
    return True


# -- how sockets end ------------------------------------------------------------------------


def _closed_within(what: str, socket: Socket, sent_at: float) -> None:
    wait_until(what, lambda: not socket.connected)
    assert socket.disconnected_at is not None
    print(f"{what}: {(socket.disconnected_at - sent_at) * 1000:.0f} ms after the request left")


def test_logging_out_closes_the_sockets_of_the_users_sessions(client, admin, rep):
    rep_http = client.login(rep)
    browser = client.socket(rep_http)
    other_device = client.socket(client.login(rep))
    _, secret = client.token_for(client.login(admin), rep)
    integration = client.socket(auth={"token": secret})

    sent_at = time.monotonic()
    response = rep_http.request("POST", "/api/v1/auth/logout")

    assert response.status_code == 204
    _closed_within("logout closed the browser's socket", browser, sent_at)
    _closed_within("logout closed the other device's socket", other_device, sent_at)
    assert browser.reason == socketio.Client.reason.SERVER_DISCONNECT
    assert integration.connected  # an API token is no session: it still holds


def test_disabling_a_user_closes_every_socket_of_theirs(client, admin, rep):
    browser = client.socket(client.login(rep))
    admin_http = client.login(admin)
    _, secret = client.token_for(admin_http, rep)
    integration = client.socket(auth={"token": secret})

    sent_at = time.monotonic()
    response = admin_http.request("PATCH", f"/api/v1/users/{rep.id}", json={"is_active": False})

    assert response.status_code == 200
    _closed_within("disabling closed the browser's socket", browser, sent_at)
    _closed_within("disabling closed the integration's socket", integration, sent_at)
    client.refused(auth={"token": secret})


def test_changing_a_password_closes_the_users_sockets(client, admin, rep):
    browser = client.socket(client.login(rep))
    admin_http = client.login(admin)

    sent_at = time.monotonic()
    response = admin_http.request(
        "PATCH", f"/api/v1/users/{rep.id}", json={"password": "another long password 43"}
    )

    assert response.status_code == 200
    _closed_within("a new password closed the socket", browser, sent_at)


def test_a_new_role_closes_the_socket_and_the_next_connect_joins_the_new_roles_rooms(
    client, org, admin, rep, make_user, make_account
):
    other_rep = make_user(org)
    other_shop = make_account(org, 26.1, 44.43, owner_id=other_rep.id)
    other_http = client.login(other_rep)
    rep_http = client.login(rep)
    as_rep = client.socket(rep_http)
    admin_http = client.login(admin)

    sent_at = time.monotonic()
    response = admin_http.request("PATCH", f"/api/v1/users/{rep.id}", json={"role": "manager"})

    assert response.status_code == 200
    _closed_within("a new role closed the socket", as_rep, sent_at)
    # Dropped without a DISCONNECT: a browser's client reconnects by itself.
    assert as_rep.reason != socketio.Client.reason.SERVER_DISCONNECT
    as_manager = client.socket(rep_http)
    other_http.request("POST", "/api/v1/visits", json=visit_data(other_shop))
    wait_until("the manager hears a rep's visit", lambda: bool(as_manager.events("sync.poke")))


def test_unrelated_users_keep_their_sockets(client, admin, rep, org, make_user):
    bystander = client.socket(client.login(make_user(org)))
    victim = client.socket(client.login(rep))

    client.login(admin).request("PATCH", f"/api/v1/users/{rep.id}", json={"is_active": False})

    wait_until("the disabled user's socket closed", lambda: not victim.connected)
    assert bystander.connected
