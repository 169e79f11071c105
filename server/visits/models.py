"""The visits table: append-only records of check-ins."""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Any

from sqlalchemy import CheckConstraint, DateTime, Float, ForeignKey, Index, String, Text, text
from sqlalchemy.dialects.postgresql import JSONB
from sqlalchemy.orm import Mapped, mapped_column

from server.core.changes import change_stamp_column, version_digest_column
from server.core.checks import one_of
from server.extensions import db
from server.geo.types import geography_point

OUTCOMES = ("met", "no_answer", "order", "follow_up", "not_interested", "other")
VERIFICATIONS = ("verified", "out_of_range", "unverifiable")


class Visit(db.Model):  # type: ignore[name-defined,misc]
    """A check-in: when, where the device said it was, how far that is from the account."""

    __tablename__ = "visits"
    __table_args__ = (
        CheckConstraint(one_of("outcome", OUTCOMES), name="visits_outcome_known"),
        CheckConstraint(one_of("verification", VERIFICATIONS), name="visits_verification_known"),
        Index("visits_org_account_idx", "org_id", "account_id", "started_at"),
        Index("visits_org_user_idx", "org_id", "user_id", "started_at"),
        Index("visits_org_change_idx", "org_id", "change_xid", "id"),
        # The retention job looks only at visits that still hold coordinates.
        Index("visits_located_idx", "started_at", postgresql_where=text("location IS NOT NULL")),
    )

    id: Mapped[uuid.UUID] = mapped_column(primary_key=True)
    org_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("organisations.id", ondelete="CASCADE"))
    user_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("users.id"))
    account_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("accounts.id"))
    task_id: Mapped[uuid.UUID | None] = mapped_column()
    started_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    ended_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    location: Mapped[Any] = mapped_column(geography_point(), nullable=True)
    accuracy_m: Mapped[float | None] = mapped_column(Float)
    distance_m: Mapped[float | None] = mapped_column(Float)
    verification: Mapped[str] = mapped_column(String(16))
    outcome: Mapped[str] = mapped_column(String(16))
    notes: Mapped[str] = mapped_column(Text, server_default="")
    next_step: Mapped[dict[str, Any] | None] = mapped_column(JSONB(none_as_null=True))
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    location_dropped_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    change_xid: Mapped[int] = change_stamp_column()
    # Never changed once written: its version is always 1.
    version_digest: Mapped[int] = version_digest_column("'1'")
