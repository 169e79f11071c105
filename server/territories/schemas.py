"""What clients send and receive about territories."""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Annotated, Any, Literal

from pydantic import BaseModel, ConfigDict, Discriminator, Field, Tag, model_validator

from server.accounts.schemas import AccountOut
from server.core.validation import Schema
from server.geo.geojson import MultiPolygon, ValidMultiPolygon, ValidPolygon

MAX_REPS = 500
MAX_IMPORT_FEATURES = 1_000
MAX_GAP_ITEMS = 500


def _surface_kind(value: Any) -> str | None:
    """Which branch of Surface `value` claims to be (None: a 422); never raises."""
    if isinstance(value, BaseModel):
        value = value.model_dump()
    kind = value.get("type") if isinstance(value, dict) else None
    return (
        {"Polygon": "polygon", "MultiPolygon": "multipolygon"}.get(kind)
        if isinstance(kind, str)
        else None
    )


# A territory's area: a MultiPolygon, or a Polygon (stored as a MultiPolygon of one).
Surface = Annotated[
    Annotated[ValidPolygon, Tag("polygon")] | Annotated[ValidMultiPolygon, Tag("multipolygon")],
    Discriminator(
        _surface_kind,
        custom_error_type="invalid_area",
        custom_error_message="a territory's area is a GeoJSON Polygon or MultiPolygon",
    ),
]
RepIds = Annotated[list[uuid.UUID], Field(max_length=MAX_REPS)]


def as_multipolygon(area: Any) -> MultiPolygon:
    """The area as a MultiPolygon (a Polygon becomes a MultiPolygon of one)."""
    if isinstance(area, MultiPolygon):
        return area
    return MultiPolygon(type="MultiPolygon", coordinates=[area.coordinates])


def _unique(ids: list[uuid.UUID] | None) -> list[uuid.UUID] | None:
    return None if ids is None else list(dict.fromkeys(ids))


class TerritoryCreate(Schema):
    """POST /territories."""

    name: str = Field(min_length=1, max_length=200)
    area: Surface
    rep_ids: RepIds = Field(default_factory=list)

    @model_validator(mode="after")
    def _distinct_reps(self) -> TerritoryCreate:
        self.rep_ids = _unique(self.rep_ids) or []
        return self


class TerritoryPatch(Schema):
    """PATCH /territories/{id}: only the fields sent change; `version` guards against lost
    updates."""

    name: str | None = Field(default=None, min_length=1, max_length=200)
    area: Surface | None = None
    rep_ids: RepIds | None = None
    version: int | None = Field(default=None, ge=1)

    @model_validator(mode="after")
    def _required_stay_set(self) -> TerritoryPatch:
        for name in ("name", "area", "rep_ids"):
            if name in self.model_fields_set and getattr(self, name) is None:
                raise ValueError(f"{name} cannot be null")
        self.rep_ids = _unique(self.rep_ids)
        return self


class Assignment(BaseModel):
    """Where the re-assignment of accounts after the last change of area stands: `queued` and
    `running` while a background job works (`done` of `total` accounts examined so far)."""

    state: Literal["queued", "running", "done"]
    done: int
    total: int


class TerritoryOut(BaseModel):
    """A territory as the API shows it."""

    id: uuid.UUID
    name: str
    area: MultiPolygon
    rep_ids: list[uuid.UUID]
    version: int
    account_count: int
    assignment: Assignment
    created_at: datetime
    updated_at: datetime


class TerritoryList(BaseModel):
    """A page of territories, by name."""

    items: list[TerritoryOut]
    next_cursor: str | None


class Overlap(BaseModel):
    """An account covered by more than one territory (the oldest, first, holds it)."""

    account_id: uuid.UUID
    territory_ids: list[uuid.UUID]


class OverlapList(BaseModel):
    """A page of overlaps, by account id."""

    items: list[Overlap]
    next_cursor: str | None


class GapsQuery(Schema):
    """GET /territories/gaps: a map viewport, and how many accounts to list at most."""

    bbox: str = Field(max_length=200)
    limit: int = Field(default=200, ge=1, le=MAX_GAP_ITEMS)


class Gaps(BaseModel):
    """Accounts with a location and no territory in a viewport: how many (counted up to
    GAPS_COUNT_CAP; `count_capped` says it stopped), and the first `limit` of them by id."""

    count: int
    count_capped: bool
    items: list[AccountOut]


class FeatureProperties(Schema):
    """The properties of an imported feature: its name and reps; others are ignored."""

    model_config = ConfigDict(extra="ignore", allow_inf_nan=False)

    name: str = Field(min_length=1, max_length=200)
    rep_ids: RepIds = Field(default_factory=list)


class Feature(Schema):
    """A GeoJSON Feature: one territory (a Feature `id`, if any, is not kept)."""

    type: Literal["Feature"]
    geometry: Surface
    properties: FeatureProperties
    id: str | int | None = None
    bbox: list[float] | None = None


class FeatureCollection(Schema):
    """POST /territories/import: one territory per feature, all or none."""

    type: Literal["FeatureCollection"]
    features: list[Feature] = Field(min_length=1, max_length=MAX_IMPORT_FEATURES)
    bbox: list[float] | None = None


class ImportedTerritories(BaseModel):
    """The answer to an import: the territories made, in the order of the features."""

    items: list[TerritoryOut]
