"""What clients send and receive about tasks."""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Literal

from pydantic import BaseModel, Field, model_validator

from server.core.validation import IsoTime, PageQuery, Schema

Status = Literal["open", "in_progress", "done", "cancelled"]
Priority = Literal["low", "normal", "high"]
MAX_NOTES_CHARS = 10_000


class TaskCreate(Schema):
    """POST /tasks. The assignee defaults to the caller; a client may choose the id."""

    id: uuid.UUID | None = None
    title: str = Field(min_length=1, max_length=200)
    notes: str = Field(default="", max_length=MAX_NOTES_CHARS)
    account_id: uuid.UUID | None = None
    assignee_id: uuid.UUID | None = None
    due_at: IsoTime | None = None
    status: Status = "open"
    priority: Priority = "normal"


class TaskPatch(Schema):
    """PATCH /tasks/{id} and the sync op task.update: only the fields sent change."""

    title: str | None = Field(default=None, min_length=1, max_length=200)
    notes: str | None = Field(default=None, max_length=MAX_NOTES_CHARS)
    account_id: uuid.UUID | None = None
    assignee_id: uuid.UUID | None = None
    due_at: IsoTime | None = None
    status: Status | None = None
    priority: Priority | None = None
    version: int | None = Field(default=None, ge=1)

    @model_validator(mode="after")
    def _required_stay_set(self) -> TaskPatch:
        for name in ("title", "notes", "assignee_id", "status", "priority"):
            if name in self.model_fields_set and getattr(self, name) is None:
                raise ValueError(f"{name} cannot be null")
        return self


class TaskOut(BaseModel):
    """A task as the API shows it."""

    id: uuid.UUID
    title: str
    notes: str
    account_id: uuid.UUID | None
    campaign_id: uuid.UUID | None
    assignee_id: uuid.UUID
    due_at: datetime | None
    status: Status
    priority: Priority
    created_by: uuid.UUID
    created_at: datetime
    updated_at: datetime
    version: int


class TaskListQuery(PageQuery):
    """GET /tasks: `assignee=me` or a user id, status, account, due_at in [due_from, due_to)."""

    assignee: str | None = Field(default=None, max_length=36)
    status: Status | None = None
    account_id: uuid.UUID | None = None
    due_from: IsoTime | None = None
    due_to: IsoTime | None = None

    @model_validator(mode="after")
    def _assignee_is_me_or_an_id(self) -> TaskListQuery:
        if self.assignee not in (None, "me"):
            try:
                uuid.UUID(self.assignee)
            except ValueError:
                raise ValueError("assignee is `me` or a user id") from None
        return self


class TaskList(BaseModel):
    """A page of tasks, earliest created first."""

    items: list[TaskOut]
    next_cursor: str | None
