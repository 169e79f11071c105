"""The campaigns table and each campaign's targets."""

from __future__ import annotations

import uuid
from datetime import date, datetime
from typing import Any

from sqlalchemy import CheckConstraint, Date, DateTime, ForeignKey, Index, Integer, String, Text
from sqlalchemy.dialects.postgresql import JSONB
from sqlalchemy.orm import Mapped, mapped_column

from server.core.checks import one_of
from server.extensions import db

STATUSES = ("draft", "launched", "done")
ASSIGNMENTS = ("owner", "territory", "nearest_rep")
LAUNCH_STATES = ("queued", "running", "done")


class Campaign(db.Model):  # type: ignore[name-defined,misc]
    """An audience (an area or a saved segment, and filters) to be visited between two dates;
    launched, it becomes one visit task per target account."""

    __tablename__ = "campaigns"
    __table_args__ = (
        CheckConstraint(one_of("status", STATUSES), name="campaigns_status_known"),
        CheckConstraint(
            "assignment IS NULL OR " + one_of("assignment", ASSIGNMENTS),
            name="campaigns_assignment_known",
        ),
        CheckConstraint(
            "launch_state IS NULL OR " + one_of("launch_state", LAUNCH_STATES),
            name="campaigns_launch_state_known",
        ),
        Index("campaigns_org_created_idx", "org_id", "created_at", "id"),
    )

    id: Mapped[uuid.UUID] = mapped_column(primary_key=True)
    org_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("organisations.id", ondelete="CASCADE"))
    name: Mapped[str] = mapped_column(String(200))
    # The area as the API takes it (GeoJSON, a circle, a corridor or a territory reference),
    # or none when the audience comes from a saved segment.
    area: Mapped[dict[str, Any] | None] = mapped_column(JSONB)
    segment_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("segments.id"))
    filters: Mapped[dict[str, Any]] = mapped_column(JSONB, server_default="{}")
    starts_on: Mapped[date | None] = mapped_column(Date)
    ends_on: Mapped[date | None] = mapped_column(Date)
    talking_points: Mapped[str] = mapped_column(Text, server_default="")
    task_template: Mapped[dict[str, Any]] = mapped_column(JSONB, server_default="{}")
    status: Mapped[str] = mapped_column(String(16))
    assignment: Mapped[str | None] = mapped_column(String(16))
    launched_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    # The background job that turns the audience into targets and tasks (at launch and on each
    # refresh): queued, running or done, with the targets it made of those it set out to make.
    launch_state: Mapped[str | None] = mapped_column(String(16))
    launch_created: Mapped[int] = mapped_column(Integer, server_default="0")
    launch_total: Mapped[int] = mapped_column(Integer, server_default="0")
    created_by: Mapped[uuid.UUID] = mapped_column(ForeignKey("users.id"))
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    updated_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    version: Mapped[int] = mapped_column(Integer)


class CampaignTarget(db.Model):  # type: ignore[name-defined,misc]
    """An account in a launched campaign's audience, the rep it went to and its task. The
    primary key is what makes a second launch create nothing new."""

    __tablename__ = "campaign_targets"
    __table_args__ = (Index("campaign_targets_task_idx", "task_id"),)

    campaign_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey("campaigns.id", ondelete="CASCADE"), primary_key=True
    )
    account_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("accounts.id"), primary_key=True)
    assignee_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("users.id"))
    task_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("tasks.id"))
    added_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))


DELIVERY_STATES = ("queued", "retrying", "delivered", "failed", "refused")


class CampaignDelivery(db.Model):  # type: ignore[name-defined,misc]
    """A signed POST of a campaign's audience to another tool, and how it went: queued, retrying
    (the receiver failed, the queue tries again), delivered, failed (no attempt left) or refused
    (the receiver's address is one deliveries may not reach)."""

    __tablename__ = "campaign_deliveries"
    __table_args__ = (
        CheckConstraint(one_of("state", DELIVERY_STATES), name="campaign_deliveries_state_known"),
        Index("campaign_deliveries_campaign_idx", "campaign_id", "created_at"),
    )

    # The `webhook-id` the receiver sees (msg_ and 32 hex digits).
    id: Mapped[str] = mapped_column(String(40), primary_key=True)
    org_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("organisations.id", ondelete="CASCADE"))
    campaign_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("campaigns.id", ondelete="CASCADE"))
    requested_by: Mapped[uuid.UUID] = mapped_column(ForeignKey("users.id"))
    url: Mapped[str] = mapped_column(Text)
    state: Mapped[str] = mapped_column(String(16))
    attempts: Mapped[int] = mapped_column(Integer, server_default="0")
    # The receiver's last HTTP status, and what went wrong last (none once delivered).
    last_status: Mapped[int | None] = mapped_column(Integer)
    last_error: Mapped[str | None] = mapped_column(Text)
    # How many accounts the delivered body carried.
    accounts: Mapped[int | None] = mapped_column(Integer)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    updated_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
