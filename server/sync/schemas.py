"""What devices send to and receive from the sync endpoints."""

from __future__ import annotations

import json
import uuid
from typing import Any, Literal

from pydantic import BaseModel, Field, PrivateAttr

from server.core.validation import (
    IsoTime,
    Schema,
    load_json,
    refuse_unstorable,
    unstorable_field,
    validate_json,
)

MAX_MUTATIONS = 1_000
MAX_PULL_LIMIT = 1_000
MutationStatus = Literal["applied", "duplicate", "conflict", "rejected"]


class MutationIn(Schema):
    """One outbox entry: `id` goes up by exactly one per mutation of the device."""

    id: int = Field(ge=1, le=2**62)
    op: str = Field(min_length=1, max_length=40)
    data: dict[str, Any]
    base_version: int | None = Field(default=None, ge=1)
    at: IsoTime | None = None
    # What of `data` no database could store (NaN, NUL, a lone surrogate), found as the body
    # was read: the mutation is then rejected on its own and the push goes on.
    _refused: dict[str, str] = PrivateAttr(default_factory=dict)

    @property
    def refused(self) -> dict[str, str]:
        """The fields of `data` set aside as unstorable, with why (empty: none)."""
        return self._refused


class PushIn(Schema):
    """POST /sync/push."""

    client_id: uuid.UUID
    mutations: list[MutationIn]


def read_push(raw: bytes) -> PushIn:
    """A push body as PushIn. A mutation whose data holds what no database stores is kept with
    its data set aside, so that one mutation is rejected, not the whole push, every time."""
    document = load_json(raw)
    refused = _set_aside_unstorable(document)
    refuse_unstorable(document)
    pushed = validate_json(PushIn, json.dumps(document) if refused else raw)
    for index, fields in refused.items():
        pushed.mutations[index]._refused = fields
    return pushed


def _set_aside_unstorable(document: Any) -> dict[int, dict[str, str]]:
    """Empty the data of each mutation with an unstorable value; {index: {field: why}}."""
    mutations = document.get("mutations") if isinstance(document, dict) else None
    refused: dict[int, dict[str, str]] = {}
    for index, mutation in enumerate(mutations if isinstance(mutations, list) else []):
        found = unstorable_field(mutation.get("data") if isinstance(mutation, dict) else None)
        if found is not None:
            refused[index] = {f"data.{found[0]}".rstrip("."): found[1]}
            mutation["data"] = {}
    return refused


class MutationError(BaseModel):
    """Why a mutation was not applied, in the shape of the error envelope's body."""

    code: str
    message: str
    fields: dict[str, str] = Field(default_factory=dict)


class MutationResult(BaseModel):
    """What became of one mutation; `entity` is the server's current entity where there is one."""

    id: int
    status: MutationStatus
    error: MutationError | None = None
    entity: dict[str, Any] | None = None


class PushOut(BaseModel):
    """The answer to a push: drop outbox entries up to `last_mutation_id`."""

    last_mutation_id: int
    results: list[MutationResult]


class PullQuery(Schema):
    """GET /sync/pull."""

    client_id: uuid.UUID | None = None
    cursor: str | None = Field(default=None, max_length=20_000)
    limit: int = Field(default=500, ge=1, le=MAX_PULL_LIMIT)


class Change(BaseModel):
    """One row of the working set that changed: its current state, or a tombstone."""

    entity: Literal["account", "visit", "task", "note", "contact"]
    op: Literal["upsert", "delete"]
    data: dict[str, Any]


class PullOut(BaseModel):
    """GET /sync/pull: changes since the cursor; keep pulling while `has_more`."""

    changes: list[Change]
    cursor: str
    has_more: bool
    last_mutation_id: int


class EntityChecksum(BaseModel):
    """How many rows of one entity the working set holds, and a hash over (id, version)."""

    count: int
    hash: str


class ChecksumOut(BaseModel):
    """GET /sync/checksum: per entity a count and a hash: the sum mod 2^64 of the first 8 bytes
    (big-endian) of sha256("id:version") over its rows, as 16 lower-case hex digits."""

    account: EntityChecksum
    visit: EntityChecksum
    task: EntityChecksum
    note: EntityChecksum
    contact: EntityChecksum
