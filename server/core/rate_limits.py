"""Rate limits: uses of one key counted in a window that opens with the first use and lasts a
minute, one row per key, counted and read in one statement so concurrent uses see each other."""

from __future__ import annotations

import math
from datetime import datetime, timedelta

from sqlalchemy import DateTime, Integer, String, case, delete, update
from sqlalchemy.dialects.postgresql import insert
from sqlalchemy.orm import Mapped, mapped_column

from server.core.errors import ApiError
from server.extensions import db

WINDOW = timedelta(minutes=1)


class RateCounter(db.Model):  # type: ignore[name-defined,misc]
    """How many times one key (a login's account and address, a user's checksum calls...) was
    used in the window that opened at `window_start`."""

    __tablename__ = "rate_counters"

    key: Mapped[str] = mapped_column(String(400), primary_key=True)
    window_start: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    hits: Mapped[int] = mapped_column(Integer)


def take(key: str, limit: int, now: datetime, message: str) -> None:
    """Count one use of `key`; 429 rate_limited with Retry-After when that makes more than
    `limit` in the window. The count is part of the caller's transaction: a refused use rolls
    back with it and is not counted, and concurrent uses of one key wait for each other's
    commit (the row is locked), so none of them passes on a stale count."""
    hits, window_start = _count(key, now)
    if hits > limit:
        wait = max(1, math.ceil((window_start + WINDOW - now).total_seconds()))
        raise ApiError(429, "rate_limited", message, headers={"Retry-After": str(wait)})


def _count(key: str, now: datetime) -> tuple[int, datetime]:
    closed = RateCounter.window_start <= now - WINDOW
    statement = (
        insert(RateCounter)
        .values(key=key, window_start=now, hits=1)
        .on_conflict_do_update(
            index_elements=[RateCounter.key],
            set_={
                "hits": case((closed, 1), else_=RateCounter.hits + 1),
                "window_start": case((closed, now), else_=RateCounter.window_start),
            },
        )
        .returning(RateCounter.hits, RateCounter.window_start)
    )
    hits, window_start = db.session.execute(statement).one()
    return int(hits), window_start


def forget(*keys: str) -> None:
    """Start these keys' counts afresh."""
    db.session.execute(delete(RateCounter).where(RateCounter.key.in_(keys)))


def give_back(key: str) -> None:
    """Undo one counted use of `key` (it turned out not to count, a good login say)."""
    db.session.execute(
        update(RateCounter)
        .where(RateCounter.key == key, RateCounter.hits > 0)
        .values(hits=RateCounter.hits - 1)
    )


def forget_closed_windows(now: datetime) -> int:
    """Delete the counters whose window closed (a periodic cleanup); how many went."""
    result = db.session.execute(delete(RateCounter).where(RateCounter.window_start <= now - WINDOW))
    return int(result.rowcount)  # type: ignore[attr-defined]
