"""The production server (gunicorn.conf.py: gunicorn's gevent worker) as a separate process that
a test may kill."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
import requests
from flask import Flask

ROOT = Path(__file__).resolve().parents[2]
START_TIMEOUT_S = 30.0


def free_port() -> int:
    """A loopback port nobody listens on right now."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


class AppProcess:
    """`gunicorn -c gunicorn.conf.py` on one port, against one database, startable again."""

    def __init__(
        self, database_url: str, log_path: Path, env: dict[str, str] | None = None
    ) -> None:
        self.port = free_port()
        self.database_url = database_url
        self.log_path = log_path
        self.extra_env = env or {}
        self.process: subprocess.Popen[bytes] | None = None

    @property
    def url(self) -> str:
        """Base URL of the server."""
        return f"http://127.0.0.1:{self.port}"

    def start(self) -> AppProcess:
        """Start the server and wait until /healthz answers."""
        env = {
            **os.environ,
            "DATABASE_URL": self.database_url,
            "HOST": "127.0.0.1",
            "PORT": str(self.port),
            "SECRET_KEY": "test-secret-key",
            "REDIS_URL": "",
            **self.extra_env,
        }
        gunicorn = str(Path(sys.executable).parent / "gunicorn")
        with self.log_path.open("ab") as log:
            self.process = subprocess.Popen(
                [gunicorn, "-c", "gunicorn.conf.py"],
                cwd=ROOT,
                env=env,
                stdout=log,
                stderr=log,
                start_new_session=True,  # its own process group: kill() takes the workers too
            )
        deadline = time.monotonic() + START_TIMEOUT_S
        while time.monotonic() < deadline and self.process.poll() is None:
            try:
                if requests.get(f"{self.url}/healthz", timeout=2).status_code == 200:
                    return self
            except requests.RequestException:
                time.sleep(0.1)
        self.kill()
        raise RuntimeError(self.log_path.read_text(errors="replace")[-2000:])

    def kill(self) -> None:
        """SIGKILL the arbiter and its workers at once, as a crash or an OOM kill would."""
        if self.process is not None and self.process.poll() is None:
            os.killpg(self.process.pid, signal.SIGKILL)
            self.process.wait()


@pytest.fixture(scope="module")
def production_server(
    migrated_app: Flask, database_url: str, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[AppProcess]:
    """`gunicorn -c gunicorn.conf.py` on the worker's database, for the tests of one module
    (each test still starts from empty tables: the `app` fixture wipes them)."""
    log = tmp_path_factory.mktemp("gunicorn") / "gunicorn.log"
    process = AppProcess(database_url, log).start()
    yield process
    process.kill()
