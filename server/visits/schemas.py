"""What clients send and receive about visits."""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Literal

from pydantic import BaseModel, Field, model_validator

from server.core.validation import IsoDate, IsoTime, PageQuery, Schema
from server.geo.geojson import Point

Outcome = Literal["met", "no_answer", "order", "follow_up", "not_interested", "other"]
Verification = Literal["verified", "out_of_range", "unverifiable"]
MAX_NOTES_CHARS = 10_000
MAX_ACCURACY_M = 1_000_000.0


class NextStep(Schema):
    """What the rep agreed to do next (becomes a follow-up)."""

    title: str = Field(min_length=1, max_length=200)
    due_on: IsoDate | None = None


class VisitCreate(Schema):
    """POST /visits and the sync op visit.create. The device chooses the id."""

    id: uuid.UUID
    account_id: uuid.UUID
    started_at: IsoTime
    ended_at: IsoTime | None = None
    location: Point | None = None
    accuracy_m: float | None = Field(default=None, ge=0, le=MAX_ACCURACY_M)
    outcome: Outcome
    notes: str = Field(default="", max_length=MAX_NOTES_CHARS)
    task_id: uuid.UUID | None = None
    next_step: NextStep | None = None

    @model_validator(mode="after")
    def _ends_after_start(self) -> VisitCreate:
        if self.ended_at is not None and self.ended_at < self.started_at:
            raise ValueError("ended_at cannot be before started_at")
        if self.location is not None and self.accuracy_m is None:
            raise ValueError("a location needs its accuracy_m")
        return self


class VisitOut(BaseModel):
    """A visit as the API shows it. `location` is null once the retention period dropped it."""

    id: uuid.UUID
    account_id: uuid.UUID
    user_id: uuid.UUID
    task_id: uuid.UUID | None
    started_at: datetime
    ended_at: datetime | None
    location: Point | None
    accuracy_m: float | None
    distance_m: float | None
    verified: bool
    verification: Verification
    outcome: Outcome
    notes: str
    next_step: NextStep | None
    created_at: datetime
    version: int = 1


class VisitListQuery(PageQuery):
    """GET /visits filters: started at or after `since`, before `until`."""

    account_id: uuid.UUID | None = None
    user_id: uuid.UUID | None = None
    since: IsoTime | None = None
    until: IsoTime | None = None


class VisitList(BaseModel):
    """A page of visits, newest first."""

    items: list[VisitOut]
    next_cursor: str | None
