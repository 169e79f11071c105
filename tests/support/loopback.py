"""A small HTTP server on a free loopback port, for the local stand-ins of outside services."""

from __future__ import annotations

import json
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qs, urlsplit


class LoopbackHttpServer:
    """Serves `handler` on 127.0.0.1 from a daemon thread until stopped."""

    def __init__(self, handler: type[BaseHTTPRequestHandler]) -> None:
        self._server = ThreadingHTTPServer(("127.0.0.1", 0), handler)
        threading.Thread(target=self._server.serve_forever, daemon=True).start()

    @property
    def origin(self) -> str:
        """http://127.0.0.1:<port>"""
        host, port = self._server.server_address[:2]
        return f"http://{host!s}:{port}"

    def stop(self) -> None:
        """Shut the server down and free its port."""
        self._server.shutdown()
        self._server.server_close()


class QuietJsonHandler(BaseHTTPRequestHandler):
    """A request handler that answers JSON and logs nothing: the base of the stand-ins'. A GET
    is handled by `get`."""

    def do_GET(self) -> None:
        self.get()

    def get(self) -> None:
        """Answer a GET (every stand-in defines it)."""
        raise NotImplementedError

    def path_and_query(self) -> tuple[str, dict[str, str]]:
        """The request's path and its query (the last value of each name)."""
        parts = urlsplit(self.path)
        return parts.path, {name: values[-1] for name, values in parse_qs(parts.query).items()}

    def send_json(self, status: int, body: Any, content_type: str = "application/json") -> None:
        """Answer `body` as JSON; a client that gave up waiting (a timeout test) is no error."""
        raw = json.dumps(body).encode()
        try:
            self.send_response(status)
            self.send_header("Content-Type", content_type)
            self.send_header("Content-Length", str(len(raw)))
            self.end_headers()
            self.wfile.write(raw)
        except (BrokenPipeError, ConnectionResetError):
            return

    def log_message(self, *args: Any) -> None:
        return
