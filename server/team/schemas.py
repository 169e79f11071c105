"""What clients send and receive about a team's day."""

from __future__ import annotations

import uuid
from datetime import datetime, timedelta

from pydantic import BaseModel, Field, ValidationInfo, field_validator

from server.core.validation import IsoTime, PageQuery

# The longest window one request may ask about: a week (a day is what the Team screen shows).
MAX_SPAN = timedelta(days=7)


class TeamDayQuery(PageQuery):
    """GET /team/day: the caller's local day as [from, to), both with their offset."""

    from_: IsoTime = Field(alias="from")
    to: IsoTime

    @field_validator("to")
    @classmethod
    def _a_window_of_at_most_a_week(cls, to: datetime, info: ValidationInfo) -> datetime:
        start = info.data.get("from_")
        if start is None:
            return to  # `from` itself was refused, and says why
        if to <= start:
            raise ValueError("must be after `from`")
        if to - start > MAX_SPAN:
            raise ValueError("at most 7 days after `from`")
        return to


class Member(BaseModel):
    """A rep of the team."""

    id: uuid.UUID
    name: str
    email: str


class TaskCounts(BaseModel):
    """The rep's tasks: `due` in the window (not cancelled), of them `open` (open or in
    progress) and `done`; `overdue`, open or in progress with due_at before now, any day."""

    due: int
    open: int
    done: int
    overdue: int


class VisitCounts(BaseModel):
    """The rep's visits started in the window, by verification."""

    verified: int
    out_of_range: int
    unverifiable: int


class MemberDay(BaseModel):
    """One rep's day."""

    user: Member
    tasks: TaskCounts
    visits: VisitCounts
    last_sync_at: datetime | None


class TeamDay(BaseModel):
    """A page of the team's reps by name."""

    items: list[MemberDay]
    next_cursor: str | None
