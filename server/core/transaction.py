"""unit_of_work(): the only place in Waypoint that commits; savepoint() for work that may fail
on its own inside a larger transaction; reads_without_transaction for views that only read;
release_connection() before a view waits on something outside."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from functools import wraps
from typing import Any, TypeVar, cast

from sqlalchemy.orm import Session

from server.core.events import discard_after, queued, take_queued
from server.core.queue import discard_jobs_after, queued_jobs, take_jobs
from server.extensions import db

F = TypeVar("F", bound=Callable[..., Any])


@contextmanager
def unit_of_work() -> Iterator[Session]:
    """Run a block of domain work and commit it, or roll everything back on any error."""
    session = db.session()
    try:
        yield session
        session.commit()
    except BaseException:
        session.rollback()
        take_queued(session)
        take_jobs(session)
        raise


@contextmanager
def savepoint() -> Iterator[Session]:
    """A nested transaction: on error its writes and the events and jobs it queued are undone, the
    enclosing transaction goes on, and the error propagates."""
    session = db.session()
    mark, job_mark = len(queued(session)), len(queued_jobs(session))
    try:
        with session.begin_nested():
            yield session
    except BaseException:
        discard_after(session, mark)
        discard_jobs_after(session, job_mark)
        raise


def release_connection() -> None:
    """End the request's reads and give its connection back to the pool before a long wait (an
    outbound call): nothing may be left to write. Loaded objects stay readable, detached."""
    db.session.close()


def reads_without_transaction(view: F) -> F:
    """Run a view that only reads with each statement on its own, outside a transaction.

    A read-only request otherwise pays two more round trips to PostgreSQL than its queries,
    BEGIN before the first and ROLLBACK at teardown, which on a busy small machine cost a
    millisecond or more of a nearby list. Each statement (the caller's session or token, then
    the data) still sees the latest committed data, as it would in the READ COMMITTED
    transaction it replaces. Put it above the login check, so that lookup runs this way too;
    never on a view whose writes must be atomic.
    """

    @wraps(view)
    def run(*args: Any, **kwargs: Any) -> Any:
        db.session.connection(execution_options={"isolation_level": "AUTOCOMMIT"})
        return view(*args, **kwargs)

    return cast(F, run)
