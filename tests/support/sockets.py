"""Real Socket.IO and Engine.IO clients against a running server, and a poll with a deadline.

Sockets are python-socketio's client over the websocket transport; `RawEngine` speaks Engine.IO
with python-engineio's client and sends Socket.IO packets by hand, for a client that does not
close its transport when refused (what a hostile one would do).
"""

from __future__ import annotations

import json
import subprocess
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import engineio
import pytest
import redis
import requests
import socketio

from tests.support.app_process import free_port
from tests.support.fixtures import PASSWORD

# Generous: the machine is shared. Each wait prints what it measured.
DEADLINE_S = 30.0


def wait_until(what: str, condition: Callable[[], bool], deadline_s: float = DEADLINE_S) -> float:
    """Poll `condition` until it holds; the seconds it took (printed), or fail at the deadline."""
    started = time.monotonic()
    while not condition():
        if time.monotonic() - started > deadline_s:
            raise AssertionError(f"{what}: not within {deadline_s} s")
        time.sleep(0.01)
    took = time.monotonic() - started
    print(f"{what}: {took * 1000:.0f} ms")
    return took


class Http:
    """A logged-in (or anonymous) HTTP client of a server, sending the CSRF token on writes."""

    def __init__(self, base_url: str, headers: dict[str, str] | None = None) -> None:
        self.base_url = base_url
        self.session = requests.Session()
        self.session.headers.update(headers or {})

    def login(self, email: str) -> Http:
        response = self.session.post(
            f"{self.base_url}/api/v1/auth/login",
            json={"email": email, "password": PASSWORD},
            timeout=30,
        )
        assert response.status_code == 200, response.text
        self.session.headers["X-CSRF-Token"] = response.json()["csrf_token"]
        return self

    def request(self, method: str, path: str, **kwargs: Any) -> requests.Response:
        return self.session.request(method, f"{self.base_url}{path}", timeout=30, **kwargs)

    @property
    def cookie_header(self) -> str:
        return "; ".join(f"{name}={value}" for name, value in self.session.cookies.items())


@dataclass
class Socket:
    """A python-socketio client that records what it received and when it was disconnected."""

    client: socketio.Client
    received: list[tuple[str, Any]] = field(default_factory=list)
    errors: list[Any] = field(default_factory=list)
    disconnected_at: float | None = None
    reason: Any = None

    @property
    def connected(self) -> bool:
        return bool(self.client.connected) and self.disconnected_at is None

    def events(self, name: str) -> list[Any]:
        return [data for event, data in self.received if event == name]

    def error_codes(self) -> list[Any]:
        """The `code` of each refusal the server sent (CONNECT_ERROR)."""
        return [(error.get("data") or {}).get("code") for error in self.errors]


class Sockets:
    """Opens sockets against a server and closes whatever is left at the end of a test."""

    def __init__(self) -> None:
        self.opened: list[Socket] = []
        self.engines: list[RawEngine] = []
        self.clients: list[Http] = []

    def http(self, base_url: str, headers: dict[str, str] | None = None) -> Http:
        """An HTTP client of the server, closed with the sockets."""
        client = Http(base_url, headers)
        self.clients.append(client)
        return client

    def open(
        self,
        base_url: str,
        http: Http | None = None,
        headers: dict[str, str] | None = None,
        auth: dict[str, Any] | None = None,
    ) -> Socket:
        """Connect over websocket with `http`'s cookies; raises socketio's ConnectionError when
        the server refuses. The websocket client sends the server's own URL as `Origin` unless
        `headers` name another one ("" for none at all)."""
        sent = dict(headers or {})
        client = socketio.Client(
            reconnection=False, websocket_extra_options=_origin_option(sent.pop("Origin", None))
        )
        socket = Socket(client)

        @client.on("*")
        def anything(event: str, data: Any = None) -> None:
            socket.received.append((event, data))

        @client.on("connect_error")
        def refused(data: Any = None) -> None:
            socket.errors.append(data)

        @client.on("disconnect")
        def gone(reason: Any = None) -> None:
            socket.disconnected_at = time.monotonic()
            socket.reason = reason

        if http is not None:
            sent.setdefault("Cookie", http.cookie_header)
        self.opened.append(socket)
        client.connect(
            base_url, headers=sent, auth=auth, transports=["websocket"], wait_timeout=DEADLINE_S
        )
        return socket

    def refused(self, *args: Any, **kwargs: Any) -> Socket:
        """Open a socket that the server must refuse; the refused socket (its `errors`)."""
        before = len(self.opened)
        with pytest.raises(socketio.exceptions.ConnectionError):
            self.open(*args, **kwargs)
        return self.opened[before]

    def raw(self, base_url: str, headers: dict[str, str] | None = None) -> RawEngine:
        engine = RawEngine(base_url, headers or {})
        self.engines.append(engine)
        return engine

    def close_all(self) -> None:
        for socket in self.opened:
            if socket.client.connected:
                socket.client.disconnect()
            _close_websocket(socket.client.eio)
        for engine in self.engines:
            engine.close()
            _close_websocket(engine.client)
        for client in self.clients:
            client.session.close()


@pytest.fixture
def sockets() -> Iterator[Sockets]:
    """Socket.IO clients for one test, all closed afterwards."""
    opened = Sockets()
    yield opened
    opened.close_all()


class RawEngine:
    """An Engine.IO connection to /socket.io that never closes itself: it sends the Socket.IO
    packets a test asks for and records what comes back and when the server closed it."""

    def __init__(self, base_url: str, headers: dict[str, str]) -> None:
        headers = dict(headers)
        self.client = engineio.Client(
            websocket_extra_options=_origin_option(headers.pop("Origin", None))
        )
        self.messages: list[str] = []
        self.closed_at: float | None = None
        self.client.on("message", self.messages.append)
        self.client.on("disconnect", self._closed)
        self.client.connect(
            base_url, headers=headers, transports=["websocket"], engineio_path="socket.io"
        )

    def _closed(self, *_: Any) -> None:
        self.closed_at = time.monotonic()

    def send_connect(self, auth: dict[str, Any] | None = None) -> float:
        """Send a Socket.IO CONNECT to namespace `/`; when it was sent."""
        self.client.send("0" + (json.dumps(auth) if auth is not None else ""))
        return time.monotonic()

    def connect_errors(self) -> list[dict[str, Any]]:
        """The CONNECT_ERROR packets received, decoded."""
        return [json.loads(m[1:]) for m in self.messages if isinstance(m, str) and m[:1] == "4"]

    @property
    def open(self) -> bool:
        return self.closed_at is None

    def close(self) -> None:
        if self.client.state == "connected":
            self.client.disconnect()


def _close_websocket(engine: engineio.Client) -> None:
    """The Engine.IO client leaves its websocket open when the server closed the connection."""
    websocket = getattr(engine, "ws", None)
    if websocket is not None:
        websocket.shutdown()  # close() skips a socket whose peer already said goodbye


def _origin_option(origin: str | None) -> dict[str, Any]:
    """The websocket client's own Origin header: another one in `headers` would be a second."""
    if origin is None:
        return {}
    return {"origin": origin} if origin else {"suppress_origin": True}


@dataclass
class RedisServer:
    """A redis-server of a test's own on a free loopback port, keeping nothing on disk."""

    directory: Path
    port: int = field(default_factory=free_port)
    process: subprocess.Popen[bytes] | None = None

    @property
    def url(self) -> str:
        return f"redis://127.0.0.1:{self.port}/0"

    def start(self) -> RedisServer:
        self.process = subprocess.Popen(
            [
                "redis-server",
                "--port",
                str(self.port),
                "--bind",
                "127.0.0.1",
                "--save",
                "",
                "--appendonly",
                "no",
                "--dir",
                str(self.directory),
            ],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        wait_until("redis-server answers", self._answers)
        return self

    def _answers(self) -> bool:
        try:
            with redis.Redis.from_url(self.url, socket_timeout=1) as client:
                return bool(client.ping())
        except redis.RedisError:
            return False

    def stop(self) -> None:
        if self.process is not None and self.process.poll() is None:
            self.process.terminate()
            self.process.wait(timeout=30)

    def restart(self) -> None:
        """Stop and start again on the same port, empty (it keeps nothing)."""
        self.stop()
        self.start()

    def subscribers(self, channel: str) -> int:
        """How many connections listen on a pub/sub channel."""
        with redis.Redis.from_url(self.url, socket_timeout=5) as client:
            return int(dict(client.pubsub_numsub(channel)).get(channel.encode(), 0))


@pytest.fixture(scope="module")
def redis_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[RedisServer]:
    """A Redis for the tests of one module, stopped afterwards."""
    server = RedisServer(tmp_path_factory.mktemp("redis")).start()
    yield server
    server.stop()
