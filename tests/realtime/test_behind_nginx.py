"""Two production servers behind nginx, configured by the example in deploy/nginx/ (TLS,
websocket upgrades, sticky sessions), sharing Redis: a device's socket stays on the process
that answered its handshake, and hears of a change made through the other process.

Which process answered what comes from nginx's access log (tests/support/nginx.py), where the
test's clients sign their requests with an X-Test-Client header.
"""

from __future__ import annotations

from collections.abc import Iterator

import pytest
import requests

from tests.support.app_process import AppProcess, start_together
from tests.support.devices import Device, heard, log_in, wait_for
from tests.support.nginx import Nginx
from tests.support.redis_server import RedisServer

# Logins until one lands on the process wanted: each lands on either with even odds.
MAX_LOGINS = 30


@pytest.fixture
def proxy(app, database_url, tmp_path_factory) -> Iterator[Nginx]:
    """Redis, two app processes deployed as the README says, and nginx in front of them."""
    redis_server = RedisServer(tmp_path_factory.mktemp("redis")).start()
    logs = tmp_path_factory.mktemp("gunicorn")
    env = {
        "REDIS_URL": redis_server.url,
        "TRUSTED_PROXY_HOPS": "1",
        "WAYPOINT_ENV": "production",
    }
    apps = [AppProcess(database_url, logs / f"{name}.log", env) for name in ("a", "b")]
    nginx = None
    try:
        start_together(apps)
        nginx = Nginx(tmp_path_factory.mktemp("nginx"), apps).start()
        yield nginx
    finally:
        if nginx is not None:
            nginx.stop()
        for process in apps:
            process.kill()
        redis_server.stop()


def requests_of(nginx: Nginx, client: str, path: str = "/") -> list[dict]:
    """The access log's entries of one test client under a path."""
    return [
        entry
        for entry in nginx.access_log()
        if entry["client"] == client and entry["uri"].startswith(path)
    ]


def session_on(nginx: Nginx, process: AppProcess, email: str, client: str) -> requests.Session:
    """A session logged in through nginx whose requests nginx sends to `process`: log in again
    (a new session cookie, hashed anew) until a request of it is answered there."""
    for attempt in range(MAX_LOGINS):
        http = nginx.session()
        log_in(http, nginx.url, email)
        http.headers["X-Test-Client"] = f"{client}-{attempt}"
        assert http.get(f"{nginx.url}/api/v1/auth/me", timeout=30).status_code == 200
        # nginx logs a request once it has answered it: the line may come a moment later.
        (probe,) = wait_for(lambda n=attempt: requests_of(nginx, f"{client}-{n}", "/api/v1/"))
        if probe["app"] is process:
            return http
        http.close()
    raise AssertionError(f"no login in {MAX_LOGINS} landed on {process.url}")


def test_a_device_on_one_process_hears_of_a_change_made_through_the_other(proxy, org, make_user):
    rep, admin = make_user(org), make_user(org, role="admin")
    device = Device("rep", proxy.url, rep.email, http=proxy.session()).connect()
    admin_http = None
    try:
        # The socket upgraded to a websocket through nginx; its handshake says where it lives.
        assert device.socket.transport() == "websocket"
        handshake = wait_for(lambda: requests_of(proxy, "rep", "/socket.io/"))[0]
        process_a = handshake["app"]
        (process_b,) = [app for app in proxy.upstreams.values() if app is not process_a]

        admin_http = session_on(proxy, process_b, admin.email, "admin")
        admin_http.headers["X-Test-Client"] = "admin"
        created = admin_http.post(
            f"{proxy.url}/api/v1/tasks",
            json={"title": "Call the florist", "assignee_id": str(rep.id)},
            timeout=30,
        )
        assert created.status_code == 201, created.text
        task_id = created.json()["id"]
        changed = admin_http.patch(
            f"{proxy.url}/api/v1/tasks/{task_id}", json={"priority": "high"}, timeout=30
        )
        assert changed.status_code == 200, changed.text

        assert heard(device, "task.updated", task_id, changed.json()["version"])
        wait_for(lambda: device.tasks().get(task_id) == changed.json()["version"])
    finally:
        device.close()
        if admin_http is not None:
            admin_http.close()

    writes = wait_for(
        lambda: len(found := requests_of(proxy, "admin", "/api/v1/tasks")) > 1 and found
    )
    assert [(entry["method"], entry["app"]) for entry in writes] == [
        ("POST", process_b),
        ("PATCH", process_b),
    ]
    # Every request of the device's socket, the websocket too (logged once it closed), went
    # to the process of its handshake.
    socket_requests = wait_for(
        lambda: (
            [e for e in requests_of(proxy, "rep", "/socket.io/") if e["status"] == "101"]
            and requests_of(proxy, "rep", "/socket.io/")
        ),
        what="the websocket in nginx's access log",
    )
    assert {entry["app"] for entry in socket_requests} == {process_a}
    # The device's pulls went there too: one session, one process.
    pulls = requests_of(proxy, "rep", "/api/v1/sync/pull")
    assert pulls
    assert {entry["app"] for entry in pulls} == {process_a}
