"""What clients send and receive about accounts."""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Annotated, Any, Literal

from pydantic import BaseModel, EmailStr, Field, TypeAdapter, field_validator, model_validator
from typing_extensions import TypedDict

from server.core.validation import PageQuery, Schema
from server.geo.geojson import MAX_RADIUS_M, Area, Point, PointData

Kind = Literal["customer", "prospect"]
Status = Literal["active", "at_risk", "inactive", "new", "contacted", "qualified", "lost"]
GeocodeStatus = Literal["ok", "pending", "failed", "manual"]
Tag = Annotated[str, Field(min_length=1, max_length=50)]
MAX_CUSTOM_BYTES = 16_384
# Visit every N days: from daily to yearly (the database checks the same range).
VisitEveryDays = Annotated[int, Field(ge=1, le=365)]


def _check_custom(value: dict[str, Any] | None) -> dict[str, Any] | None:
    if value is not None and len(repr(value)) > MAX_CUSTOM_BYTES:
        raise ValueError(f"custom fields may take at most {MAX_CUSTOM_BYTES} bytes")
    return value


class AccountCreate(Schema):
    """POST /accounts. A client may choose the id (offline creation needs it)."""

    id: uuid.UUID | None = None
    kind: Kind
    name: str = Field(min_length=1, max_length=200)
    address: str | None = Field(default=None, max_length=500)
    location: Point | None = None
    status: Status | None = None
    industry: str | None = Field(default=None, max_length=100)
    phone: str | None = Field(default=None, max_length=50)
    email: EmailStr | None = Field(default=None, max_length=254)
    owner_id: uuid.UUID | None = None
    tags: list[Tag] = Field(default_factory=list, max_length=50)
    custom: dict[str, Any] = Field(default_factory=dict)
    visit_every_days: VisitEveryDays | None = None

    _custom = field_validator("custom")(_check_custom)


class AccountPatch(Schema):
    """PATCH /accounts/{id}: only the fields sent change; `version` guards against lost updates."""

    kind: Kind | None = None
    name: str | None = Field(default=None, min_length=1, max_length=200)
    address: str | None = Field(default=None, max_length=500)
    location: Point | None = None
    status: Status | None = None
    industry: str | None = Field(default=None, max_length=100)
    phone: str | None = Field(default=None, max_length=50)
    email: EmailStr | None = Field(default=None, max_length=254)
    owner_id: uuid.UUID | None = None
    tags: list[Tag] | None = Field(default=None, max_length=50)
    custom: dict[str, Any] | None = None
    visit_every_days: VisitEveryDays | None = None
    version: int | None = Field(default=None, ge=1)

    _custom = field_validator("custom")(_check_custom)

    @model_validator(mode="after")
    def _required_stay_set(self) -> AccountPatch:
        for name in ("kind", "name", "status", "tags", "custom"):
            if name in self.model_fields_set and getattr(self, name) is None:
                raise ValueError(f"{name} cannot be null")
        return self


class AccountOut(BaseModel):
    """An account as the API shows it; `distance_m` only in nearby answers."""

    id: uuid.UUID
    kind: Kind
    name: str
    address: str | None
    location: Point | None
    geocode_status: GeocodeStatus
    status: Status
    industry: str | None
    phone: str | None
    email: str | None
    owner_id: uuid.UUID | None
    territory_id: uuid.UUID | None
    tags: list[str]
    custom: dict[str, Any]
    last_visit_at: datetime | None
    visit_every_days: int | None
    created_at: datetime
    updated_at: datetime
    version: int
    distance_m: float | None = None


class AccountData(TypedDict):
    """AccountOut as plain data, field for field and in the same order.

    Lists are serialised from these straight to JSON (ACCOUNT_LIST_JSON): the rows come from
    our own database, so validating a model per row only cost time, about 40 us an account.
    """

    id: uuid.UUID
    kind: Kind
    name: str
    address: str | None
    location: PointData | None
    geocode_status: GeocodeStatus
    status: Status
    industry: str | None
    phone: str | None
    email: str | None
    owner_id: uuid.UUID | None
    territory_id: uuid.UUID | None
    tags: list[str]
    custom: dict[str, Any]
    last_visit_at: datetime | None
    visit_every_days: int | None
    created_at: datetime
    updated_at: datetime
    version: int
    distance_m: float | None


class AccountFilters(Schema):
    """Filters every account list accepts; they combine with each other and with any area.
    `tags`: every one given must be on the account; `tag` says the same (the query string's
    older name, repeatable: ?tag=a&tag=b)."""

    kind: Kind | None = None
    status: Status | None = None
    industry: str | None = Field(default=None, max_length=100)
    tags: list[Tag] | None = Field(default=None, max_length=50)
    tag: list[Tag] | None = Field(default=None, max_length=50)
    q: str | None = Field(default=None, min_length=1, max_length=200)
    owner_id: uuid.UUID | None = None
    territory_id: uuid.UUID | None = None
    not_visited_days: int | None = Field(default=None, ge=0, le=36_500)

    def all_tags(self) -> list[str]:
        """The tags an account must all carry (`tags` and `tag` together), each once."""
        return list(dict.fromkeys([*(self.tags or []), *(self.tag or [])]))


class AccountListQuery(PageQuery, AccountFilters):
    """GET /accounts: plain list, nearby (lat, lng, radius_m) or map viewport (bbox, zoom)."""

    lat: float | None = Field(default=None, ge=-90, le=90, allow_inf_nan=False)
    lng: float | None = Field(default=None, ge=-180, le=180, allow_inf_nan=False)
    radius_m: float | None = Field(default=None, gt=0, le=MAX_RADIUS_M, allow_inf_nan=False)
    bbox: str | None = Field(default=None, max_length=200)
    zoom: int | None = Field(default=None, ge=0, le=22)

    @model_validator(mode="after")
    def _coherent(self) -> AccountListQuery:
        if (self.lat is None) != (self.lng is None):
            raise ValueError("lat and lng go together")
        if self.radius_m is not None and self.lat is None:
            raise ValueError("radius_m needs lat and lng")
        if self.bbox is not None and self.lat is not None:
            raise ValueError("use either bbox or lat/lng, not both")
        if self.zoom is not None and self.bbox is None:
            raise ValueError("zoom goes with bbox")
        return self


class AudienceFilters(Schema):
    """The filters saved with an audience (a segment, a campaign): what kind of accounts, on
    top of the area. `tags`: every one given must be on the account; `not_visited_days`: no
    visit in that many days (never visited counts)."""

    kind: Kind | None = None
    status: Status | None = None
    industry: str | None = Field(default=None, max_length=100)
    tags: list[Tag] | None = Field(default=None, max_length=50)
    owner_id: uuid.UUID | None = None
    territory_id: uuid.UUID | None = None
    not_visited_days: int | None = Field(default=None, ge=0, le=36_500)

    def as_filters(self) -> AccountFilters:
        """The same filters in the shape the query functions take."""
        return AccountFilters.model_validate(self.model_dump(exclude_none=True))

    def stored(self) -> dict[str, Any]:
        """The filters as the JSON to store: only those given."""
        return self.model_dump(mode="json", exclude_none=True)


class SearchFilters(AudienceFilters):
    """Filters in the body of POST /accounts/search: an audience's, and text (`q`)."""

    q: str | None = Field(default=None, min_length=1, max_length=200)


class AccountSearch(Schema):
    """POST /accounts/search: accounts inside an area, with filters; paging in the body."""

    area: Area
    filters: SearchFilters = Field(default_factory=SearchFilters)
    limit: int = Field(default=50, ge=1, le=500)
    cursor: str | None = Field(default=None, max_length=2000)


class AccountList(BaseModel):
    """A page of accounts."""

    items: list[AccountOut]
    next_cursor: str | None


class AccountListData(TypedDict):
    """AccountList as plain data."""

    items: list[AccountData]
    next_cursor: str | None


ACCOUNT_LIST_JSON: TypeAdapter[AccountListData] = TypeAdapter(AccountListData)


class Cluster(BaseModel):
    """Several accounts drawn as one marker: where, how many, and the box to zoom into."""

    location: Point
    count: int
    bbox: list[float]


class AccountMap(BaseModel):
    """GET /accounts?bbox=: clusters when the viewport holds too many accounts, else items."""

    clusters: list[Cluster]
    items: list[AccountOut]
    next_cursor: str | None = None


class AccountMapData(TypedDict):
    """AccountMap as plain data: clusters stay models, items are plain accounts."""

    clusters: list[Cluster]
    items: list[AccountData]
    next_cursor: str | None


ACCOUNT_MAP_JSON: TypeAdapter[AccountMapData] = TypeAdapter(AccountMapData)


class ImportReport(BaseModel):
    """The answer to a CSV import: how many accounts were created, how many wait for geocoding."""

    created: int
    geocode_pending: int
