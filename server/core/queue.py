"""The background job queue: procrastinate on the app's own PostgreSQL.

Domain operations never defer a job themselves: like events, they hold a job request on the
session with `queue_job`, and it is deferred only once the transaction has committed, so a
rollback (of the whole transaction, or of the savepoint the request was made in) queues nothing.
A request lost between the commit and the deferral (the process died) is caught by the periodic
job that looks for work left undone (see server/jobs).
"""

from __future__ import annotations

import atexit
import json
import logging
import threading
from collections.abc import Callable
from dataclasses import dataclass, field
from itertools import groupby
from typing import Any

import procrastinate
from flask import Flask, current_app
from sqlalchemy import event
from sqlalchemy.engine import make_url
from sqlalchemy.orm import Session

from server.config import Settings

log = logging.getLogger(__name__)

JOBS_KEY = "waypoint_jobs"
QUEUE_KEY = "waypoint_job_queue"
REGISTER_KEY = "waypoint_job_register"

Register = Callable[[procrastinate.App, Flask], None]


@dataclass(frozen=True)
class JobRequest:
    """A task to run in the background once the transaction commits."""

    task: str
    kwargs: dict[str, Any] = field(default_factory=dict)


def queued_jobs(session: Session) -> list[JobRequest]:
    """The job requests waiting on this session's transaction (the list itself)."""
    jobs: list[JobRequest] = session.info.setdefault(JOBS_KEY, [])
    return jobs


def queue_job(session: Session, task: str, **kwargs: Any) -> None:
    """Defer the task `task` with these (JSON) arguments once the session commits."""
    queued_jobs(session).append(JobRequest(task, kwargs))


def take_jobs(session: Session) -> list[JobRequest]:
    """Remove and return every job request waiting on the session."""
    jobs: list[JobRequest] = session.info.pop(JOBS_KEY, [])
    return jobs


def discard_jobs_after(session: Session, mark: int) -> None:
    """Forget the job requests made after the first `mark` ones (a savepoint rolled back)."""
    del queued_jobs(session)[mark:]


def libpq_url(database_url: str) -> str:
    """The database URL without SQLAlchemy's driver name, as psycopg takes it."""
    url = make_url(database_url).set(drivername="postgresql")
    return url.render_as_string(hide_password=False)


def new_queue(app: Flask, max_connections: int = 4) -> procrastinate.App:
    """A procrastinate app on `app`'s database, with Waypoint's tasks and schedule registered.
    The worker opens it asynchronously; the web process opens its own one synchronously."""
    settings: Settings = app.config["WAYPOINT_SETTINGS"]
    connector = procrastinate.PsycopgConnector(
        conninfo=libpq_url(settings.database_url), min_size=1, max_size=max_connections
    )
    queue = procrastinate.App(connector=connector)
    register: Register = app.extensions[REGISTER_KEY]
    register(queue, app)
    return queue


def init_queue(app: Flask, register: Register) -> None:
    """Give `app` a job queue whose tasks `register` adds; defer job requests after commits."""
    app.extensions[REGISTER_KEY] = register
    app.extensions[QUEUE_KEY] = _LazyQueue(app)
    if not event.contains(Session, "after_commit", _after_commit):
        event.listen(Session, "after_commit", _after_commit)
        event.listen(Session, "after_rollback", _after_rollback)


def close_queue(app: Flask) -> None:
    """Close the web side's connections to the queue (tests, shutdown)."""
    app.extensions[QUEUE_KEY].close()


def defer_jobs(jobs: list[JobRequest]) -> None:
    """Defer job requests now, each distinct one once, one statement per task. A task whose
    queueing lock says it is queued already (and not started) is not queued again."""
    queue = current_app.extensions[QUEUE_KEY].opened()
    distinct = {(job.task, json.dumps(job.kwargs, sort_keys=True)): job for job in jobs}
    ordered = sorted(distinct.values(), key=lambda job: job.task)
    for task, group in groupby(ordered, key=lambda job: job.task):
        try:
            queue.configure_task(task).batch_defer(*(job.kwargs for job in group))
        except procrastinate.exceptions.AlreadyEnqueued:
            log.debug("%s is queued already", task)


class _LazyQueue:
    """The web process's queue, opened (a small connection pool) on the first deferral."""

    def __init__(self, app: Flask) -> None:
        self._app = app
        self._queue: procrastinate.App | None = None
        self._lock = threading.Lock()

    def opened(self) -> procrastinate.App:
        with self._lock:
            if self._queue is None:
                queue = new_queue(self._app)
                queue.open()
                self._queue = queue
                # Its pool's threads must end before the interpreter does.
                atexit.register(self.close)
            return self._queue

    def close(self) -> None:
        with self._lock:
            if self._queue is not None:
                self._queue.close()
                self._queue = None


def _after_commit(session: Session) -> None:
    if session.get_nested_transaction() is not None:
        # A savepoint was released: its requests wait for the enclosing transaction's commit.
        return
    jobs = take_jobs(session)
    if not jobs:
        return
    try:
        defer_jobs(jobs)
    except Exception:
        # The data is committed; the periodic sweep finds the work this request stood for.
        log.exception("could not defer %d background jobs; the sweep will catch up", len(jobs))


def _after_rollback(session: Session) -> None:
    # A rollback of the whole transaction (not a savepoint's) drops what it requested.
    if not session.in_transaction():
        take_jobs(session)
