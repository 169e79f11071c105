"""Many real Socket.IO clients held open against a server process: python-socketio's asyncio
client over websockets, every client on one event loop in a background thread, so hundreds of
connections cost the test process no thread each. Sessions are started in the database directly
(the same rows a login writes), so opening a crowd pays for no password hashing."""

from __future__ import annotations

import asyncio
import threading
from collections.abc import Callable, Coroutine, Iterable
from typing import Any

import socketio
from flask import Flask

from server.core.auth import DEVELOPMENT_SESSION_COOKIE
from server.core.clock import now_utc
from server.core.transaction import unit_of_work
from server.users.models import User
from server.users.operations import start_session

# How many clients open their connection at once (the rest queue behind them).
OPENING_AT_ONCE = 50
CONNECT_TIMEOUT_S = 30.0


def session_cookies(app: Flask, users: Iterable[User]) -> list[str]:
    """A Cookie header value per user, for a fresh session of theirs (as a login makes)."""
    with app.app_context(), unit_of_work():
        secrets = [start_session(user, now_utc()).secret for user in users]
    return [f"{DEVELOPMENT_SESSION_COOKIE}={secret}" for secret in secrets]


class Crowd:
    """Socket.IO clients connected to one server, each recording the events it receives."""

    def __init__(self, url: str) -> None:
        self.url = url
        self.clients: list[socketio.AsyncClient] = []
        self.received: list[list[tuple[str, Any]]] = []
        self._loop = asyncio.new_event_loop()
        self._thread = threading.Thread(target=self._loop.run_forever, name="socket-crowd")
        self._thread.start()

    def _run(self, work: Callable[[], Coroutine[Any, Any, Any]]) -> Any:
        return asyncio.run_coroutine_threadsafe(work(), self._loop).result()

    def connect(self, cookies: list[str]) -> list[int]:
        """Open one connection per Cookie header; the indexes of those the server accepted."""

        async def open_all() -> list[bool]:
            gate = asyncio.Semaphore(OPENING_AT_ONCE)
            clients = [self._new_client() for _ in cookies]

            async def open_one(client: socketio.AsyncClient, cookie: str) -> bool:
                async with gate:
                    try:
                        await client.connect(
                            self.url,
                            headers={"Cookie": cookie},
                            transports=["websocket"],
                            wait_timeout=CONNECT_TIMEOUT_S,
                        )
                    except socketio.exceptions.ConnectionError:
                        return False
                    return True

            return list(await asyncio.gather(*map(open_one, clients, cookies)))

        first = len(self.clients)
        accepted = self._run(open_all)
        return [first + number for number, ok in enumerate(accepted) if ok]

    def _new_client(self) -> socketio.AsyncClient:
        client = socketio.AsyncClient(reconnection=False)
        events: list[tuple[str, Any]] = []

        async def record(event: str, *args: Any) -> None:
            events.append((event, args[0] if args else None))

        client.on("*", record)
        self.clients.append(client)
        self.received.append(events)
        return client

    def connected(self) -> int:
        """How many clients are connected right now."""

        async def count() -> int:
            return sum(1 for client in self.clients if client.connected)

        return int(self._run(count))

    def events(self, number: int) -> list[tuple[str, Any]]:
        """What client `number` received so far (event name, first argument)."""

        async def copy() -> list[tuple[str, Any]]:
            return list(self.received[number])

        return list(self._run(copy))

    def close(self) -> None:
        """Disconnect every client, end whatever the clients left running, stop the loop."""

        async def disconnect_all() -> None:
            await asyncio.gather(
                *(client.disconnect() for client in self.clients), return_exceptions=True
            )
            others = [task for task in asyncio.all_tasks() if task is not asyncio.current_task()]
            for task in others:
                task.cancel()
            await asyncio.gather(*others, return_exceptions=True)

        try:
            self._run(disconnect_all)
        finally:
            self._loop.call_soon_threadsafe(self._loop.stop)
            self._thread.join()
            self._loop.close()
