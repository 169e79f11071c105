"""A signed-in device outside the browser that keeps its working set the way the PWA does
(pwa/src/sync/index.js and engine.js): a Socket.IO connection whose connect, every reconnect,
`sync.poke` and task events only make it pull; one pull at a time, and a trigger that arrives
during a pull runs one more; the pull (GET /api/v1/sync/pull, page after page) is the truth.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from typing import Any

import requests
import socketio

from tests.support.fixtures import PASSWORD

TASK_EVENTS = ("task.created", "task.updated", "task.deleted")
CONNECT_TIMEOUT_S = 20.0


def log_in(http: requests.Session, base_url: str, email: str) -> None:
    """Log `http` in (a new session cookie) and keep its CSRF token for writes."""
    answer = http.post(
        f"{base_url}/api/v1/auth/login", json={"email": email, "password": PASSWORD}, timeout=30
    )
    assert answer.status_code == 200, answer.text
    http.headers["X-CSRF-Token"] = answer.json()["csrf_token"]


def wait_for(condition: Callable[[], Any], timeout_s: float = 20.0, what: str = "") -> Any:
    """Poll until `condition()` is truthy and return it; fail after the deadline."""
    deadline = time.monotonic() + timeout_s
    while True:
        value = condition()
        if value:
            return value
        if time.monotonic() > deadline:
            raise AssertionError(f"gave up waiting {timeout_s} s for {what or condition}")
        time.sleep(0.02)


def heard(device: Device, event: str, task_id: str, version: int, timeout_s: float = 20.0) -> bool:
    """Whether `device` hears `event` about the task at `version` within the time given."""
    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline:
        if (event, version) in [
            (name, task["version"]) for name, task in device.task_events(task_id)
        ]:
            return True
        time.sleep(0.02)
    return False


def visible_tasks(http: requests.Session, base_url: str) -> dict[str, int]:
    """What the server says the caller may see now: task id -> version (GET /tasks)."""
    found: dict[str, int] = {}
    params: dict[str, Any] = {"limit": 500}
    while True:
        answer = http.get(f"{base_url}/api/v1/tasks", params=params, timeout=30)
        assert answer.status_code == 200, answer.text
        page = answer.json()
        found.update({task["id"]: task["version"] for task in page["items"]})
        if not page["next_cursor"]:
            return found
        params["cursor"] = page["next_cursor"]


class Device:
    """One signed-in device: its own session, socket, pull cursor and store."""

    def __init__(
        self, name: str, base_url: str, email: str, http: requests.Session | None = None
    ) -> None:
        self.name = name
        self.base_url = base_url
        self.http = http or requests.Session()
        self.http.headers["X-Test-Client"] = name  # names its requests in a proxy's log
        log_in(self.http, base_url, email)
        self.events: list[tuple[str, Any]] = []
        self.connects = 0
        self.pulls = 0
        self.pull_errors: list[str] = []
        self._store: dict[str, dict[str, dict[str, Any]]] = {}
        self._cursor: str | None = None
        self._lock = threading.Lock()
        self._wake = threading.Event()
        self._stopped = False
        self._engine = threading.Thread(target=self._run, name=f"device {name}", daemon=True)
        self._engine.start()
        # The socket's own requests session, with the same cookies and trust: the engine pulls
        # with self.http while the socket long-polls.
        self._socket_http = requests.Session()
        self._socket_http.cookies = self.http.cookies
        self._socket_http.verify = self.http.verify
        self._socket_http.trust_env = self.http.trust_env
        self.socket = socketio.Client(
            http_session=self._socket_http,
            reconnection_delay=0.1,
            reconnection_delay_max=1,
            # A browser sends one Origin, which the headers below carry, on every request.
            websocket_extra_options={"suppress_origin": True},
        )
        self.socket.on("connect", self._on_connect)
        self.socket.on("sync.poke", lambda *_: self._heard("sync.poke", None))
        for event in TASK_EVENTS:
            self.socket.on(event, self._hear(event))

    def connect(self, url: str | None = None) -> Device:
        """Open the socket (to `url`, or where the device logged in), as a browser page would:
        long-polling first, then the websocket upgrade."""
        target = url or self.base_url
        headers = {"Origin": target, "X-Test-Client": self.name}
        self.socket.connect(target, headers=headers, wait_timeout=CONNECT_TIMEOUT_S)
        return self

    def close(self) -> None:
        """Disconnect and stop pulling."""
        self.socket.disconnect()
        self._stopped = True
        self._wake.set()
        self._engine.join(timeout=30)
        self.http.close()
        self._socket_http.close()

    # What the device holds ------------------------------------------------------------------

    def tasks(self) -> dict[str, int]:
        """The tasks on the device: id -> version."""
        with self._lock:
            return {id_: row["version"] for id_, row in self._store.get("task", {}).items()}

    def task_events(self, task_id: str) -> list[tuple[str, dict[str, Any]]]:
        """The task events heard about one task, in order: (name, task)."""
        with self._lock:
            heard = list(self.events)
        return [
            (name, data["task"])
            for name, data in heard
            if name in TASK_EVENTS and data["task"]["id"] == task_id
        ]

    # The engine -----------------------------------------------------------------------------

    def _on_connect(self) -> None:
        with self._lock:
            self.connects += 1
        self._trigger()

    def _hear(self, event: str) -> Callable[[Any], None]:
        return lambda data: self._heard(event, data)

    def _heard(self, event: str, data: Any) -> None:
        with self._lock:
            self.events.append((event, data))
        self._trigger()

    def _trigger(self) -> None:
        self._wake.set()

    def _run(self) -> None:
        while True:
            self._wake.wait()
            self._wake.clear()  # a trigger from here on runs one more pull
            if self._stopped:
                return
            try:
                self._pull()
            except (requests.RequestException, AssertionError) as error:
                with self._lock:
                    self.pull_errors.append(str(error))
                time.sleep(0.1)
                self._wake.set()  # as the PWA's timer would: try again

    def _pull(self) -> None:
        while True:
            params = {"cursor": self._cursor} if self._cursor else {}
            answer = self.http.get(f"{self.base_url}/api/v1/sync/pull", params=params, timeout=30)
            assert answer.status_code == 200, answer.text
            page = answer.json()
            with self._lock:
                for change in page["changes"]:
                    rows = self._store.setdefault(change["entity"], {})
                    if change["op"] == "upsert":
                        rows[change["data"]["id"]] = change["data"]
                    else:
                        rows.pop(change["data"]["id"], None)
                self._cursor = page["cursor"]
                self.pulls += 1
            if not page["has_more"]:
                return
