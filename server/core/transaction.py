"""unit_of_work(): the only place in Waypoint that commits."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

from sqlalchemy.orm import Session

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
        raise
