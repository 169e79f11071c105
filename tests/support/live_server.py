"""The real app served over HTTP on a free loopback port, for browser tests."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import TYPE_CHECKING

import pytest
from flask import Flask
from werkzeug.serving import BaseWSGIServer, make_server

if TYPE_CHECKING:
    from _typeshed.wsgi import WSGIApplication


@dataclass
class LiveServer:
    """Where the running app answers."""

    server: BaseWSGIServer

    @property
    def url(self) -> str:
        """Base URL, e.g. http://127.0.0.1:54321."""
        return f"http://127.0.0.1:{self.server.server_port}"


@pytest.fixture(scope="session")
def live_server(migrated_app: Flask) -> Iterator[LiveServer]:
    """The worker's app (and database) served in a background thread for the whole session."""
    server = make_server("127.0.0.1", 0, migrated_app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield LiveServer(server)
    server.shutdown()
    server.server_close()


@contextmanager
def serving(wsgi_app: WSGIApplication) -> Iterator[LiveServer]:
    """Serve any WSGI app (an app variant, a switch between two) in a background thread for
    the duration of the `with` block."""
    server = make_server("127.0.0.1", 0, wsgi_app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield LiveServer(server)
    finally:
        server.shutdown()
        server.server_close()
