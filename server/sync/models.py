"""Sync clients (one counter per device and user) and the ledger of every mutation applied."""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Any

from sqlalchemy import BigInteger, DateTime, ForeignKey, Index, String
from sqlalchemy.dialects.postgresql import JSONB
from sqlalchemy.orm import Mapped, mapped_column

from server.extensions import db


class SyncClient(db.Model):  # type: ignore[name-defined,misc]
    """A device's outbox as the server knows it: the last mutation id it has taken from it, and
    when the device last pushed or pulled (what a manager's Team screen shows as its rep's last
    sync)."""

    __tablename__ = "sync_clients"
    __table_args__ = (Index("sync_clients_user_synced_idx", "user_id", "last_synced_at"),)

    id: Mapped[uuid.UUID] = mapped_column(primary_key=True)
    org_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("organisations.id", ondelete="CASCADE"))
    user_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"))
    last_mutation_id: Mapped[int] = mapped_column(BigInteger, server_default="0")
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    updated_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    last_synced_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))


class SyncMutation(db.Model):  # type: ignore[name-defined,misc]
    """One mutation taken from a device, with what became of it (applied, conflict, rejected)."""

    __tablename__ = "sync_mutations"

    client_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey("sync_clients.id", ondelete="CASCADE"), primary_key=True
    )
    mutation_id: Mapped[int] = mapped_column(BigInteger, primary_key=True)
    op: Mapped[str] = mapped_column(String(40))
    status: Mapped[str] = mapped_column(String(16))
    entity_id: Mapped[uuid.UUID | None] = mapped_column()
    error: Mapped[dict[str, Any] | None] = mapped_column(JSONB(none_as_null=True))
    made_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    applied_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
