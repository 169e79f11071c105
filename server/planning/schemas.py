"""What clients send and receive about a day's route."""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Annotated, Any, Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator

from server.core.validation import IsoTime, Schema
from server.geo.geojson import LineString, Point
from server.planning.hours import WorkingHours
from server.planning.matrix import Provider
from server.planning.navigation import LegLinks
from server.planning.plan_stop import PlanStop
from server.planning.solver import MAX_TIME_LIMIT_MS, Reason

MAX_STOPS = 100
DEFAULT_SERVICE_S = 20 * 60
MAX_SERVICE_S = 12 * 3600

ServiceSeconds = Annotated[int, Field(ge=0, le=MAX_SERVICE_S)]
# [opens, closes]: a list, not a tuple (strict validation after Schema's "before" validator
# takes only lists for JSON arrays).
Window = Annotated[list[IsoTime], Field(min_length=2, max_length=2)]


class PlanRequest(Schema):
    """POST /routes/plan: where the day starts (and ends), which stops, and what constrains
    them. `stops` is a list of account ids or "today": the caller's open tasks due by the end
    of the day of `departure_at` (overdue ones too, as the Today screen lists them) whose
    account has a location."""

    start: Point
    stops: list[uuid.UUID] | Literal["today"]
    end: Point | None = None
    departure_at: IsoTime | None = None
    windows: dict[uuid.UUID, Window] = Field(default_factory=dict, max_length=MAX_STOPS)
    service_s: dict[uuid.UUID, ServiceSeconds] = Field(default_factory=dict, max_length=MAX_STOPS)
    working_hours: WorkingHours | None = None
    solver_ms: int | None = Field(default=None, ge=10, le=MAX_TIME_LIMIT_MS)

    @field_validator("stops", mode="before")
    @classmethod
    def _a_list_or_today(cls, value: Any) -> Any:
        # Checked before pydantic tries each member of the union, so the error says one thing.
        if isinstance(value, str) and value != "today":
            raise ValueError('a list of account ids, or "today"')
        if isinstance(value, list):
            if len(value) > MAX_STOPS:
                raise ValueError(f"at most {MAX_STOPS} stops")
        return value

    @field_validator("stops")
    @classmethod
    def _each_account_once(
        cls, value: list[uuid.UUID] | Literal["today"]
    ) -> list[uuid.UUID] | Literal["today"]:
        if isinstance(value, list) and len(set(value)) != len(value):
            raise ValueError("each account at most once")
        return value

    @field_validator("windows")
    @classmethod
    def _windows_in_order(cls, windows: dict[uuid.UUID, Window]) -> dict[uuid.UUID, Window]:
        for account_id, (opens, closes) in windows.items():
            if closes < opens:
                raise ValueError(f"the window of {account_id} closes before it opens")
        return windows


class Leg(BaseModel):
    """Driving from one point of the route to the next."""

    model_config = ConfigDict(serialize_by_alias=True)

    from_: Literal["start"] | uuid.UUID = Field(alias="from")
    to: uuid.UUID | Literal["end"]
    distance_m: int
    duration_s: int
    links: LegLinks


class Unplanned(BaseModel):
    """A stop left out of the plan, and why: its window is outside the working hours, it
    cannot be reached within its window, or the day had no time left for it."""

    id: uuid.UUID
    reason: Reason


class PlanMatrix(BaseModel):
    """The figures the plan was made on: `ids` names the rows and columns ("start", the stops
    in request order, then "end" when an end was given; without one the day ends at its last
    visit)."""

    ids: list[str]
    distance_m: list[list[int]]
    duration_s: list[list[int]]


class PlanOut(BaseModel):
    """A day's route: the order, each leg with its links, totals (driving), when each visit
    begins and ends, what could not fit, and the matrix to re-plan on the device. `geometry`
    is the route along the roads from the routing service (null without one, or when it gave
    no route: draw straight lines between the stops then)."""

    order: list[uuid.UUID]
    legs: list[Leg]
    total_distance_m: int
    total_duration_s: int
    arrivals: dict[uuid.UUID, datetime]
    departures: dict[uuid.UUID, datetime]
    unplanned: list[Unplanned]
    navigation_url: str | None
    navigation_urls: list[str]
    provider: Provider
    matrix: PlanMatrix
    stops: list[PlanStop]
    geometry: LineString | None = None
