"""unit_of_work(): the only place in Waypoint that commits; savepoint() for work that may fail
on its own inside a larger transaction."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

from sqlalchemy.orm import Session

from server.core.events import discard_after, queued, take_queued
from server.extensions import db


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
        raise


@contextmanager
def savepoint() -> Iterator[Session]:
    """A nested transaction: on error its writes and the events it queued are undone, the
    enclosing transaction goes on, and the error propagates."""
    session = db.session()
    mark = len(queued(session))
    try:
        with session.begin_nested():
            yield session
    except BaseException:
        discard_after(session, mark)
        raise
