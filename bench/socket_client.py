"""A lean Socket.IO client, for holding thousands of sockets from one asyncio loop.

It speaks the real protocol, only the part the app uses: Engine.IO v4 over a websocket from the
first request (no long-polling), the default namespace, text packets. The server's open packet
("0{...}") comes first; "40" asks to join the namespace, answered by "40{...}" or refused by
"44{...}"; the server's pings ("2") are answered at once ("3"); events arrive as
`42["name", data]`. Each event keeps two times (time.perf_counter): when its bytes reached the
connection's transport callback, and when the client's reader had decoded it.

Why not python-socketio's AsyncClient (over aiohttp)? Each of its clients brings its own HTTP
session, reconnection machinery and background tasks. Against one server on a 2-core machine,
1,000 of them took 12.3 s to connect, 1.8 ms of CPU and 28 kB each; 1,000 of these took 3.8 s,
1.1 ms and 9 kB. And an event reaches its handler only after the library's read loop has
decoded it: the handler's clock is the only receipt time it offers.
"""

from __future__ import annotations

import asyncio
import json
import time
from collections import deque
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from websockets.asyncio.client import ClientConnection, connect
from websockets.exceptions import ConnectionClosed, InvalidHandshake
from websockets.frames import DATA_OPCODES, Frame
from websockets.protocol import Event
from websockets.typing import Origin

OPEN, CLOSE, PING, PONG, MESSAGE, NOOP = "0", "1", "2", "3", "4", "6"
SIO_CONNECT, SIO_DISCONNECT, SIO_EVENT, SIO_CONNECT_ERROR = "0", "1", "2", "4"

# (arrival, handled, event name, data) for each event a client got: when its bytes reached
# the connection's protocol callback and when this client's reader had decoded it.
Received = tuple[float, float, str, Any]
EventHook = Callable[["SocketClient", Received], None]


class StampedConnection(ClientConnection):
    """A websocket connection that notes when each message's last frame arrived: the time of
    the transport callback that delivered its bytes, the first code of this process to see
    them, before any of the loop's queues."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.arrivals: deque[float] = deque()
        self._chunk_at = 0.0

    def data_received(self, data: bytes) -> None:
        self._chunk_at = time.perf_counter()
        super().data_received(data)

    def process_event(self, event: Event) -> None:
        if (
            self.response is not None
            and isinstance(event, Frame)
            and event.opcode in DATA_OPCODES
            and event.fin
        ):
            self.arrivals.append(self._chunk_at)
        super().process_event(event)


class RefusedError(Exception):
    """The server refused the Socket.IO connection (or closed it during the handshake)."""


@dataclass(eq=False)
class SocketClient:
    """One Socket.IO connection: connected by `open`, read by its own task until `close`."""

    base_url: str
    headers: dict[str, str]
    on_event: EventHook | None = None
    received: list[Received] = field(default_factory=list)
    pings: int = 0
    closed_by_server: bool = False
    _ws: StampedConnection | None = None
    _reader: asyncio.Task[None] | None = None

    async def open(self, timeout: float = 30.0) -> None:
        """Open the websocket and join the default namespace; RefusedError when turned away."""
        url = self.base_url.replace("http", "ws", 1) + "/socket.io/?EIO=4&transport=websocket"
        async with asyncio.timeout(timeout):
            try:
                ws = await connect(
                    url,
                    create_connection=StampedConnection,
                    origin=Origin(self.base_url),
                    additional_headers=self.headers,
                    compression=None,
                    # Engine.IO keeps the connection alive with its own pings.
                    ping_interval=None,
                    open_timeout=None,
                    close_timeout=1,
                    max_size=2**20,
                )
            except InvalidHandshake as error:
                raise RefusedError(f"websocket refused: {error}") from error
            assert isinstance(ws, StampedConnection)
            self._ws = ws
            try:
                opening = await self._recv()
                if not isinstance(opening, str) or not opening.startswith(OPEN):
                    raise RefusedError(f"expected an Engine.IO open packet, got {opening!r}")
                await ws.send(MESSAGE + SIO_CONNECT)
                while True:
                    answer = await self._recv()
                    if answer == PING:
                        await ws.send(PONG)
                        continue
                    if isinstance(answer, str) and answer.startswith(MESSAGE + SIO_CONNECT):
                        break
                    raise RefusedError(f"connection refused: {answer!r}")
            except (RefusedError, ConnectionClosed) as error:
                await ws.close()
                raise RefusedError(str(error)) from error
        self._reader = asyncio.create_task(self._read())

    async def _recv(self) -> str | bytes:
        assert self._ws is not None
        message = await self._ws.recv()
        self._ws.arrivals.popleft()
        return message

    async def _read(self) -> None:
        assert self._ws is not None
        try:
            async for message in self._ws:
                arrived = self._ws.arrivals.popleft()
                if message == PING:
                    self.pings += 1
                    await self._ws.send(PONG)
                elif isinstance(message, str) and message.startswith(MESSAGE + SIO_EVENT):
                    name, data = _event(message[2:])
                    event = (arrived, time.perf_counter(), name, data)
                    self.received.append(event)
                    if self.on_event is not None:
                        self.on_event(self, event)
                elif message in (CLOSE, MESSAGE + SIO_DISCONNECT):
                    self.closed_by_server = True
                    break
        except ConnectionClosed:
            self.closed_by_server = True

    @property
    def is_open(self) -> bool:
        """Connected, and not closed by the server since."""
        return self._reader is not None and not self._reader.done()

    async def close(self) -> None:
        """Leave politely (Socket.IO disconnect, then the websocket's close)."""
        if self._ws is None:
            return
        try:
            if self.is_open:
                await self._ws.send(MESSAGE + SIO_DISCONNECT)
            await self._ws.close()
        except ConnectionClosed:
            pass
        if self._reader is not None:
            await self._reader


def _event(packet: str) -> tuple[str, Any]:
    # An event without an ack id: `["name", data]` (an ack id would be digits before the "[").
    start = packet.index("[")
    body = json.loads(packet[start:])
    return body[0], body[1] if len(body) > 1 else None
