"""The territories table and the reps of each territory."""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Any

from sqlalchemy import CheckConstraint, DateTime, ForeignKey, Index, Integer, String
from sqlalchemy.orm import Mapped, mapped_column

from server.core.checks import one_of
from server.extensions import db
from server.geo.types import geography_multipolygon

# Where the re-assignment of accounts after a change of area stands: done in the request when
# few accounts are concerned, else queued for a background job that counts its progress.
ASSIGNMENT_STATES = ("queued", "running", "done")


class Territory(db.Model):  # type: ignore[name-defined,misc]
    """An area of the map (a MultiPolygon) whose accounts its reps look after."""

    __tablename__ = "territories"
    __table_args__ = (
        Index("territories_org_area_gist", "org_id", "area", postgresql_using="gist"),
        Index("territories_org_name_idx", "org_id", "name", "id"),
        CheckConstraint(
            one_of("assignment_state", ASSIGNMENT_STATES),
            name="territories_assignment_state_known",
        ),
    )

    id: Mapped[uuid.UUID] = mapped_column(primary_key=True)
    org_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("organisations.id", ondelete="CASCADE"))
    name: Mapped[str] = mapped_column(String(200))
    area: Mapped[Any] = mapped_column(geography_multipolygon())
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    updated_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    version: Mapped[int] = mapped_column(Integer)
    assignment_state: Mapped[str] = mapped_column(String(16), server_default="done")
    assignment_done: Mapped[int] = mapped_column(Integer, server_default="0")
    assignment_total: Mapped[int] = mapped_column(Integer, server_default="0")


class TerritoryRep(db.Model):  # type: ignore[name-defined,misc]
    """A rep working a territory (a territory has any number of reps, a rep any territories)."""

    __tablename__ = "territory_reps"
    __table_args__ = (Index("territory_reps_user_idx", "user_id", "territory_id"),)

    territory_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey("territories.id", ondelete="CASCADE"), primary_key=True
    )
    user_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey("users.id", ondelete="CASCADE"), primary_key=True
    )
