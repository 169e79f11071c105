"""The notes table: append-only notes on accounts."""

from __future__ import annotations

import uuid
from datetime import datetime

from sqlalchemy import DateTime, ForeignKey, Index, Text
from sqlalchemy.orm import Mapped, mapped_column

from server.core.changes import change_stamp_column, version_digest_column
from server.extensions import db


class Note(db.Model):  # type: ignore[name-defined,misc]
    """A note one user wrote on one account; `written_at` is when, by the device's clock."""

    __tablename__ = "notes"
    __table_args__ = (
        Index("notes_org_account_idx", "org_id", "account_id", "written_at"),
        Index("notes_org_author_idx", "org_id", "author_id", "written_at"),
        Index("notes_org_change_idx", "org_id", "change_xid", "id"),
    )

    id: Mapped[uuid.UUID] = mapped_column(primary_key=True)
    org_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("organisations.id", ondelete="CASCADE"))
    account_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("accounts.id"))
    author_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("users.id"))
    body: Mapped[str] = mapped_column(Text)
    written_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    change_xid: Mapped[int] = change_stamp_column()
    # Never changed once written: its version is always 1.
    version_digest: Mapped[int] = version_digest_column("'1'")
