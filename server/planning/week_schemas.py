"""What clients send and receive about planning a week (POST /routes/plan-week)."""

from __future__ import annotations

import uuid
from datetime import date, datetime
from typing import Literal
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from pydantic import BaseModel, ConfigDict, Field, field_validator

from server.core.validation import IsoDate, Schema
from server.geo.geojson import Point
from server.planning.hours import WorkingHours
from server.planning.navigation import LegLinks
from server.planning.plan_stop import PlanStop

MAX_DAYS = 14


class PlanWeekIn(Schema):
    """POST /routes/plan-week: the days to plan (each once, at most MAX_DAYS), where each day
    starts (and ends: without `end` a day ends at its last visit), working hours, the time zone
    the days and hours are in (the server keeps none per user), and whether to make tasks."""

    start: Point
    days: list[IsoDate] = Field(min_length=1, max_length=MAX_DAYS)
    end: Point | None = None
    working_hours: WorkingHours = Field(default_factory=WorkingHours)
    timezone: str = Field(default="UTC", min_length=1, max_length=64)
    create_tasks: bool = False

    @field_validator("days")
    @classmethod
    def _each_day_once(cls, days: list[date]) -> list[date]:
        if len(set(days)) != len(days):
            raise ValueError("each day may be named once")
        return sorted(days)

    @field_validator("timezone")
    @classmethod
    def _known_zone(cls, name: str) -> str:
        try:
            ZoneInfo(name)
        except (ZoneInfoNotFoundError, ValueError):
            raise ValueError("an IANA time zone name, e.g. Europe/Sofia") from None
        return name

    def zone(self) -> ZoneInfo:
        """The plan's time zone."""
        return ZoneInfo(self.timezone)


class Leg(BaseModel):
    """One drive of a day: from the start or an account, to an account or the end, with the
    leg in each navigation app (as in a day's plan)."""

    model_config = ConfigDict(serialize_by_alias=True, populate_by_name=True)

    from_: str = Field(alias="from")
    to: str
    distance_m: int
    duration_s: int
    links: LegLinks


class DayPlan(BaseModel):
    """One day: the accounts in visiting order, the legs between them, totals, when each
    visit starts, and the day's route as Google Maps URLs (split at its waypoint limit; none
    for a day without visits)."""

    date: date
    order: list[uuid.UUID]
    legs: list[Leg]
    total_distance_m: int
    total_duration_s: int
    arrivals: dict[uuid.UUID, datetime]
    navigation_urls: list[str]


class Unplanned(BaseModel):
    """An account due (or an appointment) the week could not take, and why."""

    id: uuid.UUID
    reason: Literal["no_time", "appointment_unreachable"]


class WeekPlanOut(BaseModel):
    """The answer of POST /routes/plan-week; `stops` names every account the days and
    `unplanned` refer to (its name and location, and an appointment's task), as a day's plan
    does."""

    days: list[DayPlan]
    unplanned: list[Unplanned]
    tasks_created: int
    stops: list[PlanStop]
