"""A redis-server of a test's own, on a free port, that the test may stop, start and pause.
(The shared Redis on 6379 is never restarted or flushed by a test.)"""

from __future__ import annotations

import os
import shutil
import signal
import subprocess
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import redis

from tests.support.app_process import free_port

START_TIMEOUT_S = 10.0


def redis_server_binary() -> str:
    """redis-server, which `make test` installs (scripts/ensure-servers.sh) when missing."""
    found = shutil.which("redis-server") or shutil.which("redis-server", path="/usr/sbin:/usr/bin")
    if found is None:
        raise RuntimeError("redis-server is missing: run scripts/ensure-servers.sh")
    return found


class RedisServer:
    """`redis-server --save '' --appendonly no` on one loopback port, kept across restarts."""

    def __init__(self, workdir: Path) -> None:
        self.port = free_port()
        self.workdir = workdir
        self.process: subprocess.Popen[bytes] | None = None

    @property
    def url(self) -> str:
        """The REDIS_URL of this server."""
        return f"redis://127.0.0.1:{self.port}/0"

    def start(self) -> RedisServer:
        """Start the server and wait until it answers PING."""
        command = [
            redis_server_binary(),
            *("--port", str(self.port), "--bind", "127.0.0.1"),
            *("--save", "", "--appendonly", "no", "--dir", str(self.workdir)),
        ]
        with (self.workdir / "redis.log").open("ab") as log:
            self.process = subprocess.Popen(command, stdout=log, stderr=log, start_new_session=True)
        deadline = time.monotonic() + START_TIMEOUT_S
        client = redis.Redis(port=self.port, socket_connect_timeout=1, socket_timeout=1)
        try:
            while time.monotonic() < deadline:
                if self.process.poll() is not None:
                    break
                try:
                    if client.ping():
                        return self
                except redis.RedisError:
                    time.sleep(0.02)
        finally:
            client.close()
        self.stop()
        raise RuntimeError((self.workdir / "redis.log").read_text(errors="replace")[-2000:])

    def stop(self) -> None:
        """Stop the server (SIGTERM; nothing is saved) and wait until it has exited."""
        if self.process is not None and self.process.poll() is None:
            os.kill(self.process.pid, signal.SIGCONT)  # a paused server cannot exit
            self.process.terminate()
            try:
                self.process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()

    def restart(self) -> None:
        """Stop, then start again on the same port: every connection to it breaks."""
        self.stop()
        self.start()

    def pause(self) -> None:
        """Freeze the server (SIGSTOP): connections stay open, and nothing answers."""
        assert self.process is not None
        os.kill(self.process.pid, signal.SIGSTOP)

    def resume(self) -> None:
        """Let a paused server go on."""
        assert self.process is not None
        os.kill(self.process.pid, signal.SIGCONT)


@contextmanager
def private_redis() -> Iterator[str]:
    """A RedisServer for the block, in a temporary directory; its URL."""
    with tempfile.TemporaryDirectory(prefix="redis-") as workdir:
        server = RedisServer(Path(workdir)).start()
        try:
            yield server.url
        finally:
            server.stop()
