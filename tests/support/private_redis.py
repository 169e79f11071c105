"""A Redis server of the test's own on a free loopback port, nothing saved to disk: the shared
one on the default port is left to other tests."""

from __future__ import annotations

import shutil
import subprocess
import time
from collections.abc import Iterator
from contextlib import contextmanager

import redis

from tests.support.app_process import free_port

START_TIMEOUT_S = 10.0
NOTHING_ON_DISK = ("--save", "", "--appendonly", "no")


@contextmanager
def private_redis() -> Iterator[str]:
    """Run `redis-server` for the block; its URL."""
    executable = shutil.which("redis-server")
    assert executable, "redis-server is not installed"
    port = free_port()
    process = subprocess.Popen(
        [executable, "--port", str(port), "--bind", "127.0.0.1", *NOTHING_ON_DISK],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    url = f"redis://127.0.0.1:{port}/0"
    try:
        _wait_for_ping(url, process)
        yield url
    finally:
        process.terminate()
        process.wait()


def _wait_for_ping(url: str, process: subprocess.Popen[bytes]) -> None:
    deadline = time.monotonic() + START_TIMEOUT_S
    while time.monotonic() < deadline and process.poll() is None:
        client = redis.Redis.from_url(url)
        try:
            if client.ping():
                return
        except redis.ConnectionError:
            time.sleep(0.05)
        finally:
            client.close()
    raise RuntimeError("redis-server did not answer")
