"""Recording notes: append-only and idempotent by id, like visits."""

from __future__ import annotations

from typing import Any

from sqlalchemy.dialects.postgresql import insert

from server.accounts.models import Account
from server.core.auth import Principal
from server.core.clock import DEVICE_CLOCK_SKEW, now_utc
from server.core.errors import conflict, invalid
from server.core.events import queue_event, sync_poke
from server.core.visibility import require_visible
from server.extensions import db
from server.notes import queries
from server.notes.models import Note
from server.notes.schemas import NoteCreate, NoteOut


def record_note(principal: Principal, data: NoteCreate) -> tuple[NoteOut, bool]:
    """Store a note: (note, True) when new; the same id with the same content gives (the
    stored note, False); other content is a 409, an account the caller may not see a 404."""
    stored = queries.stored_note(data.id)
    if stored is not None:
        return _repeat(principal, data, stored), False
    now = now_utc()
    if data.written_at is not None and data.written_at > now + DEVICE_CLOCK_SKEW:
        raise invalid({"written_at": "cannot be in the future"})
    # Archived accounts too: a note written offline before the archive still counts.
    require_visible(Account, principal, data.account_id)
    row = {
        "id": data.id,
        "org_id": principal.org_id,
        "account_id": data.account_id,
        "author_id": principal.id,
        "body": data.body,
        "written_at": data.written_at or now,
        "created_at": now,
    }
    written = db.session.execute(insert(Note).values(row).on_conflict_do_nothing())
    if not written.rowcount:  # type: ignore[attr-defined]
        # Sent twice at once: the other request stored it first.
        return _repeat(principal, data, queries.stored_note(data.id)), False
    queue_event(db.session(), sync_poke(principal.org_id, principal.id))
    return NoteOut.model_validate(row), True


def _repeat(principal: Principal, data: NoteCreate, stored: Any) -> NoteOut:
    """A note id seen before: the same content is the same note, other content a 409."""
    if _same_note(stored, principal, data):
        return queries.to_out(stored)
    raise conflict("a note with this id exists with other content", {"id": "in use"})


def _same_note(stored: Any, principal: Principal, data: NoteCreate) -> bool:
    """True when `data` is what was stored under this id (a retried send). Without a
    `written_at` the retry cannot know the time the first send was given, so any is the same."""
    shown = queries.to_out(stored)
    return (
        shown.author_id == principal.id
        and shown.account_id == data.account_id
        and shown.body == data.body
        and (data.written_at is None or shown.written_at == data.written_at)
    )
