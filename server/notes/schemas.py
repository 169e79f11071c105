"""What clients send and receive about notes."""

from __future__ import annotations

import uuid
from datetime import datetime

from pydantic import BaseModel, Field, field_validator

from server.core.validation import IsoTime, PageQuery, Schema

MAX_BODY_CHARS = 10_000


class NoteCreate(Schema):
    """POST /notes and the sync op note.create. The device chooses the id; `written_at`
    (default: when the server receives it) is when the rep wrote it, offline perhaps."""

    id: uuid.UUID
    account_id: uuid.UUID
    body: str = Field(min_length=1, max_length=MAX_BODY_CHARS)
    written_at: IsoTime | None = None

    @field_validator("body")
    @classmethod
    def _says_something(cls, body: str) -> str:
        if not body.strip():
            raise ValueError("a note needs some text")
        return body


class NoteOut(BaseModel):
    """A note as the API shows it. Notes are never edited: their version is always 1."""

    id: uuid.UUID
    account_id: uuid.UUID
    author_id: uuid.UUID
    body: str
    written_at: datetime
    created_at: datetime
    version: int = 1


class NoteListQuery(PageQuery):
    """GET /notes filters."""

    account_id: uuid.UUID | None = None
    author_id: uuid.UUID | None = None


class NoteList(BaseModel):
    """A page of notes, newest first."""

    items: list[NoteOut]
    next_cursor: str | None
