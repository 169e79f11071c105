"""The contacts table: people at accounts, editable (versioned), archived rather than deleted."""

from __future__ import annotations

import uuid
from datetime import datetime

from sqlalchemy import Boolean, DateTime, ForeignKey, Index, Integer, String, Text, text
from sqlalchemy.dialects.postgresql import ARRAY
from sqlalchemy.orm import Mapped, mapped_column

from server.core.changes import change_stamp_column, version_digest_column
from server.extensions import db


class Contact(db.Model):  # type: ignore[name-defined,misc]
    """A person at one account. At most one live contact per account is its primary one; a
    marketing consent is the time it was given (NULL: not given)."""

    __tablename__ = "contacts"
    __table_args__ = (
        Index("contacts_org_account_idx", "org_id", "account_id"),
        Index("contacts_org_change_idx", "org_id", "change_xid", "id"),
        Index(
            "contacts_one_primary_idx",
            "account_id",
            unique=True,
            postgresql_where=text("is_primary AND archived_at IS NULL"),
        ),
    )

    id: Mapped[uuid.UUID] = mapped_column(primary_key=True)
    org_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("organisations.id", ondelete="CASCADE"))
    account_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("accounts.id"))
    name: Mapped[str] = mapped_column(String(200))
    title: Mapped[str] = mapped_column(String(200), server_default="")
    phones: Mapped[list[str]] = mapped_column(ARRAY(String(50)), server_default="{}")
    emails: Mapped[list[str]] = mapped_column(ARRAY(String(254)), server_default="{}")
    language: Mapped[str | None] = mapped_column(String(35))
    notes: Mapped[str] = mapped_column(Text, server_default="")
    consent_email_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    consent_sms_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    consent_phone_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    is_primary: Mapped[bool] = mapped_column(Boolean, server_default="false")
    archived_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    created_by: Mapped[uuid.UUID] = mapped_column(ForeignKey("users.id"))
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    updated_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    version: Mapped[int] = mapped_column(Integer)
    change_xid: Mapped[int] = change_stamp_column()
    version_digest: Mapped[int] = version_digest_column()
