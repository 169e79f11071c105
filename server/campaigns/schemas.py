"""What clients send and receive about campaigns."""

from __future__ import annotations

import uuid
from datetime import date, datetime
from typing import Any, Literal
from urllib.parse import urlsplit

from pydantic import BaseModel, Field, TypeAdapter, field_validator, model_validator
from typing_extensions import TypedDict

from server.accounts.schemas import (
    AccountData,
    AccountFilters,
    AccountOut,
    AudienceFilters,
    Cluster,
)
from server.core.validation import IsoDate, PageQuery, Schema
from server.geo.geojson import Area

CampaignStatus = Literal["draft", "launched", "done"]
Assignment = Literal["owner", "territory", "nearest_rep"]
LaunchState = Literal["queued", "running", "done"]
TargetState = Literal["to_visit", "visited", "converted"]
MAX_TALKING_POINTS = 4_000
MAX_TEMPLATE_NOTES = 4_000
MAX_URL = 2_000


class CampaignFilters(AudienceFilters):
    """Which accounts of the area a campaign wants (a segment's filters narrowed by these)."""

    def merged_into(self, base: AccountFilters) -> AccountFilters:
        """`base` (a segment's filters) narrowed by these: a field given here replaces the
        segment's, tags add to its tags."""
        data = base.model_dump()
        for name, value in self.model_dump(exclude={"tags"}).items():
            if value is not None:
                data[name] = value
        tags = set(base.all_tags()) | set(self.tags or [])
        data["tag"], data["tags"] = None, sorted(tags) or None
        return AccountFilters.model_validate(data)


class TaskTemplate(Schema):
    """The task each target gets: its title (default: the campaign's name), notes (followed by
    the talking points) and how many days after the launch it is due."""

    title: str | None = Field(default=None, min_length=1, max_length=200)
    notes: str = Field(default="", max_length=MAX_TEMPLATE_NOTES)
    due_in_days: int = Field(default=7, ge=0, le=365)


class CampaignCreate(Schema):
    """POST /campaigns: an area or a saved segment (one of them), filters, dates, the task."""

    id: uuid.UUID | None = None
    name: str = Field(min_length=1, max_length=200)
    area: Area | None = None
    segment_id: uuid.UUID | None = None
    filters: CampaignFilters = Field(default_factory=CampaignFilters)
    starts_on: IsoDate | None = None
    ends_on: IsoDate | None = None
    talking_points: str = Field(default="", max_length=MAX_TALKING_POINTS)
    task_template: TaskTemplate = Field(default_factory=TaskTemplate)

    @model_validator(mode="after")
    def _coherent(self) -> CampaignCreate:
        if (self.area is None) == (self.segment_id is None):
            raise ValueError("give either an area or a segment_id")
        if self.starts_on and self.ends_on and self.ends_on < self.starts_on:
            raise ValueError("ends_on comes before starts_on")
        return self


class CampaignPatch(Schema):
    """PATCH /campaigns/{id}: any field while a draft; afterwards only `status: "done"`."""

    name: str | None = Field(default=None, min_length=1, max_length=200)
    area: Area | None = None
    segment_id: uuid.UUID | None = None
    filters: CampaignFilters | None = None
    starts_on: IsoDate | None = None
    ends_on: IsoDate | None = None
    talking_points: str | None = Field(default=None, max_length=MAX_TALKING_POINTS)
    task_template: TaskTemplate | None = None
    status: Literal["done"] | None = None
    version: int | None = Field(default=None, ge=1)

    @model_validator(mode="after")
    def _required_stay_set(self) -> CampaignPatch:
        for name in ("name", "filters", "talking_points", "task_template", "status"):
            if name in self.model_fields_set and getattr(self, name) is None:
                raise ValueError(f"{name} cannot be null")
        return self


class LaunchOut(BaseModel):
    """The job making a campaign's targets and tasks: its state, how many of how many."""

    state: LaunchState
    created: int
    total: int


class CampaignOut(BaseModel):
    """A campaign as the API shows it; `launch` is null until it is launched."""

    id: uuid.UUID
    name: str
    area: Area | None
    segment_id: uuid.UUID | None
    filters: CampaignFilters
    starts_on: date | None
    ends_on: date | None
    talking_points: str
    task_template: TaskTemplate
    status: CampaignStatus
    assignment: Assignment | None
    launched_at: datetime | None
    launch: LaunchOut | None
    created_by: uuid.UUID
    created_at: datetime
    updated_at: datetime
    version: int


class CampaignListQuery(PageQuery):
    """GET /campaigns: newest first, optionally of one status."""

    status: CampaignStatus | None = None


class CampaignList(BaseModel):
    """A page of campaigns."""

    items: list[CampaignOut]
    next_cursor: str | None


class AudienceQuery(PageQuery):
    """GET /campaigns/{id}/audience: a page by name, and the map's clusters with a bbox."""

    bbox: str | None = Field(default=None, max_length=200)
    zoom: int | None = Field(default=None, ge=0, le=22)

    @model_validator(mode="after")
    def _zoom_with_bbox(self) -> AudienceQuery:
        if self.zoom is not None and self.bbox is None:
            raise ValueError("zoom goes with bbox")
        return self


class AudiencePreview(Schema):
    """POST /campaigns/audience-preview: the audience of a campaign not saved yet."""

    area: Area | None = None
    segment_id: uuid.UUID | None = None
    filters: CampaignFilters = Field(default_factory=CampaignFilters)
    bbox: str | None = Field(default=None, max_length=200)
    zoom: int | None = Field(default=None, ge=0, le=22)
    limit: int = Field(default=50, ge=1, le=500)
    cursor: str | None = Field(default=None, max_length=2000)

    @model_validator(mode="after")
    def _coherent(self) -> AudiencePreview:
        if (self.area is None) == (self.segment_id is None):
            raise ValueError("give either an area or a segment_id")
        if self.zoom is not None and self.bbox is None:
            raise ValueError("zoom goes with bbox")
        return self


class Audience(BaseModel):
    """Who a campaign reaches: how many (exact up to `count_capped`), a page by name, and
    clusters for the map when a bbox was given."""

    count: int
    count_capped: bool
    items: list[AccountOut]
    next_cursor: str | None
    clusters: list[Cluster]


class AudienceData(TypedDict):
    """Audience as plain data (the items serialised straight from rows)."""

    count: int
    count_capped: bool
    items: list[AccountData]
    next_cursor: str | None
    clusters: list[Cluster]


AUDIENCE_JSON: TypeAdapter[AudienceData] = TypeAdapter(AudienceData)


class LaunchIn(Schema):
    """POST /campaigns/{id}/launch: who gets each target's task."""

    assignment: Assignment


class JobOut(BaseModel):
    """A background job just queued."""

    state: LaunchState


class LaunchAnswer(BaseModel):
    """The answer to a launch or a refresh: the campaign and its queued job."""

    campaign: CampaignOut
    job: JobOut


class RefreshQuery(Schema):
    """GET /campaigns/{id}/refresh: how many of each list to show."""

    limit: int = Field(default=100, ge=1, le=500)


class RefreshOut(BaseModel):
    """The audience now against the targets: accounts that entered the area since (`added`,
    not targets yet) and targets no longer in it (`removed`), by name, at most `limit` each,
    with their full counts."""

    added: list[AccountOut]
    removed: list[AccountOut]
    added_count: int
    removed_count: int


class RepStats(BaseModel):
    """One assignee's part of a campaign."""

    user_id: uuid.UUID
    name: str
    targets: int
    visited: int
    converted: int


class DayStats(BaseModel):
    """One day (UTC) of a campaign: accounts visited, and converted (an `order` outcome)."""

    date: date
    visited: int
    converted: int


class CampaignStats(BaseModel):
    """A campaign's progress since its launch: targets, targets visited by anyone, converted
    (a visit with outcome `order`), every visit's outcome, per rep and per day."""

    targets: int
    visited: int
    converted: int
    outcomes: dict[str, int]
    by_rep: list[RepStats]
    by_day: list[DayStats]


class TargetOut(BaseModel):
    """A target account of a launched campaign, its assignee and task, and how far it got."""

    account: AccountOut
    assignee_id: uuid.UUID | None
    task_id: uuid.UUID | None
    state: TargetState


class TargetList(BaseModel):
    """A page of targets, by account name."""

    items: list[TargetOut]
    next_cursor: str | None


class DeliveryIn(Schema):
    """POST /campaigns/{id}/audience/deliveries: where to POST the audience."""

    url: str = Field(min_length=1, max_length=MAX_URL)

    @field_validator("url")
    @classmethod
    def _http_url(cls, value: str) -> str:
        try:
            parts = urlsplit(value)
            parts.port  # noqa: B018  (a port out of range or not a number raises here)
        except ValueError:
            raise ValueError("not a URL") from None
        if parts.scheme not in ("http", "https") or not parts.hostname:
            raise ValueError("an http or https URL")
        return value


DeliveryState = Literal["queued", "retrying", "delivered", "failed", "refused"]


class DeliveryOut(BaseModel):
    """An audience delivery and how it went; its id is the `webhook-id` the receiver sees.
    `last_status` is the receiver's last HTTP status, `last_error` what went wrong last (none
    once delivered), `accounts` how many accounts the delivered body carried."""

    id: str
    url: str
    state: DeliveryState
    attempts: int
    last_status: int | None
    last_error: str | None
    accounts: int | None
    created_at: datetime
    updated_at: datetime


class DeliveryBody(TypedDict):
    """What an audience delivery POSTs: the campaign and its audience's accounts."""

    campaign: CampaignOut
    accounts: list[AccountData]


DELIVERY_JSON: TypeAdapter[DeliveryBody] = TypeAdapter(DeliveryBody)


class SigningSecretOut(BaseModel):
    """The organisation's secret that signs audience deliveries (Standard Webhooks)."""

    secret: str


def template_of(value: dict[str, Any]) -> TaskTemplate:
    """A stored task template (JSON) as a TaskTemplate."""
    return TaskTemplate.model_validate(value or {})
