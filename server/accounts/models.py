"""The accounts table and its indexes."""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Any

from sqlalchemy import (
    CheckConstraint,
    DateTime,
    ForeignKey,
    Index,
    Integer,
    String,
    Text,
    text,
)
from sqlalchemy.dialects.postgresql import ARRAY, JSONB
from sqlalchemy.orm import Mapped, mapped_column

from server.core.changes import change_stamp_column, version_digest_column
from server.core.checks import one_of
from server.extensions import db
from server.geo.types import geography_point

KINDS = ("customer", "prospect")
STATUSES = ("active", "at_risk", "inactive", "new", "contacted", "qualified", "lost")
GEOCODE_STATUSES = ("ok", "pending", "failed", "manual")


class Account(db.Model):  # type: ignore[name-defined,misc]
    """A customer or prospect, with an optional location for the map."""

    __tablename__ = "accounts"
    __table_args__ = (
        CheckConstraint(one_of("kind", KINDS), name="accounts_kind_known"),
        CheckConstraint(one_of("status", STATUSES), name="accounts_status_known"),
        CheckConstraint(
            one_of("geocode_status", GEOCODE_STATUSES), name="accounts_geocode_status_known"
        ),
        # Tenant-scoped nearest-first and radius queries walk this one index (btree_gist).
        Index("accounts_org_location_gist", "org_id", "location", postgresql_using="gist"),
        # Map viewports and clusters work in lng/lat degrees: a planar index for those.
        Index(
            "accounts_org_geometry_gist",
            "org_id",
            text("(location::geometry)"),
            postgresql_using="gist",
        ),
        Index("accounts_org_name_idx", "org_id", "name", "id"),
        Index("accounts_org_owner_idx", "org_id", "owner_id"),
        Index("accounts_org_territory_idx", "org_id", "territory_id"),
        # The sync pull walks what changed since a snapshot, per organisation.
        Index("accounts_org_change_idx", "org_id", "change_xid", "id"),
        Index("accounts_tags_gin", "tags", postgresql_using="gin"),
        Index(
            "accounts_name_trgm",
            "name",
            postgresql_using="gin",
            postgresql_ops={"name": "gin_trgm_ops"},
        ),
        Index(
            "accounts_address_trgm",
            "address",
            postgresql_using="gin",
            postgresql_ops={"address": "gin_trgm_ops"},
        ),
    )

    id: Mapped[uuid.UUID] = mapped_column(primary_key=True)
    org_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("organisations.id", ondelete="CASCADE"))
    kind: Mapped[str] = mapped_column(String(16))
    name: Mapped[str] = mapped_column(String(200))
    address: Mapped[str | None] = mapped_column(Text)
    location: Mapped[Any] = mapped_column(geography_point(), nullable=True)
    geocode_status: Mapped[str] = mapped_column(String(16))
    status: Mapped[str] = mapped_column(String(16))
    industry: Mapped[str | None] = mapped_column(String(100))
    phone: Mapped[str | None] = mapped_column(String(50))
    email: Mapped[str | None] = mapped_column(String(254))
    owner_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("users.id"))
    # The owner before the last change of owner (the owner itself until one), kept by a
    # trigger: whose devices may still hold the account when it leaves their sight.
    previous_owner_id: Mapped[uuid.UUID | None] = mapped_column()
    # The territory whose area covers the location (the oldest such territory where several
    # overlap), kept up to date by territories/assignment.py.
    territory_id: Mapped[uuid.UUID | None] = mapped_column(
        ForeignKey("territories.id", ondelete="SET NULL")
    )
    tags: Mapped[list[str]] = mapped_column(ARRAY(String(50)), server_default="{}")
    custom: Mapped[dict[str, Any]] = mapped_column(JSONB, server_default="{}")
    last_visit_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    updated_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    archived_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    version: Mapped[int] = mapped_column(Integer)
    change_xid: Mapped[int] = change_stamp_column()
    version_digest: Mapped[int] = version_digest_column()
