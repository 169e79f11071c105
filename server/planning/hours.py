"""The rep's working hours, as a day plan and a week plan both take them."""

from __future__ import annotations

from datetime import time

from pydantic import Field, model_validator

from server.core.validation import Schema

DEFAULT_WORKING_HOURS = ("08:00", "18:00")
HOURS_PATTERN = r"^([01][0-9]|2[0-3]):[0-5][0-9]$"


class WorkingHours(Schema):
    """The rep's working day, `HH:MM` to `HH:MM` in the plan's local time (a day plan: the
    offset of `departure_at`; a week plan: its time zone)."""

    start: str = Field(default=DEFAULT_WORKING_HOURS[0], pattern=HOURS_PATTERN)
    end: str = Field(default=DEFAULT_WORKING_HOURS[1], pattern=HOURS_PATTERN)

    @model_validator(mode="after")
    def _start_before_end(self) -> WorkingHours:
        if self.end <= self.start:
            raise ValueError("end must be after start")
        return self

    def times(self) -> tuple[time, time]:
        """The start and end as times of day."""
        return time.fromisoformat(self.start), time.fromisoformat(self.end)
