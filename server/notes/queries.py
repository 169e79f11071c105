"""Reading notes: who may see whose, the API shape, what is already stored."""

from __future__ import annotations

import uuid
from typing import Any

from sqlalchemy import ColumnElement, Select, select

from server.core.auth import Principal
from server.core.pagination import Page, keyset_page
from server.core.visibility import register, visible
from server.extensions import db
from server.notes.models import Note
from server.notes.schemas import NoteListQuery, NoteOut
from server.users.queries import written_by_seen_users

OUT_FIELDS = tuple(name for name in NoteOut.model_fields if name != "version")


def note_columns() -> list[Any]:
    """The columns a NoteOut is built from."""
    return [getattr(Note, name) for name in OUT_FIELDS]


def to_out(row: Any) -> NoteOut:
    """A NoteOut from a row selected with note_columns()."""
    return NoteOut.model_validate({name: getattr(row, name) for name in OUT_FIELDS})


def may_see(principal: Principal) -> ColumnElement[bool]:
    """The role rule, as for visits: admins see everyone's notes, managers their team's, reps
    their own."""
    return written_by_seen_users(principal, Note.author_id)


register(Note, "note", may_see)


def visibility(principal: Principal) -> ColumnElement[bool]:
    """Which notes the caller may see (core.visibility)."""
    return visible(Note, principal)


def may_have_held(principal: Principal) -> ColumnElement[bool]:
    """Notes a device of the caller may hold: the visible ones. A note follows its
    author, who never changes, so it leaves a device only when the caller's role or team changes,
    and that bumps the caller's sync epoch instead (sync.pull): a pull names none as a tombstone."""
    return visibility(principal)


def visible_notes(principal: Principal) -> Select[Any]:
    """SELECT note_columns() of the notes the caller may see."""
    return select(*note_columns()).where(visibility(principal))


def list_notes(principal: Principal, filters: NoteListQuery) -> Page[NoteOut]:
    """Visible notes newest first, narrowed by account and author."""
    query = visible_notes(principal)
    if filters.account_id is not None:
        query = query.where(Note.account_id == filters.account_id)
    if filters.author_id is not None:
        query = query.where(Note.author_id == filters.author_id)
    page = keyset_page(
        query,
        [Note.written_at, Note.id],
        filters.limit,
        filters.cursor,
        lambda row: [row.written_at.isoformat(), str(row.id)],
        descending=True,
    )
    return Page([to_out(row) for row in page.items], page.next_cursor)


def stored_note(note_id: uuid.UUID) -> Any | None:
    """The note stored under this id in any organisation (ids are global)."""
    query = select(*note_columns()).where(Note.id == note_id)
    return db.session.execute(query).first()
