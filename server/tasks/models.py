"""The tasks table."""

from __future__ import annotations

import uuid
from datetime import datetime

from sqlalchemy import CheckConstraint, DateTime, ForeignKey, Index, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from server.core.changes import change_stamp_column, version_digest_column
from server.core.checks import one_of
from server.extensions import db

STATUSES = ("open", "in_progress", "done", "cancelled")
# Work still to do: what Today lists, what a plan visits, what a manager counts as open.
UNFINISHED = ("open", "in_progress")
PRIORITIES = ("low", "normal", "high")


class Task(db.Model):  # type: ignore[name-defined,misc]
    """Something a user is to do, often a visit to an account."""

    __tablename__ = "tasks"
    __table_args__ = (
        CheckConstraint(one_of("status", STATUSES), name="tasks_status_known"),
        CheckConstraint(one_of("priority", PRIORITIES), name="tasks_priority_known"),
        Index("tasks_org_assignee_idx", "org_id", "assignee_id", "status"),
        Index("tasks_org_account_idx", "org_id", "account_id"),
        Index("tasks_campaign_idx", "campaign_id", "status"),
        Index("tasks_org_change_idx", "org_id", "change_xid", "id"),
    )

    id: Mapped[uuid.UUID] = mapped_column(primary_key=True)
    org_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("organisations.id", ondelete="CASCADE"))
    title: Mapped[str] = mapped_column(String(200))
    notes: Mapped[str] = mapped_column(Text, server_default="")
    account_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("accounts.id"))
    campaign_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("campaigns.id"))
    assignee_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("users.id"))
    # The assignee before the last reassignment (the assignee itself until one), kept by a
    # trigger: whose devices may still hold the task when it leaves their sight.
    previous_assignee_id: Mapped[uuid.UUID | None] = mapped_column()
    due_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    status: Mapped[str] = mapped_column(String(16))
    priority: Mapped[str] = mapped_column(String(16))
    created_by: Mapped[uuid.UUID] = mapped_column(ForeignKey("users.id"))
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    updated_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    version: Mapped[int] = mapped_column(Integer)
    # The version the week planner last wrote (NULL: not the planner's task). While `version`
    # still equals it nobody has touched the task, so planning its days again may replace it.
    planned_version: Mapped[int | None] = mapped_column(Integer)
    change_xid: Mapped[int] = change_stamp_column()
    version_digest: Mapped[int] = version_digest_column()
