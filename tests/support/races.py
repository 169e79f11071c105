"""Two writers at once, made deterministic: one transaction has written and not committed yet
while a request runs into it; it commits once the request waits on its lock."""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from typing import Any

import psycopg

from tests.support.database import libpq

# How long to wait for the request to reach the lock before giving up (not a timing assert).
LOCK_WAIT_LIMIT_S = 60.0


def race_with_uncommitted(
    database_url: str, statement: str, parameters: tuple[Any, ...], request: Callable[[], Any]
) -> Any:
    """Run `statement` in an open transaction, then `request()` in a thread; commit once the
    request waits on a lock the statement holds, and return what the request answered."""
    answers: list[Any] = []
    with psycopg.connect(libpq(database_url)) as first:
        first.execute(statement, parameters)
        thread = threading.Thread(target=lambda: answers.append(request()))
        thread.start()
        _wait_for_a_lock_wait(database_url, thread)
        first.commit()
        thread.join()
    return answers[0]


def _wait_for_a_lock_wait(database_url: str, thread: threading.Thread) -> None:
    deadline = time.monotonic() + LOCK_WAIT_LIMIT_S
    with psycopg.connect(libpq(database_url), autocommit=True) as watcher:
        while thread.is_alive() and time.monotonic() < deadline:
            waiting = watcher.execute(
                "SELECT count(*) FROM pg_stat_activity "
                "WHERE datname = current_database() AND wait_event_type = 'Lock'"
            ).fetchone()
            if waiting and waiting[0]:
                return
            time.sleep(0.01)
    raise AssertionError("the request never waited on the uncommitted write")
