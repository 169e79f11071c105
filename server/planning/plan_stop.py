"""An account a plan names, as a day's plan and a week's plan both give it."""

from __future__ import annotations

import uuid

from pydantic import BaseModel

from server.geo.geojson import Point


class PlanStop(BaseModel):
    """A stop of a plan: its account, and the task that brought it (a day's "today" stops, a
    week's appointments)."""

    id: uuid.UUID
    name: str
    location: Point
    task_id: uuid.UUID | None = None
