"""The accounts table and its indexes."""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Any, ClassVar

from sqlalchemy import (
    CheckConstraint,
    DateTime,
    Float,
    ForeignKey,
    Index,
    Integer,
    SmallInteger,
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
        CheckConstraint(
            "visit_every_days BETWEEN 1 AND 365", name="accounts_visit_every_days_range"
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
        # Audiences whose filters are selective in a dense area: an index-only scan of the
        # live accounts passing industry and kind, carrying what the other tests read.
        Index(
            "accounts_org_audience_idx",
            "org_id",
            "industry",
            "kind",
            postgresql_include=["status", "last_visit_at", "owner_id", "territory_id", "location"],
            postgresql_where=text("archived_at IS NULL"),
        ),
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
    # Visit every this many days (NULL: no fixed frequency); the week planner reads it.
    visit_every_days: Mapped[int | None] = mapped_column(Integer)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    updated_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    archived_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    version: Mapped[int] = mapped_column(Integer)
    change_xid: Mapped[int] = change_stamp_column()
    version_digest: Mapped[int] = version_digest_column()


class AccountMapCell(db.Model):  # type: ignore[name-defined,misc]
    """The live, located accounts of one grid cell at one level, for one owner, territory,
    kind and status: how many, the sums of their coordinates (their centre) and their box.

    Written only by the triggers of migration 0015, in the same transaction as the accounts
    they count; read by the map viewport (accounts.queries.clusters_in_bbox). Level L is the
    grid of geo.queries.grid_clusters with cells of 360 / 2^L degrees (geo.queries.MAP_CELL_LEVELS).
    The box only widens while accounts come in: after some leave, it may be larger than the
    accounts still in the cell, never larger than the cell.
    """

    __tablename__ = "account_map_cells"
    __table_args__ = (
        # Owner and territory may be NULL and are still one key: NULLS NOT DISTINCT.
        Index(
            "account_map_cells_key",
            "org_id",
            "level",
            "cell_x",
            "cell_y",
            "owner_id",
            "territory_id",
            "kind",
            "status",
            unique=True,
            postgresql_nulls_not_distinct=True,
            # Covering (migration 0017): a viewport sums its cells by index-only scans.
            postgresql_include=[
                "members",
                "sum_lng",
                "sum_lat",
                "min_lng",
                "min_lat",
                "max_lng",
                "max_lat",
            ],
        ),
    )
    # No foreign keys: the rows follow the accounts through the triggers alone, also while an
    # organisation's accounts are deleted with it.
    org_id: Mapped[uuid.UUID] = mapped_column()
    level: Mapped[int] = mapped_column(SmallInteger)
    cell_x: Mapped[int] = mapped_column(Integer)
    cell_y: Mapped[int] = mapped_column(Integer)
    owner_id: Mapped[uuid.UUID | None] = mapped_column()
    territory_id: Mapped[uuid.UUID | None] = mapped_column()
    kind: Mapped[str] = mapped_column(String(16))
    status: Mapped[str] = mapped_column(String(16))
    members: Mapped[int] = mapped_column(Integer)
    sum_lng: Mapped[float] = mapped_column(Float)
    sum_lat: Mapped[float] = mapped_column(Float)
    min_lng: Mapped[float] = mapped_column(Float)
    min_lat: Mapped[float] = mapped_column(Float)
    max_lng: Mapped[float] = mapped_column(Float)
    max_lat: Mapped[float] = mapped_column(Float)

    # The ORM needs an identity; the table's key is the unique index above.
    __mapper_args__: ClassVar[dict[str, Any]] = {
        "primary_key": [org_id, level, cell_x, cell_y, owner_id, territory_id, kind, status]
    }
