"""Background jobs in tests: a real procrastinate worker, run in this process until no job is
left, and what the queue holds."""

from __future__ import annotations

import threading
from typing import Any

from flask import Flask
from sqlalchemy import text

from server.core.queue import new_queue
from server.extensions import db


def run_jobs(app: Flask, queues: list[str] | None = None) -> None:
    """Run a worker on `app`'s queue until no job waits (the same worker `flask worker` runs).

    It runs in a thread of its own: the worker starts its own event loop, and this test
    process may already run one in its main thread (the browser tests' Playwright does)."""
    failures: list[BaseException] = []

    def work() -> None:
        try:
            new_queue(app).run_worker(
                wait=False,
                install_signal_handlers=False,
                listen_notify=False,
                concurrency=1,
                queues=queues,
            )
        except BaseException as error:  # re-raised in the test's thread below
            failures.append(error)

    worker = threading.Thread(target=work, name="job-worker")
    worker.start()
    worker.join()
    if failures:
        raise failures[0]


def jobs_of(app: Flask, task: str) -> list[dict[str, Any]]:
    """Every job of a task in the queue, whatever its state: (status, args)."""
    with app.app_context():
        rows = db.session.execute(
            text("SELECT status, args FROM procrastinate_jobs WHERE task_name = :task ORDER BY id"),
            {"task": task},
        ).all()
        db.session.rollback()
    return [{"status": str(status), "args": args} for status, args in rows]
