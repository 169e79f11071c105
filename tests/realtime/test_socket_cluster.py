"""Two production server processes sharing SECRET_KEY and a Redis of the test's own: socket
closes and socket counts hold across them, and a process that dies leaves no count behind."""

from __future__ import annotations

import time
from collections.abc import Iterator
from pathlib import Path

import pytest
import socketio
from flask import Flask

from tests.support.app_process import AppProcess
from tests.support.sockets import Http, RedisServer, Sockets, wait_until

PER_USER = 2
LEASE_S = 3
CLOSES = "waypoint:sockets:close"


@pytest.fixture(scope="module")
def cluster(
    migrated_app: Flask,
    database_url: str,
    redis_server: RedisServer,
    tmp_path_factory: pytest.TempPathFactory,
) -> Iterator[list[AppProcess]]:
    """Processes A and B; a test may kill one (the next test gets it back)."""
    logs = tmp_path_factory.mktemp("cluster")
    env = {
        "REDIS_URL": redis_server.url,
        "SOCKETS_PER_USER": str(PER_USER),
        "SOCKET_LEASE_S": str(LEASE_S),
    }
    processes = [AppProcess(database_url, Path(logs / f"{name}.log"), env) for name in "ab"]
    for process in processes:
        process.start()
    yield processes
    for process in processes:
        process.kill()


@pytest.fixture
def a_and_b(app: Flask, cluster: list[AppProcess]) -> list[AppProcess]:
    for process in cluster:
        if process.process is None or process.process.poll() is not None:
            process.start()
    return cluster


def test_disabling_a_user_through_b_closes_their_socket_on_a(a_and_b, org, rep, make_user):
    a, b = a_and_b
    sockets = Sockets()
    try:
        on_a = sockets.open(a.url, sockets.http(a.url).login(rep.email))
        bystander = sockets.open(a.url, sockets.http(a.url).login(make_user(org).email))
        admin = sockets.http(b.url).login(make_user(org, role="admin").email)

        sent_at = time.monotonic()
        response = admin.request("PATCH", f"/api/v1/users/{rep.id}", json={"is_active": False})

        assert response.status_code == 200
        wait_until("the socket on A closed", lambda: not on_a.connected)
        assert on_a.disconnected_at is not None
        took = (on_a.disconnected_at - sent_at) * 1000
        print(f"closed on A {took:.0f} ms after the request to B left")
        assert on_a.reason == socketio.Client.reason.SERVER_DISCONNECT
        assert bystander.connected
    finally:
        sockets.close_all()


def test_closes_cross_processes_again_once_redis_is_back(
    a_and_b, redis_server, org, rep, make_user
):
    a, b = a_and_b
    sockets = Sockets()
    try:
        on_a = sockets.open(a.url, sockets.http(a.url).login(rep.email))
        sockets.open(b.url, sockets.http(b.url).login(make_user(org).email))
        admin = sockets.http(b.url).login(make_user(org, role="admin").email)
        wait_until("A and B listen for closes", lambda: redis_server.subscribers(CLOSES) == 2)

        redis_server.restart()

        wait_until("A and B listen again", lambda: redis_server.subscribers(CLOSES) == 2)
        response = admin.request("PATCH", f"/api/v1/users/{rep.id}", json={"is_active": False})
        assert response.status_code == 200
        wait_until("the socket on A closed", lambda: not on_a.connected)
    finally:
        sockets.close_all()


def test_the_per_user_cap_holds_across_processes(a_and_b, rep):
    a, b = a_and_b
    sockets = Sockets()
    try:
        http_a, http_b = sockets.http(a.url).login(rep.email), sockets.http(b.url).login(rep.email)
        sockets.open(a.url, http_a)
        on_b = sockets.open(b.url, http_b)

        assert sockets.refused(a.url, http_a).error_codes() == ["too_many_sockets"]
        assert sockets.refused(b.url, http_b).error_codes() == ["too_many_sockets"]
        on_b.client.disconnect()
        wait_until("B's freed place taken on A", lambda: _connects(sockets, a.url, http_a))
    finally:
        sockets.close_all()


def test_the_places_of_a_process_that_died_expire(a_and_b, rep):
    a, b = a_and_b
    sockets = Sockets()
    try:
        http_a, http_b = sockets.http(a.url).login(rep.email), sockets.http(b.url).login(rep.email)
        for _ in range(PER_USER):
            sockets.open(a.url, http_a)
        assert sockets.refused(b.url, http_b).error_codes() == ["too_many_sockets"]

        a.kill()

        wait_until(
            f"a place on B once A's leases ran out (SOCKET_LEASE_S={LEASE_S})",
            lambda: _connects(sockets, b.url, http_b),
        )
    finally:
        sockets.close_all()


def _connects(sockets: Sockets, url: str, http: Http) -> bool:
    try:
        sockets.open(url, http)
    except socketio.exceptions.ConnectionError:
        return False
    return True
