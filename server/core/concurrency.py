"""How this process runs concurrent work: OS threads, or gevent greenlets under gunicorn.

The production server (gunicorn.conf.py) runs gunicorn's gevent worker, which monkey-patches the
standard library before it imports the app, and says so with WAYPOINT_ASYNC_MODE=gevent: an open
websocket is then a greenlet waiting on its socket, not a thread. Everything else (the development
server, the test suite's servers, the CLI and the job worker) runs plain threads. The mode is
never guessed from what happens to be installed; a process told "gevent" that is not patched, or
whose database driver would block every greenlet, refuses to start.
"""

from __future__ import annotations

import os
import sys
from collections.abc import Callable
from typing import Any, TypeVar

T = TypeVar("T")

THREADING = "threading"
GEVENT = "gevent"
ASYNC_MODES = (THREADING, GEVENT)
# What gevent must have patched before the app was imported: sockets (HTTP, Redis, the geocoder,
# websockets), select and selectors (psycopg's wait functions), threads and locks (the pools,
# simple-websocket's readers), time (sleeps).
PATCHED_MODULES = ("socket", "select", "selectors", "_thread", "threading", "time", "ssl")

_mode = THREADING
# Real OS threads for CPU-heavy calls under gevent (created on first use); as many as cores, so
# a burst of logins neither stalls the event loop nor holds more argon2 memory than can run.
_cpu_threads: Any = None


def use_async_mode(mode: str) -> None:
    """Run this process in `mode`, after checking it can (ValueError for an unknown mode,
    RuntimeError when gevent is asked for and the process is not ready for it)."""
    global _mode
    check_async_mode(mode)
    _mode = mode


def check_async_mode(mode: str) -> None:
    """Refuse a mode the process cannot honour (ValueError for an unknown one, RuntimeError when
    gevent is asked for and the process is not ready for it)."""
    if mode not in ASYNC_MODES:
        raise ValueError(f"WAYPOINT_ASYNC_MODE must be one of {', '.join(ASYNC_MODES)}: {mode!r}")
    if mode == GEVENT:
        _check_gevent()


def off_the_event_loop(work: Callable[..., T], *args: Any) -> T:
    """Run CPU-heavy work that releases the GIL (password hashing: argon2 takes a tenth of a
    second and more) without stalling the process. Under gevent a greenlet that computes holds
    every other one, every request and every socket, until it is done: the work runs in a real
    thread while the caller's greenlet waits. Under threads it runs right here."""
    global _cpu_threads
    if _mode != GEVENT:
        return work(*args)
    if _cpu_threads is None:
        from gevent.threadpool import ThreadPool

        _cpu_threads = ThreadPool(maxsize=os.cpu_count() or 1)
    result: T = _cpu_threads.apply(work, args)
    return result


def _check_gevent() -> None:
    monkey = sys.modules.get("gevent.monkey")
    unpatched = [
        name for name in PATCHED_MODULES if monkey is None or not monkey.is_module_patched(name)
    ]
    if unpatched:
        raise RuntimeError(
            "WAYPOINT_ASYNC_MODE=gevent needs a process gevent has monkey-patched before the app "
            f"is imported (gunicorn's gevent worker does); not patched: {', '.join(unpatched)}"
        )
    import selectors

    from psycopg import waiting

    # psycopg picks its wait function when it is first imported: its C one (wait_c) blocks the
    # whole process, the Python ones wait through the patched select/selectors and let other
    # greenlets run. Imported before the patch, it would keep the blocking one.
    if getattr(waiting, "wait_c", None) is waiting.wait or (
        getattr(waiting, "DefaultSelector", None) is not selectors.DefaultSelector
    ):
        raise RuntimeError(
            "psycopg was imported before gevent patched the standard library, so its queries "
            "would block every greenlet: import nothing that imports psycopg in gunicorn.conf.py"
        )
