"""The real app served over HTTP on a free loopback port, for browser tests."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from dataclasses import dataclass

import pytest
from flask import Flask
from werkzeug.serving import BaseWSGIServer, make_server


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
