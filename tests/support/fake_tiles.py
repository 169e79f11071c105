"""A local slippy-map tile server: GET /{z}/{x}/{y}.png answers a 256x256 PNG, like a real one.

Browser tests point TILE_URL here, so the map never fetches tiles from the internet, and they
can check which tiles the map asked for.
"""

from __future__ import annotations

import re
import struct
import threading
import zlib
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler
from typing import Any

from tests.support.loopback import LoopbackHttpServer

TILE_SIZE = 256
MAX_ZOOM = 19
_TILE_PATH = re.compile(r"^/(\d{1,2})/(\d{1,7})/(\d{1,7})\.png$")


def _chunk(kind: bytes, data: bytes) -> bytes:
    body = kind + data
    return struct.pack(">I", len(data)) + body + struct.pack(">I", zlib.crc32(body))


def solid_png(rgb: tuple[int, int, int] = (214, 226, 205)) -> bytes:
    """A valid 256x256 8-bit RGB PNG of one colour (each row: filter byte 0, then pixels)."""
    header = struct.pack(">IIBBBBB", TILE_SIZE, TILE_SIZE, 8, 2, 0, 0, 0)
    row = b"\x00" + bytes(rgb) * TILE_SIZE
    pixels = zlib.compress(row * TILE_SIZE, 9)
    return (
        b"\x89PNG\r\n\x1a\n"
        + _chunk(b"IHDR", header)
        + _chunk(b"IDAT", pixels)
        + _chunk(b"IEND", b"")
    )


@dataclass(frozen=True)
class TileRequest:
    """One tile the server was asked for."""

    z: int
    x: int
    y: int


@dataclass
class FakeTileServer:
    """Serves tiles on a free loopback port and remembers every tile requested."""

    requests: list[TileRequest] = field(default_factory=list)
    server: LoopbackHttpServer | None = None
    _lock: threading.Lock = field(default_factory=threading.Lock)

    @property
    def origin(self) -> str:
        """scheme://host:port, what a CSP names."""
        assert self.server is not None
        return self.server.origin

    @property
    def url_template(self) -> str:
        """The TILE_URL template pointing at this server."""
        return self.origin + "/{z}/{x}/{y}.png"

    def reset(self) -> None:
        """Forget the requests seen so far."""
        with self._lock:
            self.requests.clear()

    def seen(self) -> list[TileRequest]:
        """A copy of the tiles requested so far."""
        with self._lock:
            return list(self.requests)

    def start(self) -> FakeTileServer:
        """Serve in a daemon thread."""
        self.server = LoopbackHttpServer(_handler_for(self))
        return self

    def stop(self) -> None:
        """Shut the server down."""
        if self.server is not None:
            self.server.stop()

    def record(self, tile: TileRequest) -> None:
        """Remember a tile request (called from the server's threads)."""
        with self._lock:
            self.requests.append(tile)


def _valid(z: int, x: int, y: int) -> bool:
    return z <= MAX_ZOOM and x < 2**z and y < 2**z


def _handler_for(fake: FakeTileServer) -> type[BaseHTTPRequestHandler]:
    png = solid_png()

    class Handler(BaseHTTPRequestHandler):
        def do_GET(self) -> None:
            match = _TILE_PATH.match(self.path.split("?", 1)[0])
            if match is None or not _valid(*(int(part) for part in match.groups())):
                self._send(404, b"not a tile", "text/plain")
                return
            z, x, y = (int(part) for part in match.groups())
            fake.record(TileRequest(z, x, y))
            self._send(200, png, "image/png")

        def _send(self, status: int, body: bytes, content_type: str) -> None:
            self.send_response(status)
            self.send_header("Content-Type", content_type)
            self.send_header("Content-Length", str(len(body)))
            # What public tile servers send: cacheable for a while, usable cross-origin.
            self.send_header("Cache-Control", "max-age=86400")
            self.send_header("Access-Control-Allow-Origin", "*")
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, *args: Any) -> None:
            return

    return Handler
