"""Time and identifiers, in one place so they read the same everywhere."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime, timedelta

# Phone clocks drift: what a device stamps a little in the future still really happened.
DEVICE_CLOCK_SKEW = timedelta(hours=1)


def now_utc() -> datetime:
    """The current time, timezone-aware, in UTC."""
    return datetime.now(UTC)


def new_id() -> uuid.UUID:
    """A new random UUID for a row the server creates."""
    return uuid.uuid4()
