"""What clients send and receive about saved segments."""

from __future__ import annotations

import uuid
from datetime import datetime

from pydantic import BaseModel, Field, model_validator

from server.accounts.schemas import AudienceFilters, VisitEveryDays
from server.core.validation import Schema
from server.geo.geojson import Area, AreaShape


class SegmentCreate(Schema):
    """POST /segments: a name, an area (or none: the filters alone) and filters. A client may
    choose the id."""

    id: uuid.UUID | None = None
    name: str = Field(min_length=1, max_length=200)
    area: Area | None = None
    filters: AudienceFilters = Field(default_factory=AudienceFilters)


class SegmentPatch(Schema):
    """PATCH /segments/{id}: only the fields sent change (`filters` is replaced whole, `area`
    may become null); `version` guards against lost updates."""

    name: str | None = Field(default=None, min_length=1, max_length=200)
    area: Area | None = None
    filters: AudienceFilters | None = None
    version: int | None = Field(default=None, ge=1)

    @model_validator(mode="after")
    def _required_stay_set(self) -> SegmentPatch:
        for name in ("name", "filters"):
            if name in self.model_fields_set and getattr(self, name) is None:
                raise ValueError(f"{name} cannot be null")
        return self


class SegmentOut(BaseModel):
    """A saved segment as the API shows it. Its members are computed when asked for
    (GET /segments/{id}/members), never stored."""

    id: uuid.UUID
    name: str
    area: AreaShape | None
    filters: AudienceFilters
    version: int
    created_by: uuid.UUID
    created_at: datetime
    updated_at: datetime


class SegmentList(BaseModel):
    """A page of segments, by name."""

    items: list[SegmentOut]
    next_cursor: str | None


class VisitFrequency(Schema):
    """POST /segments/{id}/visit-frequency: visit the members every N days (null: no fixed
    frequency). Required, so that clearing is said, not implied."""

    visit_every_days: VisitEveryDays | None


class VisitFrequencyResult(BaseModel):
    """How many of the segment's members the caller may see changed frequency."""

    updated: int
