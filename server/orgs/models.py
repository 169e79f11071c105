"""The organisation table."""

from __future__ import annotations

import uuid
from datetime import datetime

from sqlalchemy import DateTime, Float, Integer, String, func
from sqlalchemy.orm import Mapped, mapped_column

from server.extensions import db

DEFAULT_VERIFICATION_RADIUS_M = 150.0
DEFAULT_LOCATION_RETENTION_DAYS = 60


class Organisation(db.Model):  # type: ignore[name-defined,misc]
    """A company using Waypoint; tenancy hangs off its id."""

    __tablename__ = "organisations"

    id: Mapped[uuid.UUID] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(200))
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), server_default=func.now())
    # A check-in within this many metres of the account (allowing for GPS accuracy) is verified.
    verification_radius_m: Mapped[float] = mapped_column(
        Float, default=DEFAULT_VERIFICATION_RADIUS_M, server_default="150"
    )
    # Raw visit coordinates are dropped after this many days; the verification result stays.
    visit_location_retention_days: Mapped[int] = mapped_column(
        Integer, default=DEFAULT_LOCATION_RETENTION_DAYS, server_default="60"
    )
