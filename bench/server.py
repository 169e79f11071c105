"""The production server configuration (gunicorn.conf.py) run as a subprocess for the benchmark."""

from __future__ import annotations

import http.client
import os
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from bench.database import SECRET_KEY

ROOT = Path(__file__).resolve().parents[1]
START_TIMEOUT_S = 30.0
STOP_TIMEOUT_S = 10.0


def free_port() -> int:
    """A loopback port nobody listens on right now."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


@contextmanager
def production_server(
    database_url: str, log_path: Path, extra_env: dict[str, str] | None = None
) -> Iterator[int]:
    """`gunicorn -c gunicorn.conf.py` on a free loopback port; yields the port, always stopped."""
    port = free_port()
    env = {
        **os.environ,
        **(extra_env or {}),
        "DATABASE_URL": database_url,
        "HOST": "127.0.0.1",
        "PORT": str(port),
        "SECRET_KEY": SECRET_KEY,
        "WAYPOINT_ENV": "production",
    }
    gunicorn = str(Path(sys.executable).parent / "gunicorn")
    with log_path.open("wb") as log:
        process = subprocess.Popen(
            [gunicorn, "-c", "gunicorn.conf.py"],
            cwd=ROOT,
            env=env,
            stdout=log,
            stderr=subprocess.STDOUT,
        )
        try:
            _wait_until_healthy(process, port, log_path)
            yield port
        finally:
            _stop(process)


def _wait_until_healthy(process: subprocess.Popen[bytes], port: int, log_path: Path) -> None:
    deadline = time.monotonic() + START_TIMEOUT_S
    while time.monotonic() < deadline:
        if process.poll() is not None:
            break
        if _healthy(port):
            return
        time.sleep(0.2)
    tail = log_path.read_text(errors="replace")[-2000:]
    raise RuntimeError(f"gunicorn did not become healthy on port {port}:\n{tail}")


def _healthy(port: int) -> bool:
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=2)
    try:
        connection.request("GET", "/healthz")
        return connection.getresponse().status == 200
    except OSError:
        return False
    finally:
        connection.close()


def _stop(process: subprocess.Popen[bytes]) -> None:
    """SIGTERM (gunicorn's graceful stop), then SIGKILL if it lingers."""
    if process.poll() is not None:
        return
    process.terminate()
    try:
        process.wait(timeout=STOP_TIMEOUT_S)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait()
