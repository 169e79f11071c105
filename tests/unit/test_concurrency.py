"""The async mode is chosen, never guessed: gevent only in a process patched in time."""

import subprocess
import sys

import pytest

from server.core.concurrency import check_async_mode
from tests.support.app_process import ROOT


def test_threading_mode_needs_nothing():
    check_async_mode("threading")


def test_gevent_mode_is_refused_in_a_process_gevent_has_not_patched():
    """This test process runs plain threads, as the development server and the CLI do."""
    with pytest.raises(RuntimeError, match="not patched: socket"):
        check_async_mode("gevent")


def test_unknown_mode_is_refused():
    with pytest.raises(ValueError, match="WAYPOINT_ASYNC_MODE"):
        check_async_mode("eventlet")


# A gevent-patched process (as gunicorn's worker makes) hands work to off_the_event_loop that
# waits on a real lock only a greenlet releases: the greenlet runs only if the event loop goes on
# while the work waits, so True proves the work ran in a thread of its own.
OFF_THE_LOOP = """
from gevent import monkey
monkey.patch_all()
import gevent
from server.core.concurrency import off_the_event_loop, use_async_mode
use_async_mode("gevent")
lock = monkey.get_original("_thread", "allocate_lock")()
lock.acquire()
gevent.spawn(lock.release)
print(off_the_event_loop(lambda: lock.acquire(timeout=20)))
"""


def test_cpu_heavy_work_leaves_the_gevent_loop_running():
    """Password hashing under gevent runs beside the event loop, not on it."""
    done = subprocess.run(
        [sys.executable, "-c", OFF_THE_LOOP], cwd=ROOT, capture_output=True, text=True, check=False
    )

    assert done.returncode == 0, done.stderr[-2000:]
    assert done.stdout.strip() == "True"
