"""HTTP edge for notes: record one (idempotent by id), list them. No SQL here."""

from __future__ import annotations

from flask import Blueprint, Response

from server.core.auth import current_principal, require_login
from server.core.http import json_response
from server.core.transaction import unit_of_work
from server.core.validation import parse_body, parse_query
from server.notes import operations, queries
from server.notes.schemas import NoteCreate, NoteList, NoteListQuery

blueprint = Blueprint("notes", __name__, url_prefix="/api/v1/notes")


@blueprint.post("")
@require_login
def create_note() -> Response:
    """Write a note on an account; sending the same one again answers 200 with the stored note."""
    data = parse_body(NoteCreate)
    with unit_of_work():
        note, created = operations.record_note(current_principal(), data)
    return json_response(note, 201 if created else 200)


@blueprint.get("")
@require_login
def list_notes() -> Response:
    """Notes the caller may see, newest first: `?account_id=` for one account's."""
    filters = parse_query(NoteListQuery)
    page = queries.list_notes(current_principal(), filters)
    return json_response(NoteList(items=page.items, next_cursor=page.next_cursor))
